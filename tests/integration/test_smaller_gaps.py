"""Issue 11, item 11: security headers on every page (also /privacy, /healthz, /readyz, 404
and 500), a database that cannot be reached or was never set up is one line of the command
line, and /audit/verify verifies from the last verified head, cached by head."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

import application.audit.incremental as incremental
from application.audit import events_table
from application.bootstrap import Services
from application.persistence import generate_master_key
from tests.conftest import seed_members
from tests.e2e.web_support import make_app

SECRET = "test-secret-key-0123456789abcdef"


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", PROPAGATE_EXCEPTIONS=False)


# ---------------------------------------------------------------------------- headers
@pytest.mark.parametrize("url", ["/privacy/participation", "/privacy/participation.json", "/healthz", "/readyz", "/no/such/page", "/privacy"])
def test_every_answer_carries_the_security_headers(app: Flask, url: str) -> None:
    response = app.test_client().get(url)

    assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"


def test_an_error_of_the_application_is_the_sites_500_page_with_the_headers(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from web.pages import privacy

    def broken(*_a: Any, **_kw: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(privacy, "latest_statistics", broken)

    response = app.test_client().get("/privacy/participation?lang=en")

    assert response.status_code == 500
    assert "The page could not be shown" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------------------- the command line
def _dialogue(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from web.cli import main; main()", *args], env={**env, "PATH": ""},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [["users", "list"], ["recommendations"], ["load-scenario", "scenarios/2026-Q1"]])
def test_a_database_that_cannot_be_reached_is_one_line(args: list[str]) -> None:
    env = {"DIALOGUE_DATABASE_URL": "postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "DIALOGUE_MASTER_KEY": generate_master_key(),
           "DIALOGUE_SECRET_KEY": SECRET}

    run = _dialogue(env, *args)

    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith("Error: Cannot reach the database: ")
    assert "secret" not in run.stderr


def test_a_command_on_a_database_never_set_up_says_to_run_db_init(tmp_path: Path) -> None:
    env = {"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(),
           "DIALOGUE_SECRET_KEY": SECRET, "DIALOGUE_CREATE_TABLES": "no"}

    run = _dialogue(env, "users", "list")

    assert run.returncode == 1
    assert "run `dialogue db init`" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_command_without_its_master_key_file_says_to_run_db_init(tmp_path: Path) -> None:
    env = {"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite'}", "DIALOGUE_MASTER_KEY_FILE": str(tmp_path / "master.key"),
           "DIALOGUE_SECRET_KEY": SECRET}

    run = _dialogue(env, "load-scenario", "scenarios/2026-Q1")

    assert run.returncode == 1
    assert "Run `dialogue db init`" in run.stderr


# ---------------------------------------------------------------------------- /audit/verify
@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ``after`` position of every read of the log by the web's verification."""
    seen: list[int] = []
    real = incremental.read_log

    def spy(engine: Any, *, after: int = 0, **kw: Any) -> Any:
        seen.append(after)
        return real(engine, after=after, **kw)

    monkeypatch.setattr(incremental, "read_log", spy)
    return seen


def test_verify_reads_the_log_once_then_answers_from_its_cache(app: Flask, reads: list[int]) -> None:
    client = app.test_client()

    first = client.get("/audit/verify.json").json
    second = client.get("/audit/verify.json").json

    assert first is not None and first["ok"] is True
    assert second == first
    assert reads == [0]


def test_verify_after_a_write_reads_only_from_the_verified_head(app: Flask, loaded: Services, reads: list[int]) -> None:
    client = app.test_client()
    before = client.get("/audit/verify.json").json
    assert before is not None
    seed_members(loaded.app, 1)

    after = client.get("/audit/verify.json").json

    assert after is not None and after["ok"] is True
    assert reads == [0, before["head_position"]]
    assert after["count"] == before["count"] + 2  # registered and joined
    assert after["head_position"] > before["head_position"]


def test_verify_finds_a_change_after_the_verified_head(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    assert client.get("/audit/verify.json").json["ok"] is True  # type: ignore[index]
    seed_members(loaded.app, 1)
    with loaded.app.engine.begin() as c:
        last = c.execute(events_table.select().order_by(events_table.c.id.desc()).limit(1)).first()
        assert last is not None
        c.execute(update(events_table).where(events_table.c.id == last.id).values(state=bytes(last.state) + b" "))

    report = client.get("/audit/verify.json").json

    assert report is not None and report["ok"] is False
    assert report["first_bad_position"] == last.id
