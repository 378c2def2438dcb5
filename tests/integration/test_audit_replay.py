"""Read models rebuilt as of a past point (``dialogue audit replay``) and compared with the
live ones (``dialogue projections rebuild --check``) (issue 5, "Replay" and "Done when")."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from application.audit.log import read_log, stored_timestamp
from application.bootstrap import Services
from application.persistence import get_engine
from projections import proposals as proposal_views
from tests.integration.test_audit_tamper import cli
from web import create_app

Scenario = tuple[Path, str, dict[str, object]]


def app_of(services: Services) -> Flask:
    return create_app({
        "DIALOGUE_DATABASE_URL": services.config.database_url, "DIALOGUE_MASTER_KEY": services.config.master_key or "",
        "DIALOGUE_CLOCK": "2026-03-27", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })


def position_of_step(report: dict[str, object], seq: int) -> int:
    positions = report["positions"]
    assert isinstance(positions, dict)
    return int(positions[str(seq)])


def board(url: str) -> dict[str, str]:
    return {r["reference"]: r["status"] for r in proposal_views.list_recommendations(get_engine(url))}


def test_replay_until_the_first_decision_gives_that_board(loaded: Services, loaded_scenario_file: Scenario, tmp_path: Path) -> None:
    into = f"sqlite:///{tmp_path / 'as_of_182.sqlite'}"
    until = position_of_step(loaded_scenario_file[2], 182)

    result = cli(app_of(loaded), "audit", "replay", "--until", str(until), "--into", into)

    assert result.exit_code == 0, result.output
    statuses = board(into)
    assert len(statuses) == 15
    assert statuses.pop("prop-rt1-01") == "adopted"
    assert set(statuses.values()) == {"on_agenda"}


def test_replay_until_an_instant_stops_at_the_last_event_recorded_by_then(loaded: Services, loaded_scenario_file: Scenario, tmp_path: Path) -> None:
    until = position_of_step(loaded_scenario_file[2], 182)
    recorded = next(stored_timestamp(r.state) for r in read_log(loaded.app.engine, after=until - 1, limit=1) if r.state)
    assert recorded is not None
    into = f"sqlite:///{tmp_path / 'at_instant.sqlite'}"

    result = cli(app_of(loaded), "audit", "replay", "--until", recorded.isoformat(), "--into", into)

    assert result.exit_code == 0, result.output
    assert f"as of position {until}" in result.output
    assert board(into)["prop-rt1-01"] == "adopted"


def test_replay_as_of_the_day_before_the_decision_leaves_it_on_the_agenda(loaded: Services, tmp_path: Path) -> None:
    into = f"sqlite:///{tmp_path / 'as_of_day.sqlite'}"
    last = loaded.app.recorder.max_notification_id()

    result = cli(app_of(loaded), "audit", "replay", "--until", str(last), "--as-of", "2026-01-26", "--into", into)

    assert result.exit_code == 0, result.output
    assert board(into)["prop-rt1-01"] == "on_agenda"


def test_replay_refuses_the_live_database(loaded: Services) -> None:
    result = app_of(loaded).test_cli_runner().invoke(args=["audit", "replay", "--until", "10", "--into", loaded.config.database_url])

    assert result.exit_code == 2
    assert "another database than the live event store" in result.output


def test_replay_refuses_a_database_holding_views_unless_reset(loaded: Services, tmp_path: Path) -> None:
    into = f"sqlite:///{tmp_path / 'twice.sqlite'}"
    app = app_of(loaded)
    assert cli(app, "audit", "replay", "--until", "50", "--into", into).exit_code == 0

    refused = app.test_cli_runner().invoke(args=["audit", "replay", "--until", "40", "--into", into])
    reset = cli(app, "audit", "replay", "--until", "40", "--into", into, "--reset")

    assert refused.exit_code == 1
    assert "already holds views (up to position 50)" in refused.output
    assert reset.exit_code == 0


@pytest.mark.parametrize("unit", ["2026-13-01", "yesterday"])
def test_replay_refuses_an_until_that_is_neither_position_nor_instant(loaded: Services, tmp_path: Path, unit: str) -> None:
    result = app_of(loaded).test_cli_runner().invoke(args=["audit", "replay", "--until", unit, "--into", f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert result.exit_code == 2
    assert "neither a position nor an ISO-8601 instant" in result.output


def test_rebuild_check_reports_no_difference_after_loading_the_scenario(loaded: Services) -> None:
    result = cli(app_of(loaded), "projections", "rebuild", "--check")

    assert result.exit_code == 0, result.output
    assert "The live views equal a rebuild from zero" in result.output


def test_rebuild_check_reports_a_live_row_altered_by_hand(loaded: Services) -> None:
    with loaded.projector.engine.begin() as c:
        c.execute(update(proposal_views.view_proposals).where(proposal_views.view_proposals.c.reference == "prop-rt1-06").values(status="adopted"))

    result = app_of(loaded).test_cli_runner().invoke(args=["projections", "rebuild", "--check"])

    assert result.exit_code == 1
    changed = [line for line in result.output.splitlines() if "prop-rt1-06" in line]
    assert len(changed) == 2
    assert any(line.startswith(f"{proposal_views.view_proposals.name}: live only:") and "'adopted'" in line for line in changed)
    assert any(line.startswith(f"{proposal_views.view_proposals.name}: rebuild only:") and "'rejected'" in line for line in changed)
    assert "2 difference(s)" in result.output
