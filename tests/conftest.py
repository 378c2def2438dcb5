"""Shared fixtures: a database per test on SQLite (a real file) and, when
``DIALOGUE_TEST_POSTGRES_URL`` is set, again on PostgreSQL; a pinned clock; the scenario.

Tests that touch persistence take the ``database_url`` fixture, which is parametrised
over the back ends. CI sets ``DIALOGUE_REQUIRE_POSTGRES=1``: a missing PostgreSQL then
fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Engine, MetaData, create_engine, make_url, text

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key
from application.service import DialogueApplication
from domain.errors import DomainError
from domain.reference import ALL_GOVERNMENTS

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "2026-Q1"
# The server given by DIALOGUE_TEST_POSTGRES_URL; each test run works in a database of its
# own on it (created in pytest_configure, dropped at the end), so two runs never collide.
SERVER_POSTGRES_URL = os.environ.get("DIALOGUE_TEST_POSTGRES_URL")
POSTGRES_URL: str | None = None
REQUIRE_POSTGRES = os.environ.get("DIALOGUE_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgres"]


def _admin_engine(server_url: str) -> Engine:
    return create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")


def pytest_configure(config: pytest.Config) -> None:
    """Create this run's own PostgreSQL database on the configured server."""
    global POSTGRES_URL
    if not SERVER_POSTGRES_URL or POSTGRES_URL:
        return
    name = f"dialogue_test_{os.getpid()}_{uuid4().hex[:8]}"
    engine = _admin_engine(SERVER_POSTGRES_URL)
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    POSTGRES_URL = make_url(SERVER_POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop this run's database (connections still open to it are ended first)."""
    if not SERVER_POSTGRES_URL or not POSTGRES_URL:
        return
    dispose_engines()
    name = make_url(POSTGRES_URL).database
    engine = _admin_engine(SERVER_POSTGRES_URL)
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def reset_postgres(url: str) -> None:
    """Drop every table of the test database (tests on PostgreSQL run one at a time)."""
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("SELECT pg_advisory_xact_lock(4242)"))
        md = MetaData()
        md.reflect(c)
        md.drop_all(c)
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or the PostgreSQL test database emptied."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dialogue.sqlite'}"
    else:
        yield fresh_postgres()
    dispose_engines()


def fresh_postgres() -> str:
    """The PostgreSQL test database, emptied (its engines disposed first); the test is
    skipped when none is configured, and fails when ``DIALOGUE_REQUIRE_POSTGRES=1``."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("DIALOGUE_TEST_POSTGRES_URL is not set but DIALOGUE_REQUIRE_POSTGRES=1")
        pytest.skip("PostgreSQL not configured (set DIALOGUE_TEST_POSTGRES_URL)")
    dispose_engines()
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """A SQLite file database only (for tests about SQLite itself)."""
    yield f"sqlite:///{tmp_path / 'dialogue.sqlite'}"
    dispose_engines()


@pytest.fixture
def master_key() -> str:
    return generate_master_key()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(date(2026, 1, 5))


@pytest.fixture
def services(database_url: str, master_key: str, clock: FixedClock) -> Services:
    """Application and views on a fresh database, clock pinned to 2026-01-05."""
    return bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False), clock=clock)


@pytest.fixture
def sqlite_services(sqlite_url: str, master_key: str, clock: FixedClock) -> Services:
    return bootstrap(Config(database_url=sqlite_url, master_key=master_key, inline_projection=False), clock=clock)


@pytest.fixture(scope="session")
def loaded_scenario_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, object]]:
    """A SQLite file with the 2026-Q1 scenario loaded and projected, built once per run.

    Returns (path, master key, loader report). Copy it before writing to it.
    """
    from application.scenario import load_scenario

    folder = tmp_path_factory.mktemp("scenario")
    path = folder / "loaded.sqlite"
    key = generate_master_key()
    s = bootstrap(Config(database_url=f"sqlite:///{path}", master_key=key, inline_projection=False), clock=FixedClock(date(2026, 1, 1)))
    report = load_scenario(s.app, SCENARIO)
    s.projector.catch_up()
    with s.app.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dispose_engines()
    return path, key, report.as_dict()


@pytest.fixture
def loaded(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path) -> Services:
    """A private copy of the loaded scenario (SQLite), clock pinned to 2026-03-27."""
    src, key, _ = loaded_scenario_file
    dst = tmp_path / "copy.sqlite"
    shutil.copy(src, dst)
    return bootstrap(Config(database_url=f"sqlite:///{dst}", master_key=key, inline_projection=False), clock=FixedClock(date(2026, 3, 27)))


# ---------------------------------------------------------------------------- small workloads
# Plain functions (also used by child processes in the ops tests): members and proposals.
def seed_members(app: DialogueApplication, n: int = 1, table: str = "RT1") -> list[UUID]:
    """Register ``table`` when needed and ``n`` new participants who join it; their ids."""
    try:
        app.register_table(table)
    except DomainError as e:
        if e.code != "already_registered":
            raise
    ids = []
    for i in range(n):
        pid = app.register_participant(
            reference=f"member-{uuid4().hex[:8]}", display_name=f"Member {i}", organisation_id=None,
            gender="woman" if i % 2 else "man", preferred_language="es",
        )
        app.join_table(pid, table)
        ids.append(pid)
    return ids


def draft_sample_proposal(app: DialogueApplication, author: UUID, table: str = "RT1", title: str = "Safe pathways") -> UUID:
    """A draft proposal of ``table`` (GCM objective 2) by ``author``; its id."""
    return app.draft_proposal(
        actor=str(author), table=table, title=title, problem="Migrants lack regular pathways.",
        recommendation="Open regular pathways.", rationale="GCM objective 5.", objectives=[2],
        targets=[ALL_GOVERNMENTS], language="es",
    )


# ---------------------------------------------------------------------------- accounts and mail
def notified_from_the_log_start(engine: Engine, account_id: str) -> None:
    """Look for the account's notifications from the log's first event, as for an account
    that existed before all of them (a new account's start at the log's end): for the tests
    of who is told of what in a scenario recorded before its accounts were created."""
    from application.notifications.cursors import start_at_log_start

    with engine.begin() as c:
        start_at_log_start(c, [account_id])


class Instant:
    """A settable UTC clock for the account modules (sessions, links, throttling)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def instant() -> Instant:
    return Instant()


class SmtpSink:
    """A real SMTP server on the loopback address (aiosmtpd) keeping what it received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(cast(EmailMessage, message_from_bytes(envelope.original_content, policy=email_policy.default)))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, SmtpSink]]:
    """``(DIALOGUE_SMTP_URL, sink)`` of a local SMTP server running for the test."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", sink
    finally:
        controller.stop()


def link_in(message: EmailMessage) -> str:
    """The account link (``…/account/<purpose>/<token>``) in a message's plain text."""
    text = cast(Any, message.get_body(("plain",))).get_content()
    found = re.search(r"https?://\S+/account/(?:invitation|reset)/\S+", text)
    assert found, text
    return found.group(0)
