"""A malformed scenario is refused whole, before anything is applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from application.bootstrap import Services
from application.scenario import ScenarioError, load_scenario


def folder_with(tmp_path: Path, steps: object) -> Path:
    (tmp_path / "quarter.json").write_text(json.dumps({"quarter": "2099-Q1", "steps": steps}), "utf-8")
    return tmp_path


@pytest.mark.parametrize(("steps", "message"), [
    ({"seq": 1}, "'steps' must be a list"),
    ([{"seq": 1, "at": "2026-13-01", "verb": "join_table"}], "step 1: bad or missing 'at' date"),
    ([{"seq": 1, "at": "2026-01-05", "verb": "fly"}], "step 1: unknown verb 'fly'"),
    ([{"seq": 1, "at": "2026-01-05", "verb": "join_table"}, {"seq": 1, "at": "2026-01-05", "verb": "join_table"}], "step 1: 'seq' is used twice"),
    ([{"seq": "1", "at": "2026-01-05", "verb": "join_table"}], "'seq' must be a whole number"),
])
def test_malformed_scenarios_are_refused_before_any_change(sqlite_services: Services, tmp_path: Path, steps: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(sqlite_services.app, folder_with(tmp_path, steps))
    assert sqlite_services.app.recorder.max_notification_id() is None


def test_setup_data_with_a_control_character_is_refused_before_any_change(sqlite_services: Services, tmp_path: Path) -> None:
    folder = folder_with(tmp_path, [{"seq": 1, "at": "2026-01-05", "verb": "join_table", "participant": "p-01", "table": "RT1"}])
    (folder / "organisations.json").write_text(json.dumps([{"id": "org-01", "name": "Red\u0000Andina", "stakeholder_group": "other", "country": "PE", "languages": ["es"]}]), "utf-8")
    with pytest.raises(ScenarioError, match="setup data"):
        load_scenario(sqlite_services.app, folder)
    assert sqlite_services.app.recorder.max_notification_id() is None
