"""Scenario verbs of the Liaison Table: UN agency seats, endorsement rounds and votes,
publication to governments.

Each verb runs one application command with the step's command id (``docs/scenario.md``).
"""

from __future__ import annotations

from datetime import date

from application.scenario.loader import ScenarioLoader, Step, verb


@verb("nominate_un_agency")
def nominate_un_agency(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.nominate_un_agency(
        seat=s["seat"], agency=s["agency"], consensus_record=s["consensus_record"], objections=s.get("objections", 0),
        focal_point=loader.pid(s["focal_point"]) if s.get("focal_point") else None, actor=loader.actor(s), command_id=cid,
    )


@verb("open_endorsement")
def open_endorsement(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.open_endorsement(loader.prop(s["proposal"]), date.fromisoformat(s["closes_on"]), command_id=cid)


def _vote(loader: ScenarioLoader, s: Step, cid: str, vote: str) -> None:
    participant = loader.pid(s["participant"])
    loader.app.vote_on_endorsement(
        loader.prop(s["proposal"]), seat=s["seat"], participant_id=participant, vote=vote, reason=s.get("reason", ""),
        actor=str(participant), command_id=cid,
    )


@verb("endorse")
def endorse(loader: ScenarioLoader, s: Step, cid: str) -> None:
    _vote(loader, s, cid, "endorse")


@verb("object")
def object_to(loader: ScenarioLoader, s: Step, cid: str) -> None:
    _vote(loader, s, cid, "object")


@verb("record_un_advice")
def record_un_advice(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.record_un_advice(
        loader.prop(s["proposal"]), seat=s["seat"], agency=s.get("agency", ""), advice=s["advice"], actor=loader.actor(s), command_id=cid,
    )


@verb("close_endorsement")
def close_endorsement(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.close_endorsement(loader.prop(s["proposal"]), early=bool(s.get("early", True)), actor=loader.actor(s), command_id=cid)


@verb("publish_to_governments")
def publish_to_governments(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.publish_to_governments(loader.prop(s["proposal"]), s.get("recipients"), command_id=cid)
