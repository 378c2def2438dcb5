"""Scenario verbs of the mechanism's settings: changing one setting (the first version comes
from the scenario's ``settings``, see :mod:`application.scenario.loader`).

Each verb runs one application command with the step's command id (``docs/scenario.md``).
"""

from __future__ import annotations

from application.scenario.loader import ScenarioLoader, Step, verb


@verb("change_setting")
def change_setting(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.change_setting(s["setting"], s["value"], actor=loader.actor(s), command_id=cid)
