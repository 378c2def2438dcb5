"""Operations: health endpoints and ``dialogue serve`` (gunicorn, one app per worker).

``/healthz`` answers without the database; ``/readyz`` checks the database, the views'
lag against ``DIALOGUE_MAX_PROJECTION_LAG`` and the chain head. ``dialogue serve`` refuses
a database without tables and starts workers that never create tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, delete, func, inspect, select

from application.bootstrap import Services
from application.persistence import chain_table, dispose_engines
from tests.conftest import ROOT, draft_sample_proposal, seed_members
from tests.e2e.web_support import app_services, make_app
from tests.integration.test_concurrency import free_port
from tests.integration.test_projection_worker import Child, cli_env, dialogue, wait_until


def readyz(app: Flask) -> tuple[int, dict[str, Any]]:
    r = app.test_client().get("/readyz")
    return r.status_code, r.get_json()


@pytest.fixture
def site(database_url: str, master_key: str) -> Flask:
    """The web app on a fresh database, views moved only by explicit catch-ups, lag bound 3."""
    return make_app(database_url, master_key, DIALOGUE_INLINE_PROJECTION="no", DIALOGUE_MAX_PROJECTION_LAG="3")


def test_healthz_answers_without_a_database(tmp_path: Path, master_key: str) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}", master_key)

    r = app.test_client().get("/healthz")

    assert (r.status_code, r.get_json()) == (200, {"status": "ok"})


def test_readyz_is_ready_on_an_empty_initialised_database(site: Flask) -> None:
    assert readyz(site) == (200, {"status": "ready", "projection": {"position": 0, "head": 0, "lag": 0, "max_lag": 3, "failed_at": None}, "chain_head": None})


def test_readyz_reports_the_chain_head_and_the_lag_once_the_views_caught_up(site: Flask) -> None:
    s = app_services(site)
    seed_members(s.app, 1)
    s.projector.catch_up()
    head = s.app.recorder.max_notification_id()
    with s.app.engine.connect() as c:
        last_hash = c.execute(select(chain_table.c.hash).where(chain_table.c.position == head)).scalar()

    status, body = readyz(site)

    assert status == 200
    assert body == {"status": "ready", "projection": {"position": head, "head": head, "lag": 0, "max_lag": 3, "failed_at": None}, "chain_head": {"position": head, "hash": last_hash}}


def test_readyz_answers_503_when_the_views_lag_more_than_the_bound(site: Flask) -> None:
    s = app_services(site)
    seed_members(s.app, 2)  # five events, none projected

    status, body = readyz(site)

    assert status == 503
    assert body["status"] == "lagging"
    assert body["projection"] == {"position": 0, "head": 5, "lag": 5, "max_lag": 3, "failed_at": None}


def test_readyz_is_ready_while_the_lag_is_within_the_bound(site: Flask) -> None:
    s = app_services(site)
    seed_members(s.app, 2)
    s.projector.catch_up(until=3)

    assert readyz(site)[1]["projection"]["lag"] == 2
    assert readyz(site)[0] == 200


def test_readyz_answers_503_when_the_chain_does_not_reach_the_last_event(site: Flask) -> None:
    s = app_services(site)
    seed_members(s.app, 1)
    s.projector.catch_up()
    with s.app.engine.begin() as c:
        c.execute(delete(chain_table).where(chain_table.c.position == select(func.max(chain_table.c.position)).scalar_subquery()))

    status, body = readyz(site)

    assert (status, body["status"]) == (503, "chain_behind")


def test_readyz_answers_503_when_the_database_is_unreachable(tmp_path: Path, master_key: str) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}", master_key, DIALOGUE_CREATE_TABLES="no")

    status, body = readyz(app)

    assert (status, body["status"]) == (503, "unavailable")


# ---------------------------------------------------------------------------- dialogue serve
def serve_env(url: str, master_key: str) -> dict[str, str]:
    return cli_env(url, master_key) | {"DIALOGUE_SECRET_KEY": "test-secret-key-0123456789abcdef", "DIALOGUE_CLOCK": "2026-01-05"}


def children_of(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        e.close()
        return int(e.code)
    except OSError:
        return 0


@pytest.mark.slow
def test_serve_runs_n_workers_that_answer_and_create_no_tables(services: Services, database_url: str, master_key: str) -> None:
    with services.app.engine.begin() as c:  # a table `dialogue db init` makes, gone: no worker may bring it back
        c.exec_driver_sql("DROP TABLE view_settings")
    dispose_engines()
    port = free_port()
    server = Child(dialogue("serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"), env=serve_env(database_url, master_key))
    try:
        up = wait_until(lambda: get(f"http://127.0.0.1:{port}/healthz") == 200, 60)
        workers = wait_until(lambda: len(children_of(server.proc.pid)) == 2, 60)
        ready = [get(f"http://127.0.0.1:{port}/readyz") for _ in range(4)]
        rc = server.terminate()
    finally:
        server.kill()
    engine = create_engine(database_url)
    tables = inspect(engine).get_table_names()
    engine.dispose()

    assert up, server.lines
    assert workers
    assert ready == [200] * 4, server.lines
    assert rc == 0
    assert "view_settings" not in tables
    assert any('"GET /readyz HTTP/1.1" 200' in line for line in server.lines)  # the access log


def test_serve_refuses_a_database_without_tables(tmp_path: Path, master_key: str) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"

    out = subprocess.run([sys.executable, *dialogue("serve", "--workers", "2")], cwd=ROOT, env=serve_env(url, master_key), capture_output=True, text=True, timeout=60)

    assert out.returncode == 1
    assert "The database is not set up" in out.stderr
    assert "run `dialogue db init` first" in out.stderr


def test_the_server_builds_each_workers_app_after_the_fork(tmp_path: Path, master_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from web.cli.ops import DialogueServer

    monkeypatch.setenv("DIALOGUE_DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite'}")
    monkeypatch.setenv("DIALOGUE_MASTER_KEY", master_key)
    server = DialogueServer({"bind": ["127.0.0.1:0"], "workers": 3})

    app = server.load()

    assert (server.cfg.workers, server.cfg.preload_app, server.cfg.bind) == (3, False, ["127.0.0.1:0"])
    assert isinstance(app, Flask)
    assert "dialogue" not in app.extensions  # services (engines, connections) come on first use, in the worker
    assert not os.path.exists(tmp_path / "d.sqlite")


@pytest.mark.slow
def test_a_page_after_a_write_shows_it_while_a_separate_worker_moves_the_views(services: Services, database_url: str, master_key: str) -> None:
    """Read-your-writes across processes: the web worker that saved waits for the
    projection worker (polling every 2 s here) before redirecting to the page."""
    from tests.integration.test_concurrency import PASSWORD, Browser

    author = seed_members(services.app, 1)[0]
    services.accounts.create_participant_account(author, "author@tests.invalid", password=PASSWORD)
    proposal = draft_sample_proposal(services.app, author)
    services.projector.catch_up()
    port = free_port()
    env = serve_env(database_url, master_key) | {"DIALOGUE_INLINE_PROJECTION": "no"}
    worker = Child(dialogue("projections", "run", "--mode", "poll", "--poll-interval", "2"), env=env)
    server = Child(dialogue("serve", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--no-access-log"), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        assert worker.wait_for("projection worker started"), worker.lines
        assert wait_until(lambda: get(base + "/healthz") == 200, 60), server.lines
        browser = Browser(base)
        assert browser.sign_in("author@tests.invalid", PASSWORD) == 302
        form = browser.get(f"/proposals/{proposal}/revise")
        status = browser.post(f"/proposals/{proposal}/revise", {
            "csrf_token": Browser.field(form, "csrf_token"), "command_id": Browser.field(form, "command_id"),
            "expected_version": Browser.field(form, "expected_version"), "title": "Safe pathways",
            "problem": "Seen right after the redirect", "recommendation": "Open regular pathways.",
            "rationale": "GCM objective 5.", "objectives": ["2"], "targets": ["all governments of the region"],
            "language": "es", "note": "",
        })
        page = browser.get(f"/proposals/{proposal}")
        codes = (server.terminate(), worker.terminate())
    finally:
        server.kill()
        worker.kill()

    assert status == 302
    assert "Seen right after the redirect" in page
    assert codes == (0, 0)
