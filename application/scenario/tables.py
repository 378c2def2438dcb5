"""Scenario verbs of the working tables: membership, representatives' elections, vacated seats.

Each verb runs one application command with the step's command id (``docs/scenario.md``).
"""

from __future__ import annotations

from datetime import date

from application.scenario.loader import ScenarioLoader, Step, verb


@verb("join_table")
def join_table(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.join_table(loader.pid(s["participant"]), s["table"], command_id=cid)


@verb("leave_table")
def leave_table(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.leave_table(loader.pid(s["participant"]), s["table"], command_id=cid)


@verb("elect_representative")
def elect_representative(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.elect_representative(
        table=s["table"], seat=s["seat"], participant_id=loader.pid(s["participant"]),
        term_start=date.fromisoformat(s["term_start"]),
        term_end=date.fromisoformat(s["term_end"]) if s.get("term_end") else None,
        session_id=loader.sid(s["session"]) if s.get("session") else None, votes=s.get("votes"), command_id=cid,
    )


@verb("vacate_seat")
def vacate_seat(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.vacate_seat(s.get("table", "UN"), s["seat"], s.get("reason", ""), actor=loader.actor(s), command_id=cid)
