"""An erasure while a transaction older than it is still open on the PostgreSQL server: its
``VACUUM (FULL)`` must keep the row versions that transaction may see, so the erase command
says the storage is NOT scrubbed yet, names the transaction and exits with status 3; once it
ends, ``dialogue participants scrub`` leaves no copy in any page (``docs/privacy.md``).

The older transaction is a second connection in REPEATABLE READ that has read the event
log (not a vacuumed table: its lock would keep the VACUUM from that table, as
``test_scrub_locks.py`` shows); every test closes it in
its fixture's teardown.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from application import privacy
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key
from application.scrub import scrub_storage
from tests.conftest import POSTGRES_URL, fresh_postgres
from tests.integration.test_erasure import postgres_pages_holding
from web import create_app
from web.cli.privacy import EXIT_NOT_SCRUBBED

NAME = "Ottilie Brandvold-Quaresma"
REFERENCE = "p-held"
# The scrub without an older transaction of this test waits for other test runs' ones on the server.
OTHER_RUNS_WAIT_SECONDS = 60.0


@dataclass
class OpenTransaction:
    connection: Connection
    pid: int

    def end(self) -> None:
        if self.connection.in_transaction():
            self.connection.rollback()
        self.connection.close()


@pytest.fixture
def pg(clock: FixedClock) -> Iterator[Services]:
    """A PostgreSQL database with one participant named NAME, views up to date."""
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=generate_master_key(), inline_projection=False), clock=clock)
    s.app.register_participant(reference=REFERENCE, display_name=NAME, organisation_id=None, gender="woman", preferred_language="es")
    s.projector.catch_up()
    with s.app.engine.begin() as c:
        c.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    yield s
    dispose_engines()


@pytest.fixture
def older(pg: Services) -> Iterator[OpenTransaction]:
    """A REPEATABLE READ transaction of another connection that has read the log; ended at teardown."""
    assert POSTGRES_URL is not None
    engine = create_engine(make_url(POSTGRES_URL), isolation_level="REPEATABLE READ", poolclass=NullPool)
    connection = engine.connect()
    try:
        pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        connection.execute(text("SELECT count(*) FROM dialogue_events")).scalar_one()
        held = OpenTransaction(connection, pid)
        yield held
    finally:
        if connection.in_transaction():
            connection.rollback()
        connection.close()
        engine.dispose()


def ours(report: privacy.ErasureReport) -> list[int]:
    """The pids of the reported transactions in this test's database (other runs share the server)."""
    assert POSTGRES_URL is not None
    return [t.pid for t in report.held_by if t.database == make_url(POSTGRES_URL).database]


def test_an_erasure_under_an_older_transaction_says_not_scrubbed_and_names_it(pg: Services, older: OpenTransaction) -> None:
    report = privacy.erase(pg, REFERENCE)
    assert report.storage_scrubbed is False
    assert ours(report) == [older.pid]
    assert any("NOT scrubbed yet" in w and "dialogue participants scrub" in w for w in report.warnings)
    assert any(f"pid {older.pid} " in w for w in report.warnings)


def test_the_older_transaction_keeps_the_name_in_the_pages(pg: Services, older: OpenTransaction) -> None:
    privacy.erase(pg, REFERENCE)
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == ["view_participants"]


def test_the_scrub_run_again_after_it_ends_leaves_no_copy(pg: Services, older: OpenTransaction) -> None:
    privacy.erase(pg, REFERENCE)
    older.end()
    scrub = scrub_storage(pg, wait=OTHER_RUNS_WAIT_SECONDS)
    assert scrub.complete is True
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == []


def test_without_an_older_transaction_the_erasure_says_scrubbed(pg: Services) -> None:
    report = privacy.erase(pg, REFERENCE, wait=OTHER_RUNS_WAIT_SECONDS)
    assert (report.storage_scrubbed, report.warnings) == (True, [])
    assert any(line.startswith("PostgreSQL: VACUUM (FULL) dialogue_participant_keys") for line in report.scrubbed)
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == []


def cli(pg: Services) -> FlaskCliRunner:
    assert pg.config.master_key is not None
    app = create_app({
        "DIALOGUE_DATABASE_URL": POSTGRES_URL, "DIALOGUE_MASTER_KEY": pg.config.master_key,
        "DIALOGUE_CLOCK": "2026-01-05", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })
    return app.test_cli_runner()


def test_the_erase_command_exits_with_status_3_under_an_older_transaction(pg: Services, older: OpenTransaction) -> None:
    result = cli(pg).invoke(args=["participants", "erase", REFERENCE, "--yes", "--wait", "0"])
    assert result.exit_code == EXIT_NOT_SCRUBBED == 3
    assert "storage NOT scrubbed yet" in result.output


def test_the_scrub_command_after_it_ends_exits_with_status_0(pg: Services, older: OpenTransaction) -> None:
    runner = cli(pg)
    runner.invoke(args=["participants", "erase", REFERENCE, "--yes", "--wait", "0"])
    older.end()
    result = runner.invoke(args=["participants", "scrub", "--wait", str(OTHER_RUNS_WAIT_SECONDS)])
    assert result.exit_code == 0
    assert "Storage scrubbed." in result.output


def test_sqlite_erasure_reports_the_checkpoint_and_holds_nothing(loaded: Services) -> None:
    report = privacy.erase(loaded, "p-12")
    assert report.held_by == []
    assert [line.split(":")[0] for line in report.scrubbed] == ["SQLite copy.sqlite"]


def test_the_erase_command_waits_by_default_for_a_transaction_that_soon_ends(pg: Services, older: OpenTransaction) -> None:
    ends = threading.Timer(1.0, older.end)  # a web request's transaction, ending within the default wait
    ends.start()
    try:
        result = cli(pg).invoke(args=["participants", "erase", REFERENCE, "--yes"])
    finally:
        ends.join()
    assert result.exit_code == 0, result.output
    assert "NOT scrubbed" not in result.output
