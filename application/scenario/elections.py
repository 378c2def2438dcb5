"""Scenario verbs of elections of the tables' representatives (issue 19, "Elections").

Each verb runs one application command with the step's command id (``docs/scenario.md``);
elections and candidates are named by the scenario's references.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.scenario.loader import ScenarioLoader, Step, verb
from domain.ids import scenario_id


def election_id(loader: ScenarioLoader, ref: str) -> UUID:
    """The id of the scenario's election ``ref``."""
    return scenario_id(loader.ns, "election", ref)


@verb("open_election")
def open_election(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.open_election(
        election_id=election_id(loader, s["election"]), table=s["table"], seats=list(s["seats"]),
        term_start=date.fromisoformat(s["term_start"]), nominations_close=date.fromisoformat(s["nominations_close"]),
        voting_closes=date.fromisoformat(s["voting_closes"]), actor=loader.actor(s), command_id=cid,
    )


@verb("declare_candidacy")
def declare_candidacy(loader: ScenarioLoader, s: Step, cid: str) -> None:
    candidate = loader.pid(s["candidate"])
    loader.app.declare_candidacy(
        election_id(loader, s["election"]), candidate=candidate, statement=s["statement"], criteria=s["criteria"],
        actor=loader.actor(s) if s.get("actor") else str(candidate), command_id=cid,
    )


@verb("withdraw_candidacy")
def withdraw_candidacy(loader: ScenarioLoader, s: Step, cid: str) -> None:
    candidate = loader.pid(s["candidate"])
    loader.app.withdraw_candidacy(
        election_id(loader, s["election"]), candidate=candidate,
        actor=loader.actor(s) if s.get("actor") else str(candidate), command_id=cid,
    )


@verb("cast_ballot")
def cast_ballot(loader: ScenarioLoader, s: Step, cid: str) -> None:
    voter = loader.pid(s["voter"])
    loader.app.cast_ballot(
        election_id(loader, s["election"]), voter=voter, choices=[loader.pid(c) for c in s["choices"]],
        actor=str(voter), command_id=cid,
    )


@verb("close_election")
def close_election(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.close_election(election_id(loader, s["election"]), actor=loader.actor(s), command_id=cid)
