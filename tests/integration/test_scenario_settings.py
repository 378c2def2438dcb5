"""A scenario carries its own settings (``quarter.json``'s ``settings``), recorded as the
first settings version: changing a code default changes no scenario's outcome."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import domain.settings
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.scenario import ScenarioError, load_scenario
from domain.settings import SETTING_NAMES, Rules
from projections import proposals as proposal_views
from projections import settings as settings_views
from tests.conftest import ROOT

SCENARIOS = [ROOT / "scenarios" / "2026-Q1", *sorted(p.parent for p in (ROOT / "tests" / "scenarios").glob("*/quarter.json"))]
# Defaults no scenario could pass under: a quorum of 100 members, every Liaison seat needed.
ODD_DEFAULTS = Rules(quorum=100, endorsement_min=10, un_agencies_vote=True)


def settings_of(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "quarter.json").read_text("utf-8"))["settings"])


def statuses(s: Services) -> dict[str, str]:
    s.projector.catch_up()
    return {r["reference"]: r["status"] for r in proposal_views.list_recommendations(s.projector.engine)}


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_carries_every_setting(folder: Path) -> None:
    assert sorted(settings_of(folder)) == sorted(SETTING_NAMES)


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: p.name)
def test_changed_code_defaults_change_no_scenario_outcome(
    folder: Path, tmp_path: Path, master_key: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
) -> None:
    def outcome(s: Services, report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], dict[str, Any] | None]:
        return report, statuses(s), settings_views.settings_history(s.projector.engine)[-1]

    def load(name: str) -> tuple[dict[str, Any], dict[str, str], dict[str, Any] | None]:
        s = bootstrap(Config(database_url=f"sqlite:///{tmp_path / name}", master_key=master_key, inline_projection=False),
                      clock=FixedClock(date(2026, 1, 1)))
        return outcome(s, load_scenario(s.app, folder).as_dict())

    if folder == SCENARIOS[0]:  # the 2026-Q1 quarter, loaded once per run with the defaults
        loaded = request.getfixturevalue("loaded")
        report, board, first = outcome(loaded, request.getfixturevalue("loaded_scenario_file")[2])
    else:
        report, board, first = load("defaults.sqlite")
    monkeypatch.setattr(domain.settings, "DEFAULT_RULES", ODD_DEFAULTS)
    odd_report, odd_board, odd_first = load("odd-defaults.sqlite")

    assert odd_report["unexpected_refusals"] == []
    assert (odd_report["refused"], odd_board) == (report["refused"], board)
    assert odd_first is not None and first is not None
    assert odd_first["values"] == first["values"] == settings_of(folder)


def test_a_setting_missing_from_a_scenario_comes_from_the_defaults(sqlite_services: Services, tmp_path: Path) -> None:
    (tmp_path / "quarter.json").write_text(json.dumps({"quarter": "2099-Q1", "settings": {"quorum": 3}, "steps": []}), "utf-8")

    load_scenario(sqlite_services.app, tmp_path)

    assert sqlite_services.app.rules().quorum == 3
    assert sqlite_services.app.rules().endorsement_min == domain.settings.DEFAULT_RULES.endorsement_min


@pytest.mark.parametrize(("settings", "message"), [
    ({"quorum": 0}, "quorum is a whole number"),
    ({"speed": 3}, "Unknown setting 'speed'"),
    ([5], "settings: an object"),
])
def test_bad_scenario_settings_are_refused_before_any_change(sqlite_services: Services, tmp_path: Path, settings: object, message: str) -> None:
    (tmp_path / "quarter.json").write_text(json.dumps({"quarter": "2099-Q1", "settings": settings, "steps": []}), "utf-8")

    with pytest.raises(ScenarioError, match=message):
        load_scenario(sqlite_services.app, tmp_path)
    assert sqlite_services.app.recorder.max_notification_id() is None
