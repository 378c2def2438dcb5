"""A save on PostgreSQL in few round trips (``DialogueRecorder._reserve`` and ``_write_all``,
issue 14): the events table's lock and the log's tip in one query, then the events, their
chain links, the tree's leaves and nodes, the command id and the worker's notification in
one statement; the rows stored are those a save of one statement each stored."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from sqlalchemy import create_engine, event, func, select, text

from application.audit.verify import verify_log
from application.persistence import EVENTS_TABLE, commands_table, get_engine
from application.tables import chain_table, tree_leaves
from application.tlog.tree import MemoryTree
from tests.conftest import fresh_postgres
from tests.integration.test_tlog_store import entries_of, recorder, stored_event, stored_nodes


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield fresh_postgres()


def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first word of every statement sent by a psycopg cursor from now on."""
    statements: list[str] = []
    for name in ("execute", "executemany"):
        original = getattr(psycopg.Cursor, name)

        def counting(self: Any, query: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            statements.append(str(query).split()[0].upper())
            return _original(self, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, name, counting)
    return statements


def test_a_save_sends_the_lock_with_the_tip_then_one_statement_of_all_its_rows(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    r = recorder(postgres_url)
    r.insert_events([stored_event(0)], command_id="first")
    statements = sent(monkeypatch)
    r.insert_events([stored_event(1), stored_event(2), stored_event(3)], command_id="second")
    # Before: LOCK, the events' INSERT, NOTIFY, the tip's SELECT, then one INSERT each for
    # the chain, the leaves, the nodes and the command id.
    assert statements == ["LOCK", "WITH"]


def test_a_save_stores_the_positions_chain_tree_and_command_of_its_events(postgres_url: str) -> None:
    r = recorder(postgres_url)
    engine = get_engine(postgres_url)
    first = r.insert_events([stored_event(0), stored_event(1)], command_id="first")
    second = r.insert_events([stored_event(2), stored_event(3), stored_event(4)], command_id="second")
    assert list(first or []) == [1, 2] and list(second or []) == [3, 4, 5]
    with engine.connect() as c:
        assert c.execute(select(chain_table.c.position).order_by(chain_table.c.position)).scalars().all() == [1, 2, 3, 4, 5]
        assert c.execute(select(tree_leaves.c.leaf_index, tree_leaves.c.position).order_by(tree_leaves.c.leaf_index)).all() == [
            (0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
        assert dict(c.execute(select(commands_table.c.command_id, commands_table.c.last_position)).all()) == {"first": 2, "second": 5}
    assert verify_log(engine).ok
    assert stored_nodes(engine) == MemoryTree(entries_of(engine)).nodes


def test_a_save_wakes_a_listener_of_the_log(postgres_url: str) -> None:
    r = recorder(postgres_url)
    listener = psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    try:
        listener.execute(f"LISTEN {EVENTS_TABLE}")
        r.insert_events([stored_event(0)])
        assert [n.channel for n in listener.notifies(timeout=5, stop_after=1)] == [EVENTS_TABLE]
    finally:
        listener.close()


def test_a_save_refused_on_its_command_id_stores_nothing_and_leaves_a_gap(postgres_url: str) -> None:
    r = recorder(postgres_url)
    engine = get_engine(postgres_url)
    r.insert_events([stored_event(0)], command_id="once")
    with pytest.raises(IntegrityError):
        r.insert_events([stored_event(1), stored_event(2)], command_id="once")
    later = r.insert_events([stored_event(3)])
    assert list(later or []) == [4]  # positions 2 and 3 were taken from the sequence, never committed
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(chain_table)).scalar() == 2
        assert c.execute(select(tree_leaves.c.position).order_by(tree_leaves.c.leaf_index)).scalars().all() == [1, 4]
    assert verify_log(engine).ok


def test_a_save_that_cannot_take_the_events_lock_fails_with_the_librarys_error(postgres_url: str) -> None:
    r = recorder(postgres_url)
    r.insert_events([stored_event(0)])
    engine = get_engine(postgres_url)
    engine.dispose()

    def short_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("SET lock_timeout = '200ms'")
        dbapi_connection.commit()

    event.listen(engine, "connect", short_lock_timeout)
    holder = create_engine(postgres_url)
    try:
        with holder.begin() as c:
            c.execute(text(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE"))
            with pytest.raises(OperationalError):
                r.insert_events([stored_event(1)])
        assert list(r.insert_events([stored_event(2)]) or []) == [2]  # the lock was refused before any position was taken
    finally:
        event.remove(engine, "connect", short_lock_timeout)
        holder.dispose()


def test_saves_of_many_threads_at_once_keep_one_chain_and_one_tree(postgres_url: str) -> None:
    recorders = [recorder(postgres_url) for _ in range(4)]
    engine = get_engine(postgres_url)
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            for i in range(15):
                thing = StoredEvent(originator_id=uuid4(), originator_version=1, topic="t:T.E", state=f'{{"{n}":{i}}}'.encode())
                recorders[n].insert_events([thing], command_id=f"{n}:{i}")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(chain_table)).scalar() == 60
    assert verify_log(engine).ok
    assert stored_nodes(engine) == MemoryTree(entries_of(engine)).nodes
