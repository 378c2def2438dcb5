"""Replay a scenario folder through the application's commands (``docs/scenario.md``).

:mod:`application.scenario.loader` reads the folder, registers the setup and applies each
step exactly once; each area registers its verbs in a module of its own with
:func:`~application.scenario.loader.verb`. A new area adds its module and one import
line below.
"""

from __future__ import annotations

from application.scenario import (
    calls,
    commission,
    discussion,
    elections,
    follow_up,
    join_requests,
    liaison,
    proposals,
    sessions,
    settings,
    tables,
)
from application.scenario.loader import (
    VERBS,
    Report,
    ScenarioError,
    ScenarioLoader,
    load_scenario,
    verb,
)

AREAS = (proposals, sessions, tables, elections, liaison, follow_up, settings, calls, join_requests, commission, discussion)

__all__ = ["AREAS", "VERBS", "Report", "ScenarioError", "ScenarioLoader", "load_scenario", "verb"]
