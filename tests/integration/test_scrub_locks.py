"""The scrub while another transaction holds a lock on a table it vacuums: ``VACUUM (FULL)``
needs that table's ACCESS EXCLUSIVE lock, which it would wait for without limit. The scrub
waits at most as long as it was told (``--wait``, at least a second), then reports the table
NOT scrubbed yet, naming the holder (never its query), and the command exits with status 3;
once the holder ends, ``dialogue participants scrub`` finishes it (``docs/operations.md``).

The holder is a second connection in READ COMMITTED, idle in a transaction that has read
``view_participants`` (it has no snapshot left, so it does not hold row versions back: only
its lock is in the way). Its ``idle_in_transaction_session_timeout`` is the safety net that
keeps a scrub without a bounded wait from hanging this test: the server ends the holder
after HOLDER_TIMEOUT, the VACUUM then goes through and the assertions fail.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from application import privacy
from application.bootstrap import Services
from application.persistence import generate_master_key
from application.scrub import scrub_storage
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
HOLDER_TIMEOUT = "30s"
QUERY = f"SELECT count(*) AS held_lock_probe FROM {LOCKED_TABLE}"


@pytest.fixture
def holder(pg: Services) -> Iterator[OpenTransaction]:
    """A READ COMMITTED transaction of another connection that read LOCKED_TABLE and stays open."""
    assert POSTGRES_URL is not None
    engine = create_engine(make_url(POSTGRES_URL), poolclass=NullPool)
    connection = engine.connect()
    try:
        connection.execute(text(f"SET idle_in_transaction_session_timeout = '{HOLDER_TIMEOUT}'"))
        pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        connection.execute(text(QUERY)).scalar_one()
        yield OpenTransaction(connection, pid)
    finally:
        try:
            OpenTransaction(connection, 0).end()
        except Exception:  # noqa: BLE001 - ended by the server's timeout (the safety net)
            connection.invalidate()
        engine.dispose()


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


def test_a_lock_released_within_the_wait_lets_the_vacuum_through(pg: Services, holder: OpenTransaction) -> None:
    ends = threading.Timer(2.0, holder.end)  # longer than the shortest lock wait, within --wait
    ends.start()
    try:
        report = privacy.erase(pg, REFERENCE, wait=OTHER_RUNS_WAIT_SECONDS)
    finally:
        ends.join()
    assert report.locked == []
    assert postgres_pages_holding(pg.app.engine, NAME.encode()) == []


def test_the_keys_rotate_command_exits_with_status_3_naming_the_holder(pg: Services, holder: OpenTransaction, tmp_path: Path) -> None:
    new_key = tmp_path / "new.key"
    new_key.write_text(generate_master_key())
    new_key.chmod(0o600)
    result = cli(pg).invoke(args=["keys", "rotate", str(new_key), "--wait", "0"])
    assert result.exit_code == EXIT_NOT_SCRUBBED
    assert "Re-wrapped" in result.output
    assert f"{LOCKED_TABLE} locked by pid {holder.pid} " in result.output
