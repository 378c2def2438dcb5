"""Scenario verbs of the working tables' sessions: scheduling, agenda, positions, decisions.

Each verb runs one application command with the step's command id (``docs/scenario.md``).
"""

from __future__ import annotations

from datetime import date

from application.scenario.loader import ScenarioLoader, Step, verb


@verb("schedule_session")
def schedule_session(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.schedule_session(
        table=s["table"], quarter=s["quarter"], on=date.fromisoformat(s["date"]), mode=s.get("mode", "virtual"),
        reference=s["session"], id=loader.sid(s["session"]), actor=loader.actor(s), command_id=cid,
    )


@verb("add_to_agenda")
def add_to_agenda(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.add_to_agenda(loader.sid(s["session"]), loader.prop(s["proposal"]), actor=loader.actor(s), command_id=cid)


@verb("record_position")
def record_position(loader: ScenarioLoader, s: Step, cid: str) -> None:
    member = loader.pid(s["member"])
    loader.app.record_position(
        loader.sid(s["session"]), loader.prop(s["proposal"]), member=member, position=s["position"],
        reason=s.get("reason", ""), actor=loader.actor(s) if s.get("actor") else str(member), command_id=cid,
    )


@verb("decide")
def decide(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.decide(loader.sid(s["session"]), loader.prop(s["proposal"]), s["decision"], actor=loader.actor(s), command_id=cid)


@verb("open_session")
def open_session(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.open_session(loader.sid(s["session"]), actor=loader.actor(s), command_id=cid)


@verb("close_session")
def close_session(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.close_session(loader.sid(s["session"]), s.get("minutes", ""), actor=loader.actor(s), command_id=cid)
