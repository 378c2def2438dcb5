"""The scrub while another transaction holds a lock on a table it vacuums: ``VACUUM (FULL)``
needs that table's ACCESS EXCLUSIVE lock, which it would wait for without limit, and while it
waits every new reader of the table queues behind it (the web pages would stall). The scrub
tries for the lock in short tries (``deadlock_timeout`` + 1 s), pausing between them so the
queued readers get through, until its one deadline (``--wait``); then it reports the table NOT
scrubbed yet, naming the transaction that blocked it (never its query, never a reader queued
behind it), vacuums the other tables, and the command exits with status 3; once the holder
ends, ``dialogue participants scrub`` finishes it (``docs/operations.md``).

The holder is a second connection in READ COMMITTED, idle in a transaction that has read
``view_participants`` (it has no snapshot left, so it does not hold row versions back: only
its lock is in the way). Its ``idle_in_transaction_session_timeout`` is the safety net that
keeps a scrub without a bounded wait from hanging this test: the server ends the holder
after HOLDER_TIMEOUT, the VACUUM then goes through and the assertions fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from application import privacy
from application.bootstrap import Services
from application.persistence import generate_master_key
from application.scrub import SCRUBBED_EVENT_STORE_TABLES, SCRUBBED_VIEW_TABLES, scrub_storage
from tests.conftest import POSTGRES_URL
from tests.integration.test_erasure import postgres_pages_holding
from tests.integration.test_erasure_open_transaction import (
    NAME,
    OTHER_RUNS_WAIT_SECONDS,
    REFERENCE,
    OpenTransaction,
    cli,
    pg,
)
from web.cli.privacy import EXIT_NOT_SCRUBBED

__all__ = ["pg"]  # the fixture, shared with the other test of open transactions

LOCKED_TABLE = "view_participants"
HOLDER_TIMEOUT = "60s"
QUERY = f"SELECT count(*) AS held_lock_probe FROM {LOCKED_TABLE}"
# A wait much longer than one try for the lock, well within HOLDER_TIMEOUT.
LONG_WAIT_SECONDS = 30.0
# A reader's own limit: longer than a try for the lock (2 s), much shorter than LONG_WAIT_SECONDS.
READER_TIMEOUT = "6s"
# How long the test looks for the scrub's VACUUM waiting for the lock before it gives up.
SCRUB_START_SECONDS = 30.0
T = TypeVar("T")


def reader_transaction(*settings: str) -> Iterator[OpenTransaction]:
    """A READ COMMITTED transaction of another connection (``SET`` each of ``settings``
    first), ended at the end; the caller makes it read."""
    assert POSTGRES_URL is not None
    engine = create_engine(make_url(POSTGRES_URL), poolclass=NullPool)
    connection = engine.connect()
    try:
        connection.execute(text(f"SET idle_in_transaction_session_timeout = '{HOLDER_TIMEOUT}'"))
        for setting in settings:
            connection.execute(text(f"SET {setting}"))
        pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        yield OpenTransaction(connection, pid)
    finally:
        try:
            OpenTransaction(connection, 0).end()
        except Exception:  # noqa: BLE001 - ended by the server's timeout (the safety net)
            connection.invalidate()
        engine.dispose()


@pytest.fixture
def holder(pg: Services) -> Iterator[OpenTransaction]:
    """A READ COMMITTED transaction of another connection that read LOCKED_TABLE and stays open."""
    for held in reader_transaction():
        held.connection.execute(text(QUERY)).scalar_one()
        yield held


@pytest.fixture
def reader(pg: Services) -> Iterator[OpenTransaction]:
    """Another connection, as a web page's, with its own statement_timeout of READER_TIMEOUT."""
    yield from reader_transaction(f"statement_timeout = '{READER_TIMEOUT}'")


class Background(Generic[T]):
    """``run()`` in a thread: its result (or its exception) once joined."""

    def __init__(self, run: Callable[[], T]) -> None:
        self.outcome: list[T] = []
        self.error: BaseException | None = None

        def target() -> None:
            try:
                self.outcome.append(run())
            except BaseException as e:  # noqa: BLE001 - re-raised by join()
                self.error = e

        self.thread = threading.Thread(target=target, daemon=True)
        self.thread.start()

    def join(self) -> T:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.outcome[0]


def await_vacuum(engine: Engine, state: str, table: str = LOCKED_TABLE) -> None:
    """Return once the scrub's VACUUM (FULL) of ``table`` is in ``state``: ``waiting`` for its
    lock, or ``paused`` between two tries (its connection idle); fail after SCRUB_START_SECONDS."""
    condition = "state = 'active' AND wait_event_type = 'Lock'" if state == "waiting" else "state = 'idle'"
    with engine.connect() as c:
        for _ in range(int(SCRUB_START_SECONDS / 0.05)):
            if c.execute(text(
                f"SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND {condition} AND query LIKE :vacuum"
            ), {"vacuum": f'VACUUM (FULL) "{table}"%'}).first():
                return
            c.rollback()
            time.sleep(0.05)
    pytest.fail(f"the scrub's VACUUM of {table} was never {state}")


def relfilenodes(engine: Engine) -> dict[str, int]:
    """Each scrubbed table's file number: VACUUM (FULL) rewrites the table into a new file."""
    tables = SCRUBBED_EVENT_STORE_TABLES + SCRUBBED_VIEW_TABLES
    with engine.connect() as c:
        rows = c.execute(text("SELECT relname, relfilenode FROM pg_class WHERE relname = ANY(:t) AND relkind = 'r'"), {"t": list(tables)}).all()
    return {name: int(node) for name, node in rows}


def test_a_table_locked_by_another_transaction_is_reported_not_scrubbed(pg: Services, holder: OpenTransaction) -> None:
    report = privacy.erase(pg, REFERENCE, wait=0)
    assert report.storage_scrubbed is False
    assert [(t.table, [b.pid for b in t.by]) for t in report.locked] == [(LOCKED_TABLE, [holder.pid])]
    assert any(f"{LOCKED_TABLE} locked by pid {holder.pid} " in w for w in report.warnings)
    assert any("NOT scrubbed yet" in w and LOCKED_TABLE in w and "dialogue participants scrub" in w for w in report.warnings)


def test_the_locked_table_alone_keeps_the_name(pg: Services, holder: OpenTransaction) -> None:
    privacy.erase(pg, REFERENCE, wait=0)
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == [LOCKED_TABLE]


def test_the_erase_command_exits_with_status_3_naming_the_holder_not_its_query(pg: Services, holder: OpenTransaction) -> None:
    result = cli(pg).invoke(args=["participants", "erase", REFERENCE, "--yes", "--wait", "0"])
    assert result.exit_code == EXIT_NOT_SCRUBBED
    assert f"{LOCKED_TABLE} locked by pid {holder.pid} " in result.output
    assert "held_lock_probe" not in result.output


def test_the_scrub_after_the_holder_ends_leaves_no_copy(pg: Services, holder: OpenTransaction) -> None:
    privacy.erase(pg, REFERENCE, wait=0)
    holder.end()
    scrub = scrub_storage(pg, wait=OTHER_RUNS_WAIT_SECONDS)
    assert (scrub.complete, scrub.locked) == (True, [])
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == []


def test_a_reader_of_the_locked_table_gets_its_answer_while_the_scrub_still_tries(
    pg: Services, holder: OpenTransaction, reader: OpenTransaction,
) -> None:
    """A page reading the table while the scrub waits for its lock is not held for the whole
    wait: its statement_timeout (READER_TIMEOUT) is far shorter than the scrub's wait."""
    scrub = Background(lambda: scrub_storage(pg, wait=LONG_WAIT_SECONDS))
    try:
        await_vacuum(pg.app.engine, "waiting")
        answer = reader.connection.execute(text(f"SELECT count(*) FROM {LOCKED_TABLE}")).scalar_one()
        still_trying = scrub.thread.is_alive()
        reader.end()
    finally:
        holder.end()
        scrub.join()
    assert (answer, still_trying) == (1, True)


def test_the_scrub_pauses_between_tries_and_a_later_one_gets_the_released_lock(pg: Services, holder: OpenTransaction) -> None:
    privacy.erase(pg, REFERENCE, wait=0)
    scrub = Background(lambda: scrub_storage(pg, wait=LONG_WAIT_SECONDS))
    try:
        await_vacuum(pg.app.engine, "waiting")
        await_vacuum(pg.app.engine, "paused")
    finally:
        holder.end()
        result = scrub.join()
    assert result.locked == []
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == []


def test_a_reader_queued_behind_the_vacuum_is_not_named(pg: Services, holder: OpenTransaction, reader: OpenTransaction) -> None:
    """A reader that asks for the table while the VACUUM waits gets it when the VACUUM gives
    up, and keeps it (idle in its transaction): it did not block the VACUUM."""
    erasure = Background(lambda: privacy.erase(pg, REFERENCE, wait=0))
    try:
        await_vacuum(pg.app.engine, "waiting")
        reader.connection.execute(text(f"SELECT count(*) FROM {LOCKED_TABLE}")).scalar_one()
        report = erasure.join()
    finally:
        holder.end()
    assert [(t.table, [b.pid for b in t.by]) for t in report.locked] == [(LOCKED_TABLE, [holder.pid])]


def test_the_other_tables_are_vacuumed_while_one_is_locked(pg: Services, holder: OpenTransaction) -> None:
    before = relfilenodes(pg.app.engine)
    report = privacy.erase(pg, REFERENCE, wait=5)
    after = relfilenodes(pg.app.engine)
    others = [t for t in SCRUBBED_EVENT_STORE_TABLES + SCRUBBED_VIEW_TABLES if t != LOCKED_TABLE]
    assert sorted(t for t in before if before[t] != after[t]) == sorted(others)
    assert report.scrubbed == [f"PostgreSQL: VACUUM (FULL) {', '.join(others)}"]


def test_a_wait_that_is_not_a_number_does_not_wait(pg: Services) -> None:
    scrub = scrub_storage(pg, wait=float("nan"))
    assert (scrub.locked, scrub.pending) == ([], [])


def test_a_statement_timeout_of_the_database_does_not_cut_the_lock_wait(pg: Services, holder: OpenTransaction) -> None:
    """The database's statement_timeout, shorter than a try for the lock, would cancel the
    VACUUM's wait (exit 1, a traceback): the scrub turns it off for itself."""
    database = pg.app.engine.url.database
    with pg.app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text(f'ALTER DATABASE "{database}" SET statement_timeout = \'300ms\''))
    pg.app.engine.dispose()
    try:
        result = cli(pg).invoke(args=["participants", "erase", REFERENCE, "--yes", "--wait", "0"])
    finally:
        with pg.app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text(f'ALTER DATABASE "{database}" RESET statement_timeout'))
    assert result.exit_code == EXIT_NOT_SCRUBBED, result.output
    assert f"{LOCKED_TABLE} locked by pid {holder.pid} " in result.output


def test_the_keys_rotate_command_exits_with_status_3_naming_the_holder(pg: Services, holder: OpenTransaction, tmp_path: Path) -> None:
    new_key = tmp_path / "new.key"
    new_key.write_text(generate_master_key())
    new_key.chmod(0o600)
    result = cli(pg).invoke(args=["keys", "rotate", str(new_key), "--wait", "0"])
    assert result.exit_code == EXIT_NOT_SCRUBBED
    assert f"{LOCKED_TABLE} locked by pid {holder.pid} " in result.output
    # The rotation is said first: a scrub's trouble never hides that it was committed.
    assert result.output.index("Re-wrapped") < result.output.index("Now set DIALOGUE_MASTER_KEY") < result.output.index("NOT scrubbed yet")
