"""Scenario verbs of requests to join a working table (issue 17): a request by someone
without an account, and its decision by the table's representatives or the secretariat.

Each verb runs one application command with the step's command id (``docs/scenario.md``);
``request`` is a reference of the scenario, and ``participant`` (on acceptance) the new
participant's reference, whose id is derived as every participant's of the scenario.
No invitation is mailed by a scenario (the pages and the API send it).
"""

from __future__ import annotations

from uuid import UUID

from application.scenario.loader import ScenarioLoader, Step, verb
from domain.ids import scenario_id


def request_id(loader: ScenarioLoader, ref: str) -> UUID:
    return scenario_id(loader.ns, "join-request", ref)


@verb("request_to_join")
def request_to_join(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.request_to_join(
        s["table"], motivation=s["motivation"], display_name=s["display_name"], organisation_name=s.get("organisation_name", ""),
        country=s["country"], stakeholder_group=s["stakeholder_group"], language=s["language"], contact=s["contact"],
        request_id=request_id(loader, s["request"]), actor=loader.actor(s), command_id=cid,
    )


@verb("decide_join_request")
def decide_join_request(loader: ScenarioLoader, s: Step, cid: str) -> None:
    ref = s.get("participant")
    loader.app.decide_join_request(
        request_id(loader, s["request"]), decision=s["decision"], reason=s.get("reason", ""), participant_reference=ref,
        participant_id=loader.pid(ref) if ref else None, ground=s.get("ground"), actor=loader.actor(s), command_id=cid,
    )
