"""Issue 4, "Logging": application logs, CLI output and error messages carry ids, never
personal values — even with SQL statement logging switched on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from application.bootstrap import Services
from projections import people as people_views
from tests.conftest import SCENARIO
from tests.integration.test_erasure import PEOPLE, participant_id
from web import create_app

NAMES = [p["display_name"] for p in PEOPLE.values()]


def named(text: str) -> list[str]:
    return [n for n in NAMES if n in text]


def test_loading_the_scenario_and_erasing_log_no_name(tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DIALOGUE_MASTER_KEY", "DIALOGUE_MASTER_KEY_FILE", "DIALOGUE_VIEWS_URL"):
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every SQL statement
    app = create_app({
        "DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY_FILE": str(tmp_path / "master.key"),
        "DIALOGUE_CLOCK": "2026-03-27", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })
    runner = app.test_cli_runner()

    outputs = [runner.invoke(args=args) for args in (
        ["db", "init"], ["load-scenario", str(SCENARIO)], ["participants", "erase", "p-12", "--yes"],
        ["participants", "statistics"], ["participants", "erase", "p-12", "--yes"],
    )]

    assert [r.exit_code for r in outputs] == [0, 0, 0, 0, 1]
    assert "INSERT INTO view_participants" in caplog.text  # the statements were logged…
    assert "Erased the personal data of participant" in caplog.text
    assert named(caplog.text) == []  # …without their values
    assert named("".join(r.output for r in outputs)) == []
    assert str(participant_id("p-12")) in outputs[2].output


def test_a_database_error_message_carries_no_value(loaded: Services) -> None:
    name = PEOPLE["p-01"]["display_name"]
    with pytest.raises(IntegrityError) as caught, loaded.projector.engine.begin() as c:
        c.execute(insert(people_views.view_participants).values(id=str(participant_id("p-01")), reference="p-01", display_name=name, erased=False))
    assert "parameters hidden" in str(caught.value)
    assert name not in str(caught.value)
