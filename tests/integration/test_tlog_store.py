"""The transparency log's tree as stored by the recorder, on a SQLite file and PostgreSQL
(``application/tlog/store.py``): written in the events' own transaction, one leaf per event
in position order with gaps in positions accepted, built for a log that predates it, and
answering the same proofs as a tree built independently from the stored events."""

from __future__ import annotations

import io
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.utils import Environment
from sqlalchemy import Engine, delete, event, func, insert, select, text

from application.audit import events_table
from application.export import export_log, import_log
from application.persistence import (
    APPLICATION_NAME,
    EVENTS_TABLE,
    DialogueFactory,
    DialogueRecorder,
    get_engine,
)
from application.tables import chain_table, tree_leaves, tree_nodes
from application.tlog import store
from application.tlog.entry import event_entry
from application.tlog.store import StoredTree, build_tree
from application.tlog.tree import (
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from tests.unit.test_tlog_tree import ReferenceTree


def recorder(url: str) -> DialogueRecorder:
    r = DialogueFactory(Environment(APPLICATION_NAME, {"SQLALCHEMY_URL": url, "CREATE_TABLE": "y"})).application_recorder()
    assert isinstance(r, DialogueRecorder)
    return r


def stored_event(i: int) -> StoredEvent:
    return StoredEvent(originator_id=uuid4(), originator_version=1, topic="tests.tlog:Thing.Happened", state=f'{{"n":{i}}}'.encode())


def record(r: DialogueRecorder, n: int, batches: tuple[int, ...] = (1, 3, 7, 2, 16)) -> list[int]:
    """Store ``n`` events in batches of varying sizes; returns their positions."""
    positions: list[int] = []
    i = 0
    while len(positions) < n:
        size = min(batches[i % len(batches)], n - len(positions))
        positions.extend(r.insert_events([stored_event(len(positions) + j) for j in range(size)]))
        i += 1
    return positions


def entries_of(engine: Engine) -> list[bytes]:
    """Every stored event's entry, in position order, straight from the events table."""
    with engine.connect() as c:
        rows = c.execute(select(events_table).order_by(events_table.c.id)).all()
    return [event_entry(r.id, str(r.originator_id), r.originator_version, r.topic, r.state) for r in rows]


def test_every_leaf_of_1000_events_is_proven_against_a_tree_built_from_the_events(database_url: str) -> None:
    positions = record(recorder(database_url), 1000)
    engine = get_engine(database_url)
    ref = ReferenceTree(entries_of(engine))
    stored = StoredTree(engine)
    assert stored.size() == 1000
    root = ref.mth(0, 1000)
    nodes = stored.read  # one query per proof
    for m in range(1000):
        leaf = stored.leaf(m)
        assert leaf is not None and leaf.position == positions[m] and leaf.hash == ref.leaves[m]
        proof = inclusion_proof(m, 1000, nodes)
        assert proof == ref.path(m, 0, 1000), m
        assert verify_inclusion(m, 1000, leaf.hash, proof, root)


def test_every_pair_of_sizes_of_200_events_has_a_consistent_stored_tree(database_url: str) -> None:
    record(recorder(database_url), 200)
    engine = get_engine(database_url)
    ref = ReferenceTree(entries_of(engine))
    stored = StoredTree(engine)
    with engine.connect() as c:  # every stored node at once; the queries' own path is checked below
        nodes = {(r.level, r.idx): bytes.fromhex(r.hash) for r in c.execute(select(tree_nodes))}
    for new in range(1, 201):
        for old in range(1, new + 1):
            proof = consistency_proof(old, new, lambda wanted: {n: nodes[n] for n in wanted if n in nodes})
            assert verify_consistency(old, new, ref.mth(0, old), ref.mth(0, new), proof), (old, new)
        assert consistency_proof(new // 2 + 1, new, stored.read) == consistency_proof(new // 2 + 1, new, lambda w: {n: nodes[n] for n in w})


def test_gaps_in_positions_keep_leaf_indexes_without_gaps(database_url: str) -> None:
    r = recorder(database_url)
    engine = get_engine(database_url)
    record(r, 3)
    with engine.begin() as c:  # positions 4 and 5 never committed (as PostgreSQL after a failed save)
        c.execute(insert(events_table).values(id=6, originator_id=uuid4(), originator_version=1, topic="t:T.E", state=b"{}"))
        if c.dialect.name == "postgresql":
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{EVENTS_TABLE}', 'id'), 6)"))
    build_tree(engine)
    later = r.insert_events([stored_event(9)])
    stored = StoredTree(engine)
    assert [stored.leaf(i).position for i in range(5)] == [1, 2, 3, 6, later[0]]  # type: ignore[union-attr]
    assert stored.leaf_at_position(6).index == 3  # type: ignore[union-attr]
    assert stored.leaf_at_position(4) is None


def test_events_the_tree_lacks_are_appended_before_the_next_save(database_url: str) -> None:
    r = recorder(database_url)
    engine = get_engine(database_url)
    record(r, 5)
    with engine.begin() as c:  # as a database from before the tree
        c.execute(delete(tree_leaves))
        c.execute(delete(tree_nodes))
    r.insert_events([stored_event(5)])
    assert StoredTree(engine).size() == 6
    tree = MemoryTree(entries_of(engine))
    assert StoredTree(engine).read([(2, 0)]) == {(2, 0): tree.nodes[(2, 0)]}


def test_a_rolled_back_save_leaves_no_leaf(database_url: str) -> None:
    r = recorder(database_url)
    engine = get_engine(database_url)
    record(r, 2)
    with pytest.raises(IntegrityError):  # a stale version: nothing of the save is stored
        r.insert_events([StoredEvent(originator_id=uuid4(), originator_version=1, topic="t:T.E", state=b"{}")] * 2)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(tree_leaves)).scalar() == 2
        assert c.execute(select(func.count()).select_from(chain_table)).scalar() == 2


def test_upgrade_builds_the_tree_of_a_log_from_before_it(database_url: str) -> None:
    r = recorder(database_url)
    engine = get_engine(database_url)
    record(r, 37)
    expected = MemoryTree(entries_of(engine))
    with engine.begin() as c:
        c.execute(delete(tree_leaves))
        c.execute(delete(tree_nodes))
    assert build_tree(engine) == 37
    assert build_tree(engine) == 0
    stored = StoredTree(engine)
    assert stored.size() == 37
    assert stored.read(list(expected.nodes)) == expected.nodes
    assert stored.leaf(36).hash == leaf_hash(entries_of(engine)[36])  # type: ignore[union-attr]


def test_a_restore_rebuilds_the_same_tree(database_url: str) -> None:
    record(recorder(database_url), 21)
    engine = get_engine(database_url)
    before = StoredTree(engine)
    nodes = before.read([(level, i) for level in range(5) for i in range(21 >> level)])
    out = io.StringIO()
    export_log(engine, out)
    with engine.begin() as c:
        for table in (tree_nodes, tree_leaves, chain_table, events_table):
            c.execute(delete(table))
    import_log(engine, io.StringIO(out.getvalue()).readlines())
    assert StoredTree(engine).size() == 21
    assert StoredTree(engine).read(list(nodes)) == nodes


def stored_nodes(engine: Engine) -> dict[tuple[int, int], bytes]:
    with engine.connect() as c:
        return {(r.level, r.idx): bytes.fromhex(r.hash) for r in c.execute(select(tree_nodes))}


def test_two_recorders_appending_alternately_store_the_tree_a_fresh_one_builds(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two processes on one log: each keeps the tree's right edge from its own last save,
    # and must notice the other's saves in between.
    first, second = recorder(database_url), recorder(database_url)
    engine = get_engine(database_url)
    requested: list[tuple[int, int]] = []
    read = store.read_nodes

    def recording(db: Any, nodes: Any) -> Any:
        requested.extend(nodes)
        return read(db, nodes)

    monkeypatch.setattr(store, "read_nodes", recording)
    first.insert_events([stored_event(-j) for j in range(1, 5)])  # size 4: its edge is node (2, 0)
    second.insert_events([stored_event(-5), stored_event(-6)])  # size 6
    requested.clear()
    first.insert_events([stored_event(-7), stored_event(-8)])  # leaf 7 completes (1, 3), (2, 1) and (3, 0)
    # The tree moved under its edge: the nodes are read again, (2, 0) included, not taken from memory.
    assert sorted(requested) == [(1, 2), (2, 0)]
    for n, (r, batch) in enumerate(zip([first, second, second, first, first, second] * 6, [1, 2, 1, 3, 1, 1] * 6, strict=True)):
        r.insert_events([stored_event(100 * n + j) for j in range(batch)])
    fresh = MemoryTree(entries_of(engine))
    assert stored_nodes(engine) == fresh.nodes
    stored = StoredTree(engine)
    assert [root_hash(size, stored.read) for size in range(1, fresh.size + 1)] == [fresh.root(size) for size in range(1, fresh.size + 1)]


def test_a_save_rolled_back_after_its_tree_was_computed_leaves_the_next_saves_a_true_tree(database_url: str) -> None:
    r, other = recorder(database_url), recorder(database_url)
    engine = get_engine(database_url)
    r.insert_events([stored_event(0), stored_event(1)], command_id="once")
    with pytest.raises(IntegrityError):  # the command id fails after leaves 2 and 3 were hashed
        r.insert_events([stored_event(2), stored_event(3)], command_id="once")
    other.insert_events([stored_event(4), stored_event(5)])  # leaves 2 and 3, other events
    for i in range(6, 12):
        r.insert_events([stored_event(i)])
    assert stored_nodes(engine) == MemoryTree(entries_of(engine)).nodes


def test_saves_one_after_another_read_no_node_of_the_tree(database_url: str) -> None:
    r = recorder(database_url)
    engine = get_engine(database_url)
    r.insert_events([stored_event(0)])  # the first save of the process reads what it needs
    reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "dialogue_tree_nodes" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        for i in range(1, 33):
            r.insert_events([stored_event(i)])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert reads == []
    assert stored_nodes(engine) == MemoryTree(entries_of(engine)).nodes
