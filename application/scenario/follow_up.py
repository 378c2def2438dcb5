"""Scenario verbs of follow-up and dialogues with governments: responses, follow-up entries,
dialogues.

Each verb runs one application command with the step's command id (``docs/scenario.md``).
"""

from __future__ import annotations

from datetime import date

from application.scenario.loader import ScenarioLoader, Step, verb


@verb("record_government_response")
def record_government_response(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.record_government_response(
        loader.prop(s["proposal"]), country=s["country"], status=s["status"], response=s["response"],
        language=s.get("language", "es"), responding_entity=s.get("responding_entity", ""),
        response_date=date.fromisoformat(s["response_date"]) if s.get("response_date") else None, command_id=cid,
    )


@verb("record_follow_up")
def record_follow_up(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.record_follow_up(
        loader.prop(s["proposal"]), country=s["country"], progress=s["progress"], note=s["note"],
        on=date.fromisoformat(s["date"]) if s.get("date") else None, actor=loader.actor(s), command_id=cid,
    )


@verb("schedule_government_dialogue")
def schedule_government_dialogue(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.schedule_government_dialogue(
        period=s["period"], on=date.fromisoformat(s["date"]), title=s["title"], governments=s["governments"],
        mode=s.get("mode", "virtual"), actor=loader.actor(s), command_id=cid,
    )


@verb("present_at_dialogue")
def present_at_dialogue(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.present_at_dialogue(s["period"], loader.prop(s["proposal"]), note=s.get("note", ""), actor=loader.actor(s), command_id=cid)
