"""Scenario verbs of the cross-cutting commission and its indicators (issue 19).

Each verb runs one application command with the step's command id (``docs/scenario.md``);
indicators are named by the scenario's references, recommendations by their proposal
references.
"""

from __future__ import annotations

from datetime import date

from application.scenario.loader import ScenarioLoader, Step, verb
from domain.ids import scenario_id


@verb("establish_commission")
def establish_commission(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.establish_commission(
        reference=s["commission"], members=[loader.pid(m) for m in s["members"]], actor=loader.actor(s), command_id=cid,
    )


@verb("appoint_commission_member")
def appoint_commission_member(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.appoint_commission_member(loader.pid(s["member"]), actor=loader.actor(s), command_id=cid)


@verb("define_indicator")
def define_indicator(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.define_indicator(
        indicator_id=scenario_id(loader.ns, "indicator", s["indicator"]), reference=s["indicator"],
        recommendations=[loader.prop(r) for r in s["recommendations"]], name=s["name"], definition=s["definition"],
        unit=s["unit"], baseline=s["baseline"], baseline_date=date.fromisoformat(s["baseline_date"]), target=s["target"],
        target_date=date.fromisoformat(s["target_date"]), disaggregation=list(s.get("disaggregation", [])),
        states=list(s["states"]), actor=loader.actor(s), command_id=cid,
    )


@verb("record_measurement")
def record_measurement(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.record_measurement(
        scenario_id(loader.ns, "indicator", s["indicator"]), state=s["state"], period=s["period"], value=s["value"],
        disaggregation=s.get("disaggregation"), source=s["source"], actor=loader.actor(s), command_id=cid,
    )
