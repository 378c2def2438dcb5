"""Scenario verbs of open calls for input (issue 17): opening and closing a call, inputs
from the public or participants, moderation, links from proposals.

Each verb runs one application command with the step's command id (``docs/scenario.md``);
``call`` and ``input`` are references of the scenario, turned into ids in its namespace.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.scenario.loader import ScenarioLoader, Step, verb
from domain.ids import scenario_id


def call_id(loader: ScenarioLoader, ref: str) -> UUID:
    return scenario_id(loader.ns, "call", ref)


def input_id(loader: ScenarioLoader, ref: str) -> UUID:
    return scenario_id(loader.ns, "input", ref)


@verb("open_call")
def open_call(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.open_call(
        reference=s["call"], title=s["title"], text=s["text"], objectives=list(s["objectives"]), table=s.get("table"),
        languages=list(s["languages"]), opens_on=date.fromisoformat(s["opens_on"]), closes_on=date.fromisoformat(s["closes_on"]),
        id=call_id(loader, s["call"]), actor=loader.actor(s), command_id=cid,
    )


@verb("submit_input")
def submit_input(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.submit_input(
        call_id(loader, s["call"]), text=s["text"], organisation_name=s.get("organisation_name", ""), country=s["country"],
        stakeholder_group=s["stakeholder_group"], language=s["language"], contact=s.get("contact"),
        input_id=input_id(loader, s["input"]), actor=loader.actor(s), command_id=cid,
    )


@verb("moderate_input")
def moderate_input(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.moderate_input(
        input_id(loader, s["input"]), decision=s["decision"], reason=s.get("reason", ""), category=s.get("category"),
        allow_more=bool(s.get("allow_more", False)), actor=loader.actor(s), command_id=cid,
    )


@verb("link_input")
def link_input(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.link_input(input_id(loader, s["input"]), loader.prop(s["proposal"]), actor=loader.actor(s), command_id=cid)


@verb("close_call")
def close_call(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.close_call(call_id(loader, s["call"]), actor=loader.actor(s), command_id=cid)
