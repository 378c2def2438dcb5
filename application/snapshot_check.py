"""Aggregates replayed from their events alone, and the stored snapshots checked against them.

A snapshot (:mod:`application.snapshots`) is a shortcut kept in ``dialogue_snapshots``,
outside the hash chain and the transparency log: a changed snapshot would change what a
loaded aggregate says while every hash still verifies. So the audit views replay from the
events (:func:`replay`), and ``dialogue audit verify`` compares every stored snapshot with
the state replayed from the events up to its version (:func:`verify_snapshots`). Neither
needs a key: the snapshotted aggregates hold no personal field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, Text, select
from sqlalchemy_utils.types.uuid import UUIDType

from application.core import ApplicationCore


def replay(app: ApplicationCore, aggregate_id: UUID, version: int | None = None) -> Any:
    """The aggregate projected from its stored events up to ``version`` (all without one),
    never from a snapshot or a cache.

    Raises:
        AggregateNotFoundError: no event of that aggregate (up to that version).
    """
    aggregate = project_aggregate(None, app.events.get(originator_id=aggregate_id, lte=version))
    if aggregate is None:
        raise AggregateNotFoundError(f"Aggregate {aggregate_id} version {version} not found.")
    return aggregate


@dataclass(frozen=True)
class SnapshotProblem:
    """A stored snapshot that is not the state replayed from the events at its version."""

    aggregate_id: str
    version: int
    message: str

    def __str__(self) -> str:
        return f"snapshot of aggregate {self.aggregate_id} at version {self.version}: {self.message}"


def _snapshots_table(app: ApplicationCore) -> Table | None:
    if app.snapshots is None:
        return None
    name = getattr(app.snapshots.recorder, "events_table_name", None)
    if not name:
        return None
    return Table(
        name, MetaData(),
        Column("originator_id", UUIDType(), primary_key=True),
        Column("originator_version", Integer(), primary_key=True),
        Column("topic", Text(), nullable=False),
        Column("state", LargeBinary(), nullable=False),
    )


def _stored_snapshots(app: ApplicationCore, table: Table, batch: int = 500) -> Iterator[list[StoredEvent]]:
    """Stored snapshots grouped by aggregate, in version order."""
    group: list[StoredEvent] = []
    with app.engine.connect() as c:
        rows = c.execution_options(stream_results=True, yield_per=batch).execute(
            select(table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)
            .order_by(table.c.originator_id, table.c.originator_version)
        )
        for oid, version, topic, state in rows:
            if group and group[0].originator_id != oid:
                yield group
                group = []
            group.append(StoredEvent(originator_id=oid, originator_version=int(version), topic=topic, state=bytes(state)))
    if group:
        yield group


def _comparable(app: ApplicationCore, snapshot: Any) -> Any:
    """A snapshot's stored form without its own recorded time (when it was taken)."""
    data = json.loads(app.mapper.to_stored_event(snapshot).state)
    data.pop("timestamp", None)
    return data


def verify_snapshots(app: ApplicationCore) -> tuple[int, list[SnapshotProblem]]:
    """Compare every stored snapshot with the aggregate replayed from its events up to the
    snapshot's version (each aggregate's events read once). Returns how many snapshots were
    checked and the problems, in aggregate and version order."""
    table = _snapshots_table(app)
    if table is None:
        return 0, []
    checked, problems = 0, []
    for group in _stored_snapshots(app, table):
        oid = UUID(str(group[0].originator_id))
        events: Iterator[Any] = iter(app.events.get(originator_id=oid, lte=group[-1].originator_version))
        aggregate: Any = None
        for stored in group:
            checked += 1
            while aggregate is None or aggregate.version < stored.originator_version:
                event = next(events, None)
                if event is None:
                    break
                aggregate = event.mutate(aggregate)
            if aggregate is None or aggregate.version != stored.originator_version:
                problems.append(SnapshotProblem(str(oid), stored.originator_version, "the events of the aggregate do not reach this version"))
                continue
            try:
                kept = _comparable(app, app.mapper.to_domain_event(stored))
            except Exception as e:  # noqa: BLE001 - any unreadable snapshot is a finding, not a crash
                problems.append(SnapshotProblem(str(oid), stored.originator_version, f"it does not read ({type(e).__name__})"))
                continue
            if kept != _comparable(app, Snapshot.take(aggregate)):
                problems.append(SnapshotProblem(str(oid), stored.originator_version, "it differs from the state replayed from the events (the snapshot was changed)"))
    return checked, problems
