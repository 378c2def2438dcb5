"""Debug mode (Werkzeug's interactive debugger) only with DIALOGUE_ALLOW_DEBUG=yes, never on
PostgreSQL (issue 11, item 4)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import flask.cli
import pytest
from click.testing import CliRunner

from application.persistence import generate_master_key
from web import create_app
from web.app import DebugModeRefusedError
from web.cli import cli

POSTGRES = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never reached: the refusal comes first


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(),
        "DIALOGUE_SECRET_KEY": "test-secret-key-0123456789abcdef" * 64,
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    # Set (not deleted) so that the test's end restores them: `run --debug` sets FLASK_DEBUG.
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.setenv("DIALOGUE_ALLOW_DEBUG", "")
    return values


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the development server would have been started with (it is not started)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(flask.cli, "run_simple", lambda *a, **kw: calls.append(kw))
    return calls


def test_flask_debug_is_refused_without_the_setting(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")

    with pytest.raises(DebugModeRefusedError, match="DIALOGUE_ALLOW_DEBUG=yes"):
        create_app()


def test_flask_debug_is_allowed_on_sqlite_with_the_setting(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("DIALOGUE_ALLOW_DEBUG", "yes")

    assert create_app().debug is True


@pytest.mark.parametrize("setting", ["DIALOGUE_DATABASE_URL", "DIALOGUE_VIEWS_URL"])
def test_debug_is_refused_on_postgresql_even_with_the_setting(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("DIALOGUE_ALLOW_DEBUG", "yes")
    monkeypatch.setenv(setting, POSTGRES)

    with pytest.raises(DebugModeRefusedError, match="PostgreSQL"):
        create_app()


def test_a_debug_configuration_is_refused_too(env: dict[str, str]) -> None:
    with pytest.raises(DebugModeRefusedError):
        create_app({"DEBUG": True})


def test_run_with_the_debugger_alone_is_refused(env: dict[str, str], served: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["run", "--debugger"])

    assert result.exit_code == 1
    assert "Refusing debug mode" in result.output
    assert served == []


def test_run_with_debug_is_refused(env: dict[str, str], served: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["run", "--debug"])

    assert result.exit_code == 1
    assert served == []


def test_run_without_debug_serves_without_the_debugger(env: dict[str, str], served: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["run"])

    assert result.exit_code == 0, result.output
    assert served[0]["use_debugger"] is False


def test_any_command_under_flask_debug_ends_with_one_line(env: dict[str, str]) -> None:
    run = subprocess.run(
        [sys.executable, "-c", "from web.cli import main; main()", "users", "list"],
        env={**env, "FLASK_DEBUG": "1", "PATH": ""}, capture_output=True, text=True, timeout=120,
    )

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith("Error: Refusing debug mode")
