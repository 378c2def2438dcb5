"""The event log read as stored: positions, events and their chain rows, in one snapshot.

Reads here take stored bytes as they are: verifying the chain needs no keys, and the log
view shows encrypted personal fields as a marker, never decrypted.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    exists,
    inspect,
    null,
    select,
    union_all,
)
from sqlalchemy_utils.types.uuid import UUIDType

from application.persistence import EVENTS_TABLE, chain_table

_BigInt = BigInteger().with_variant(Integer(), "sqlite")

# The library's events table (eventsourcing-sqlalchemy), described again for plain reads
# and for restores with explicit positions; its own metadata, so nothing creates it here.
events_table = Table(
    EVENTS_TABLE,
    MetaData(),
    Column("id", _BigInt, primary_key=True),
    Column("originator_id", UUIDType(), nullable=False),
    Column("originator_version", _BigInt, nullable=False),
    Column("topic", Text(), nullable=False),
    Column("state", LargeBinary(), nullable=False),
)


@dataclass(frozen=True)
class LogRecord:
    """One position of the log: a stored event and/or its chain row.

    ``state`` is ``None`` when a chain row has no event (an event was removed);
    ``chain_hash`` (hex) is ``None`` when an event has no chain row.
    """

    position: int
    originator_id: str | None
    originator_version: int | None
    topic: str | None
    state: bytes | None
    chain_hash: str | None

    @property
    def has_event(self) -> bool:
        return self.state is not None


def has_log(engine: Engine) -> bool:
    """Whether the database holds the event store's tables (``dialogue db init`` ran)."""
    names = set(inspect(engine).get_table_names())
    return EVENTS_TABLE in names and chain_table.name in names


def read_log(engine: Engine, *, after: int = 0, until: int | None = None, limit: int | None = None) -> Iterator[LogRecord]:
    """Every position after ``after`` (up to ``until``), in order, events joined with chain rows.

    One SQL statement, so the events and the chain are read from one snapshot while
    writers go on. Chain rows without an event come out too (``state`` None).
    """
    e, c = events_table, chain_table
    with_event = select(
        e.c.id.label("position"), e.c.originator_id, e.c.originator_version, e.c.topic, e.c.state, c.c.hash,
    ).select_from(e.outerjoin(c, c.c.position == e.c.id)).where(e.c.id > after)
    orphans = select(
        c.c.position.label("position"), null(), null(), null(), null(), c.c.hash,
    ).where(c.c.position > after, ~exists().where(e.c.id == c.c.position))
    if until is not None:
        with_event = with_event.where(e.c.id <= until)
        orphans = orphans.where(c.c.position <= until)
    u = union_all(with_event, orphans).subquery()
    q = select(u).order_by(u.c.position)
    if limit is not None:
        q = q.limit(limit)
    with engine.connect() as conn:
        for row in conn.execution_options(stream_results=True, yield_per=500).execute(q):
            position, oid, version, topic, state, chain_hash = row
            yield LogRecord(
                position=int(position),
                originator_id=None if oid is None else str(oid),
                originator_version=None if version is None else int(version),
                topic=topic,
                state=None if state is None else bytes(state),
                chain_hash=chain_hash,
            )


def stored_state_view(state: bytes) -> Any:
    """The stored state as plain data, exactly as stored except that the encrypted
    ``personal`` field shows as a marker (never decrypted)."""
    try:
        data = json.loads(state)
    except (ValueError, UnicodeDecodeError):
        return {"[not JSON]": base64.b64encode(state).decode()}
    if isinstance(data, dict) and isinstance(data.get("personal"), str):
        data["personal"] = f"[encrypted: {len(data['personal'])} base64 characters]"
    return data


def stored_timestamp(state: bytes) -> datetime | None:
    """The recorded time (UTC) kept in a stored state, or None when unreadable."""
    try:
        raw = json.loads(state).get("timestamp")
        text = raw.get("_data_") if isinstance(raw, dict) else raw
        t = datetime.fromisoformat(str(text))
    except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def type_of(topic: str) -> tuple[str, str]:
    """(aggregate class, event name) of a topic, e.g. ``("Proposal", "Drafted")``."""
    qualname = topic.partition(":")[2]
    cls, _, name = qualname.rpartition(".")
    return cls or qualname, name


def last_position_at(engine: Engine, instant: datetime) -> int:
    """The last position whose event was recorded at or before ``instant`` (0 if none)."""
    instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    best = 0
    for rec in read_log(engine):
        if rec.state is None:
            continue
        t = stored_timestamp(rec.state)
        if t is not None and t <= instant:
            best = rec.position
    return best
