"""The transparency log's tree stored beside the events (``dialogue_tree_leaves``,
``dialogue_tree_nodes``), written in the events' own transaction.

- :func:`leaves_of` is called by the recorder under the events table lock, with the new
  events' positions: it gives each new event the next leaf index and hashes the leaf and
  every subtree it completes (:mod:`application.tlog.tree`), and the recorder stores those
  rows with the events (on PostgreSQL in the same statement); :func:`append_events` does
  both for events already inserted. Events stored before the tree existed (or by any path
  that skipped it) are appended first, so the leaves always follow the positions with no
  gap in leaf indexes.
- :func:`build_tree` does the same for a whole existing log (``dialogue db upgrade``).
- :class:`StoredTree` answers roots and proofs with one read of O(log n) nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    LargeBinary,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy_utils.types.uuid import UUIDType

from application.tables import EVENTS_TABLE, BigInt, tree_leaves, tree_nodes
from application.tlog.entry import event_entry
from application.tlog.tree import Node, leaf_hash, nodes_for_leaf, right_edge

# The library's events table, described for plain reads (its own metadata: nothing creates it).
stored_events = Table(
    EVENTS_TABLE,
    MetaData(),
    Column("id", BigInt, primary_key=True),
    Column("originator_id", UUIDType(), nullable=False),
    Column("originator_version", BigInt, nullable=False),
    Column("topic", Text(), nullable=False),
    Column("state", LargeBinary(), nullable=False),
)

Executor = Session | Connection


@dataclass(frozen=True)
class Leaf:
    """One leaf: its index, the event's position and the entry's hash."""

    index: int
    position: int
    hash: bytes


def read_nodes(db: Executor, nodes: Sequence[Node]) -> dict[Node, bytes]:
    """The stored hashes of ``nodes`` (those stored). One condition per level,
    ``level = L AND idx IN (...)``, so each is a search of the primary key: SQLite scanned
    the whole table for a row-value ``(level, idx) IN (...)``, a cost that grew with the log
    (issue 14)."""
    out: dict[Node, bytes] = {}
    for start in range(0, len(nodes), 200):
        by_level: dict[int, list[int]] = {}
        for level, idx in nodes[start:start + 200]:
            by_level.setdefault(level, []).append(idx)
        rows = db.execute(
            select(tree_nodes.c.level, tree_nodes.c.idx, tree_nodes.c.hash)
            .where(or_(*(and_(tree_nodes.c.level == level, tree_nodes.c.idx.in_(idxs)) for level, idxs in sorted(by_level.items()))))
        )
        out.update({(int(r.level), int(r.idx)): bytes.fromhex(r.hash) for r in rows})
    return out


def tree_size(db: Executor) -> tuple[int, int]:
    """(number of leaves, position of the last leaf; 0 when empty)."""
    row = db.execute(
        select(tree_leaves.c.leaf_index, tree_leaves.c.position).order_by(tree_leaves.c.leaf_index.desc()).limit(1)
    ).first()
    return (0, 0) if row is None else (int(row.leaf_index) + 1, int(row.position))


@dataclass(frozen=True)
class Appended:
    """Leaves hashed by :func:`hash_leaves`, not written yet: the tree's new size, the nodes
    of its right edge known after them (for the next :class:`Edge`), and the rows of
    ``dialogue_tree_leaves`` and ``dialogue_tree_nodes`` to insert."""

    size: int
    edge: dict[Node, bytes]
    leaves: list[dict[str, Any]]
    nodes: list[dict[str, Any]]


def hash_leaves(
    db: Executor, size: int, events: Iterable[tuple[int, str, int, str, bytes]], known: Mapping[Node, bytes] | None = None,
) -> Appended:
    """Hash events (position, aggregate id, version, topic, state) as leaves from ``size`` on,
    reading the stored nodes they complete subtrees with (those not in ``known``: nodes of
    the tree's right edge at ``size`` already known, :class:`Edge`). Writes nothing."""
    cache: dict[Node, bytes] = dict(known or {})

    def read(nodes: Sequence[Node]) -> dict[Node, bytes]:
        missing = [n for n in nodes if n not in cache]
        if missing:
            cache.update(read_nodes(db, missing))
        return {n: cache[n] for n in nodes if n in cache}

    leaves: list[dict[str, Any]] = []
    nodes: list[dict[str, Any]] = []
    for position, originator_id, version, topic, state in events:
        h = leaf_hash(event_entry(position, originator_id, version, topic, state))
        for (level, idx), node in nodes_for_leaf(size, h, read):
            cache[(level, idx)] = node
            nodes.append({"level": level, "idx": idx, "hash": node.hex()})
        leaves.append({"leaf_index": size, "position": position})
        size += 1
    return Appended(size, {n: cache[n] for n in right_edge(size) if n in cache}, leaves, nodes)


def _append(
    db: Executor, size: int, events: Iterable[tuple[int, str, int, str, bytes]], known: Mapping[Node, bytes] | None = None,
) -> tuple[int, dict[Node, bytes]]:
    """Append events as leaves from ``size`` on (:func:`hash_leaves`, then their rows
    inserted). Returns the new size and the nodes of its right edge known after it."""
    appended = hash_leaves(db, size, events, known)
    if appended.leaves:
        db.execute(_INSERT_LEAVES, appended.leaves)
        db.execute(_INSERT_NODES, appended.nodes)
    return appended.size, appended.edge


_INSERT_LEAVES = insert(tree_leaves)
_INSERT_NODES = insert(tree_nodes)


def _events_between(db: Executor, after: int, before: int | None) -> list[tuple[int, str, int, str, bytes]]:
    q = select(stored_events.c.id, stored_events.c.originator_id, stored_events.c.originator_version, stored_events.c.topic, stored_events.c.state).where(stored_events.c.id > after)
    if before is not None:
        q = q.where(stored_events.c.id < before)
    return [(int(r.id), str(r.originator_id), int(r.originator_version), r.topic, bytes(r.state)) for r in db.execute(q.order_by(stored_events.c.id))]


@dataclass(frozen=True)
class Tip:
    """What a save reads before it links and appends its events, in one statement
    (:data:`TIP`): the chain's head hash, the tree's size and its last leaf's position,
    and the position of the last event before the first new one."""

    head: str | None
    size: int
    last_leaf: int
    before: int


def tip_statement(chain_table: Table) -> Any:
    """The statement of :class:`Tip`, built once (parameter ``first``: the first new position)."""
    last_leaf = select(tree_leaves.c.leaf_index, tree_leaves.c.position).order_by(tree_leaves.c.leaf_index.desc()).limit(1).subquery()
    return select(
        select(chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1).scalar_subquery().label("head"),
        select(last_leaf.c.leaf_index).scalar_subquery().label("leaf_index"),
        select(last_leaf.c.position).scalar_subquery().label("leaf_position"),
        select(func.max(stored_events.c.id)).where(stored_events.c.id < bindparam("first")).scalar_subquery().label("before"),
    )


def read_tip(db: Executor, statement: Any, first: int) -> Tip:
    row = db.execute(statement, {"first": first}).one()
    size = 0 if row.leaf_index is None else int(row.leaf_index) + 1
    return Tip(row.head, size, int(row.leaf_position or 0), int(row.before or 0))


@dataclass(frozen=True)
class Edge:
    """The tree's right edge as a save left it (kept in memory by the recorder between
    commands): the tree's size, its last leaf's position and the chain's head after the
    save, and the nodes of the right edge (the complete subtrees the next appends hash
    with). Used only while a save's :class:`Tip` shows exactly that state (:meth:`fits`):
    another process's write, a rolled-back save or a restore changes the size, the last
    leaf or the chain's head, and the nodes are read from the database again."""

    size: int
    last_leaf: int
    head: str
    nodes: Mapping[Node, bytes]

    def fits(self, tip: Tip) -> bool:
        return (self.size, self.last_leaf, self.head) == (tip.size, tip.last_leaf, tip.head) and tip.before == tip.last_leaf


def append_events(
    db: Executor, positions: Sequence[int], stored: Sequence[Any], tip: Tip | None = None, edge: Edge | None = None,
) -> tuple[int, dict[Node, bytes]]:
    """Add the events just inserted at ``positions`` (``StoredEvent`` s) to the tree, after
    any event the tree lacks before them (``tip``, when given, tells the tree's size and
    whether any is lacking, read in the same transaction). ``edge``: the right edge kept
    from the last save, used only when it :meth:`~Edge.fits` ``tip``. Call under the events
    table lock. Returns the tree's new size and the nodes of its right edge known (for the
    next :class:`Edge`)."""
    if not positions:
        return (tip.size if tip is not None else tree_size(db)[0]), {}
    if tip is None:
        size, last = tree_size(db)
        backlog = _events_between(db, last, min(positions))
        return _append(db, size, [*backlog, *_entries(positions, stored)])
    appended = leaves_of(db, positions, stored, tip, edge)
    if appended.leaves:
        db.execute(_INSERT_LEAVES, appended.leaves)
        db.execute(_INSERT_NODES, appended.nodes)
    return appended.size, appended.edge


def leaves_of(db: Executor, positions: Sequence[int], stored: Sequence[Any], tip: Tip, edge: Edge | None = None) -> Appended:
    """What :func:`append_events` writes for the events at ``positions`` (``StoredEvent`` s,
    perhaps not inserted yet: their positions reserved under the events table lock), hashed
    and not written: the recorder writes the rows with the events in one statement on
    PostgreSQL. Events the tree lacks before them (``tip``) are read and hashed first."""
    backlog = [] if tip.before == tip.last_leaf else _events_between(db, tip.last_leaf, min(positions))
    known = edge.nodes if edge is not None and edge.fits(tip) else None
    return hash_leaves(db, tip.size, [*backlog, *_entries(positions, stored)], known)


def _entries(positions: Sequence[int], stored: Sequence[Any]) -> list[tuple[int, str, int, str, bytes]]:
    return [(p, str(e.originator_id), int(e.originator_version), e.topic, bytes(e.state)) for p, e in zip(positions, stored, strict=True)]


def extend_tree(db: Executor) -> int:
    """Append every stored event after the tree's last leaf (a restore, in its own
    transaction). Returns how many leaves were added."""
    size, last = tree_size(db)
    return _append(db, size, _events_between(db, last, None))[0] - size


def build_tree(engine: Engine) -> int:
    """Append every stored event the tree lacks (a log from before the tree, ``dialogue db
    upgrade``), in one transaction; on PostgreSQL under the events table lock, as the
    recorder. Returns how many leaves were added."""
    with engine.begin() as c:
        if c.dialect.name == "postgresql":
            c.execute(text(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE"))
        return extend_tree(c)


class StoredTree:
    """Roots, leaves and proofs read from the stored tree (each a few queries)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def size(self) -> int:
        with self.engine.connect() as c:
            return tree_size(c)[0]

    def read(self, nodes: Sequence[Node]) -> dict[Node, bytes]:
        with self.engine.connect() as c:
            return read_nodes(c, nodes)

    def leaf_at_position(self, position: int) -> Leaf | None:
        with self.engine.connect() as c:
            row = c.execute(
                select(tree_leaves.c.leaf_index, tree_nodes.c.hash)
                .join(tree_nodes, (tree_nodes.c.level == 0) & (tree_nodes.c.idx == tree_leaves.c.leaf_index))
                .where(tree_leaves.c.position == position)
            ).first()
        return None if row is None else Leaf(int(row.leaf_index), position, bytes.fromhex(row.hash))

    def leaf(self, index: int) -> Leaf | None:
        with self.engine.connect() as c:
            row = c.execute(
                select(tree_leaves.c.position, tree_nodes.c.hash)
                .join(tree_nodes, (tree_nodes.c.level == 0) & (tree_nodes.c.idx == tree_leaves.c.leaf_index))
                .where(tree_leaves.c.leaf_index == index)
            ).first()
        return None if row is None else Leaf(index, int(row.position), bytes.fromhex(row.hash))
