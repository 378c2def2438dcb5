"""The scrub on SQLite when readers keep the write-ahead log busy through every try: the
storage is NOT scrubbed, so the scrub says so and the command exits with status 3 (as for
an older transaction on PostgreSQL), never "Storage scrubbed." (``docs/operations.md``); so
does ``dialogue keys rotate``, which scrubs the keys wrapped by the old master key. A scrub
that fails outright is said the same way (never a crash after the committed rotation), and
``--wait`` refuses what is not a number of seconds up to an hour.

The readers' outcome is the checkpoint's answer (``PRAGMA wal_checkpoint(TRUNCATE)``
reporting busy); holding a real reader would make each try wait out SQLite's 30-second
busy timeout, so the tests take that answer as given."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from application import scrub
from application.bootstrap import Services
from application.persistence import generate_master_key
from application.scrub import scrub_storage
from web import create_app
from web.cli.privacy import EXIT_NOT_SCRUBBED


@pytest.fixture
def busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scrub, "_checkpoint", lambda _engine, _attempts: False)


def test_a_busy_write_ahead_log_leaves_the_scrub_incomplete(sqlite_services: Services, busy: None) -> None:
    result = scrub_storage(sqlite_services)
    assert (result.complete, len(result.pending), result.done) == (False, 1, [])
    assert any("NOT scrubbed yet" in w for w in result.warnings)


def cli(services: Services) -> FlaskCliRunner:
    app = create_app({
        "DIALOGUE_DATABASE_URL": services.config.database_url, "DIALOGUE_MASTER_KEY": services.config.master_key,
        "DIALOGUE_CLOCK": "2026-01-05", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })
    return app.test_cli_runner()


def test_the_scrub_command_exits_with_status_3_while_the_log_is_busy(sqlite_services: Services, busy: None) -> None:
    result = cli(sqlite_services).invoke(args=["participants", "scrub", "--wait", "0"])
    assert result.exit_code == EXIT_NOT_SCRUBBED
    assert "Storage scrubbed." not in result.output


def test_a_checkpointed_log_completes_the_scrub(sqlite_services: Services) -> None:
    result = scrub_storage(sqlite_services)
    assert (result.complete, result.pending) == (True, [])


def new_key_file(tmp_path: Path) -> Path:
    new_key = tmp_path / "new.key"
    new_key.write_text(generate_master_key())
    new_key.chmod(0o600)
    return new_key


def test_the_keys_rotate_command_exits_with_status_3_while_the_log_is_busy(sqlite_services: Services, busy: None, tmp_path: Path) -> None:
    result = cli(sqlite_services).invoke(args=["keys", "rotate", str(new_key_file(tmp_path))])
    assert result.exit_code == EXIT_NOT_SCRUBBED
    assert "Re-wrapped" in result.output and "NOT scrubbed yet" in result.output


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(_engine: object, _attempts: int) -> bool:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(scrub, "_checkpoint", fail)


def test_a_failing_scrub_after_a_rotation_says_both_and_exits_with_status_3(sqlite_services: Services, failing: None, tmp_path: Path) -> None:
    result = cli(sqlite_services).invoke(args=["keys", "rotate", str(new_key_file(tmp_path))])
    assert result.exit_code == EXIT_NOT_SCRUBBED, result.output
    assert result.output.index("Re-wrapped") < result.output.index("storage NOT scrubbed yet: the scrub failed (OperationalError: disk I/O error)")


@pytest.mark.parametrize("wait", ["inf", "nan", "3601", "-1"])
def test_the_scrub_command_refuses_a_wait_that_is_not_seconds_up_to_an_hour(sqlite_services: Services, wait: str) -> None:
    result = cli(sqlite_services).invoke(args=["participants", "scrub", "--wait", wait])
    assert result.exit_code == 2
    assert "Invalid value for '--wait'" in result.output
