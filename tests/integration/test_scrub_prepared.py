"""A prepared (two-phase) transaction, prepared before an erasure, holds the old row versions
as an open transaction does, though no backend runs it any more: the scrub counts it (from
``pg_prepared_xacts``), says the storage is NOT scrubbed yet naming it by its global id, and
the erase command exits with status 3; once it is rolled back, the scrub run again finishes.

Skipped where the server cannot have prepared transactions (``max_prepared_transactions`` is
0, PostgreSQL's default; changing it needs a server restart). Other test runs share the
server, so the assertions look at this run's database only. A prepared transaction outlives
its connection: one left by a killed test run would hold every scrub on the server back and
keep its database from being dropped, so each test first rolls back those of this file's
prefix left in a database no one is connected to any more (a run still going keeps its
connections open) or in this run's own (its tests run one at a time).
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import psycopg
import pytest
from sqlalchemy import URL, make_url, text

from application import privacy
from application.bootstrap import Services
from application.scrub import OlderTransaction, scrub_storage
from tests.conftest import POSTGRES_URL
from tests.integration.test_erasure import postgres_pages_holding
from tests.integration.test_erasure_open_transaction import (
    NAME,
    OTHER_RUNS_WAIT_SECONDS,
    REFERENCE,
    cli,
    pg,
)
from web.cli.privacy import EXIT_NOT_SCRUBBED

__all__ = ["pg"]  # the fixture, shared with the other test of open transactions


GID_PREFIX = "scrub-test-"


def conninfo(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def roll_back_stale(url: URL) -> None:
    """Roll back the prepared transactions of GID_PREFIX left by a killed run (see the module's docstring)."""
    with psycopg.connect(conninfo(url), autocommit=True) as c:
        stale = c.execute(
            "SELECT gid, database FROM pg_prepared_xacts p WHERE starts_with(gid, %s) "
            "AND (database = current_database() OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = p.database))",
            (GID_PREFIX,),
        ).fetchall()
    for gid, database in stale:
        with psycopg.connect(conninfo(url.set(database=database)), autocommit=True) as c:
            c.execute(f"ROLLBACK PREPARED '{gid}'")


class Prepared:
    """A transaction that read ``table`` and was prepared (``PREPARE TRANSACTION``), by its global id."""

    def __init__(self, conninfo: str, table: str = "dialogue_events") -> None:
        self.conninfo = conninfo
        self.gid = f"{GID_PREFIX}{uuid4().hex[:12]}"
        with psycopg.connect(conninfo, autocommit=True) as c:
            c.execute("BEGIN")
            c.execute(f"SELECT count(*) FROM {table}")
            c.execute(f"PREPARE TRANSACTION '{self.gid}'")

    def end(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as c:
            if c.execute("SELECT 1 FROM pg_prepared_xacts WHERE gid = %s", (self.gid,)).fetchone():
                c.execute(f"ROLLBACK PREPARED '{self.gid}'")


def prepare(pg: Services, table: str) -> Iterator[Prepared]:
    with pg.app.engine.connect() as c:
        if int(c.execute(text("SHOW max_prepared_transactions")).scalar_one()) == 0:
            pytest.skip("this PostgreSQL server cannot have prepared transactions (max_prepared_transactions = 0)")
    assert POSTGRES_URL is not None
    roll_back_stale(make_url(POSTGRES_URL))
    held = Prepared(conninfo(make_url(POSTGRES_URL)), table)
    try:
        yield held
    finally:
        held.end()


@pytest.fixture
def prepared(pg: Services) -> Iterator[Prepared]:
    """A prepared transaction that read the log (no table the scrub vacuums)."""
    yield from prepare(pg, "dialogue_events")


@pytest.fixture
def prepared_reader(pg: Services) -> Iterator[Prepared]:
    """A prepared transaction that read view_participants: it keeps its lock on it."""
    yield from prepare(pg, "view_participants")


def here(transactions: list[OlderTransaction]) -> list[str]:
    """The global ids of the prepared transactions in this run's database (others share the server)."""
    assert POSTGRES_URL is not None
    return [t.prepared for t in transactions if t.prepared and t.database == make_url(POSTGRES_URL).database]


def test_an_erasure_under_an_older_prepared_transaction_says_not_scrubbed_and_names_it(pg: Services, prepared: Prepared) -> None:
    report = privacy.erase(pg, REFERENCE, wait=0)
    assert report.storage_scrubbed is False
    assert here(report.held_by) == [prepared.gid]
    assert any(f"prepared transaction {prepared.gid!r} in database " in w for w in report.warnings)


def test_the_older_prepared_transaction_keeps_the_name_in_the_pages(pg: Services, prepared: Prepared) -> None:
    privacy.erase(pg, REFERENCE, wait=0)
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == ["view_participants"]


def test_the_erase_command_exits_with_status_3_under_a_prepared_transaction(pg: Services, prepared: Prepared) -> None:
    result = cli(pg).invoke(args=["participants", "erase", REFERENCE, "--yes", "--wait", "0"])
    assert result.exit_code == EXIT_NOT_SCRUBBED
    assert f"held by prepared transaction {prepared.gid!r}" in result.output


def test_the_scrub_after_it_is_rolled_back_leaves_no_copy(pg: Services, prepared: Prepared) -> None:
    privacy.erase(pg, REFERENCE, wait=0)
    prepared.end()
    scrub = scrub_storage(pg, wait=OTHER_RUNS_WAIT_SECONDS)
    assert here(scrub.held_by) == []
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == []


def test_a_prepared_transaction_holding_a_table_lock_is_named_by_its_id(pg: Services, prepared_reader: Prepared) -> None:
    report = privacy.erase(pg, REFERENCE, wait=0)
    assert [(t.table, [b.prepared for b in t.by]) for t in report.locked] == [("view_participants", [prepared_reader.gid])]
