"""A web process that does not upgrade the database itself (``DIALOGUE_CREATE_TABLES=no``),
started on a database of an older release before ``dialogue db upgrade`` ran (the fixture
``tests/fixtures/before-migrations/``): every request answers 503 saying so, in the
reader's language (JSON for the API and ``/readyz``), logged once, never a 500; once the
database is upgraded the same process serves (``web/database_shape.py``)."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from application.persistence import dispose_engines
from tests.conftest import ROOT
from tests.e2e.web_support import visible
from web import create_app

FIXTURE = ROOT / "tests" / "fixtures" / "before-migrations"


@pytest.fixture
def old_db(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copy(FIXTURE / "dialogue.db", tmp_path / "old.db")
    shutil.copy(FIXTURE / "master.key", tmp_path / "old.key")
    (tmp_path / "old.key").chmod(0o600)
    return tmp_path / "old.db", tmp_path / "old.key"


def _app(db: Path, key: Path, create_tables: str = "no") -> Flask:
    return create_app({
        "DIALOGUE_DATABASE_URL": f"sqlite:///{db}", "DIALOGUE_MASTER_KEY_FILE": str(key), "DIALOGUE_CLOCK": "2026-03-27",
        "DIALOGUE_CREATE_TABLES": create_tables, "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True, "WTF_CSRF_ENABLED": False,
    })


@pytest.fixture
def app(old_db: tuple[Path, Path]) -> Flask:
    return _app(*old_db)


def _events(db: Path) -> int:
    with create_engine(f"sqlite:///{db}").connect() as c:
        return int(c.execute(select(func.count()).select_from(text("dialogue_events"))).scalar_one())


@pytest.mark.parametrize("path", ["/?lang=en", "/tables/RT1?lang=en", "/proposals/new?lang=en"])
def test_every_page_answers_503_saying_the_database_must_be_upgraded(app: Flask, path: str) -> None:
    r = app.test_client().get(path)

    assert (r.status_code, r.headers["Retry-After"]) == (503, "60")
    assert "An administrator must run “dialogue db upgrade”. Nothing was read or stored" in visible(r)


@pytest.mark.parametrize(("language", "words"), [
    ("es", "Una persona administradora debe ejecutar «dialogue db upgrade»."),
    ("pt", "Uma pessoa administradora deve executar “dialogue db upgrade”."),
    ("fr", "Une personne chargée de l'administration du service doit exécuter « dialogue db upgrade »."),
])
def test_the_503_page_is_in_the_readers_language(app: Flask, language: str, words: str) -> None:
    assert words in visible(app.test_client().get(f"/?lang={language}"))


def test_a_form_sent_before_the_upgrade_is_503_and_stores_nothing(app: Flask, old_db: tuple[Path, Path]) -> None:
    before = _events(old_db[0])

    r = app.test_client().post("/tables/RT1/join", data={
        "join-command_id": str(uuid4()), "join-motivation": "Coordino una red de acogida.", "join-display_name": "María Huamán",
        "join-organisation_name": "", "join-country": "PE", "join-stakeholder_group": "migrant_organisation", "join-language": "es",
        "join-contact": "maria@example.org", "join-website": "",
    })

    assert r.status_code == 503 and _events(old_db[0]) == before


def test_the_api_and_readyz_answer_503_in_json_and_healthz_is_up(app: Flask) -> None:
    client = app.test_client()

    api, ready, health = client.get("/api/v1/tables"), client.get("/readyz"), client.get("/healthz")

    assert (api.status_code, api.get_json()["code"]) == (503, "upgrade_required")
    assert (ready.status_code, ready.get_json()["status"]) == (503, "upgrade_required")
    assert "the project's own tables" in ready.get_json()["behind"]
    assert health.status_code == 200


def test_it_is_logged_once(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("ERROR", logger="dialogue.upgrade"):
        app.test_client().get("/")
        app.test_client().get("/tables")

    assert [r.getMessage().endswith("run `dialogue db upgrade`. Every request answers 503 until then.") for r in caplog.records] == [True]


def test_once_the_database_is_upgraded_the_same_process_serves(app: Flask, old_db: tuple[Path, Path]) -> None:
    refused = app.test_client().get("/tables/RT1").status_code
    result = _app(*old_db).test_cli_runner().invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert (refused, app.test_client().get("/tables/RT1").status_code) == (503, 200)


def test_a_process_that_upgrades_the_database_itself_serves_it(old_db: tuple[Path, Path]) -> None:
    assert _app(*old_db, create_tables="yes").test_client().get("/tables/RT1").status_code == 200


def test_a_database_ahead_of_the_code_is_served_with_a_warning_once(old_db: tuple[Path, Path], caplog: pytest.LogCaptureFixture,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("application.bootstrap._ahead_logged", [])
    assert _app(*old_db, create_tables="yes").test_client().get("/tables/RT1").status_code == 200
    with create_engine(f"sqlite:///{old_db[0]}").begin() as c:  # a newer release's revision, unknown to this code
        c.execute(text("UPDATE dialogue_schema_version SET version_num = 'f00dfeedbeef'"))
    app = _app(*old_db)

    with caplog.at_level("WARNING"):
        page, ready = app.test_client().get("/tables/RT1"), app.test_client().get("/readyz")
        _app(*old_db).test_client().get("/tables/RT1")

    assert (page.status_code, ready.status_code, ready.get_json()["status"]) == (200, 200, "ready")
    assert [r.getMessage() for r in caplog.records if "does not know" in r.getMessage()] == [
        "The database's own tables are at a revision this release does not know (a newer release upgraded them): "
        "served as they are; `dialogue db upgrade` cannot apply to them."]


@pytest.fixture
def silent_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[socket.socket]]]:
    """A PostgreSQL URL whose host accepts connections and never answers; the connections accepted."""
    monkeypatch.setattr("application.persistence.CONNECT_TIMEOUT_SECONDS", 1)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/dialogue?sslmode=disable&gssencmode=disable", accepted
    stop.set()
    thread.join()
    for s in [*accepted, listener]:
        s.close()
    dispose_engines()


def test_readyz_waits_for_a_database_that_does_not_answer_once(silent_database: tuple[str, list[socket.socket]],
                                                              old_db: tuple[Path, Path]) -> None:
    url, accepted = silent_database
    app = create_app({
        "DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY_FILE": str(old_db[1]), "DIALOGUE_CREATE_TABLES": "no",
        "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })

    r = app.test_client().get("/readyz")

    assert (r.status_code, r.get_json()["status"], len(accepted)) == (503, "unavailable", 1)


def _unreachable(calls: list[int]) -> Callable[[object], list[str]]:
    def check(config: object) -> list[str]:
        calls.append(1)
        raise OperationalError("SELECT 1", {}, ConnectionError("timeout expired"))
    return check


def test_a_failed_check_is_not_repeated_by_the_next_requests_for_a_few_seconds(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr("web.database_shape.behind_the_code", _unreachable(calls))

    for _ in range(3):
        app.test_client().get("/no-such-page")

    assert len(calls) == 1


def test_a_failed_check_is_made_again_after_a_few_seconds(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr("web.database_shape.behind_the_code", _unreachable(calls))
    monkeypatch.setattr("web.database_shape.RETRY_SECONDS", 0.0)

    app.test_client().get("/no-such-page")
    refused = app.test_client().get("/no-such-page")

    assert (len(calls), refused.status_code) == (2, 404)
