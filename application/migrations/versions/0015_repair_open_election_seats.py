"""Repair the seats of the elections not closed (``dialogue_open_election_seats``, migration
0014): give back each seat an election still open holds.

A log written before the seats' key may hold one seat opened by two elections at once. 0014's
replay kept the seat with the first opening only, and dropped it when that election closed,
although the second was still open: the seat was then no longer guarded, and a third opening
of it was let through. This replays the log again, keeping for each seat every election that
opened it and is not closed yet, in the log's order; the earliest of them holds the seat.

The rows that differ from that replay are replaced, the others are left alone: a database
0014 filled correctly (no seat opened twice, or the first opening still open), and every row
written since with its event, equals the replay, so this changes nothing there. 0014 itself
is not changed: a database already at 0014 never runs it again, so only a later revision can
repair it.
"""

from __future__ import annotations

import json
from uuid import UUID

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

EVENTS = "dialogue_events"
SEATS = "dialogue_open_election_seats"
OPENED = "domain.election:Election.Opened"
CLOSED = "domain.election:Election.Closed"


def as_uuid(value: object) -> str:
    """An originator id as read without its column type (a UUID, 32 hex digits or 16 bytes)."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return str(UUID(bytes=bytes(value)))
    return str(UUID(str(value)))


def held_seats(bind: sa.Connection) -> dict[tuple[str, str], str]:
    """(table, seat) → the earliest election not closed that opened it, from the log."""
    events = sa.table(EVENTS, sa.column("id"), sa.column("originator_id"), sa.column("topic"), sa.column("state"))
    query = sa.select(events.c.originator_id, events.c.topic, events.c.state).where(events.c.topic.in_([OPENED, CLOSED])).order_by(events.c.id)
    openers: dict[tuple[str, str], dict[str, None]] = {}  # a seat's open elections, in the log's order
    opened_by: dict[str, list[tuple[str, str]]] = {}
    for originator, topic, state in bind.execute(query):
        election = as_uuid(originator)
        if topic == CLOSED:
            for seat in opened_by.pop(election, []):
                openers[seat].pop(election, None)
            continue
        opened = json.loads(bytes(state))
        for name in opened["seats"]:
            seat = (str(opened["table"]), str(name))
            openers.setdefault(seat, {})[election] = None
            opened_by.setdefault(election, []).append(seat)
    return {seat: next(iter(elections)) for seat, elections in openers.items() if elections}


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(EVENTS):
        return
    seats = sa.table(SEATS, sa.column("table_code"), sa.column("seat"), sa.column("election_id"))
    expected = held_seats(bind)
    present = {(str(t), str(s)): str(e) for t, s, e in bind.execute(sa.select(seats.c.table_code, seats.c.seat, seats.c.election_id))}
    for (table_code, seat), election in present.items():
        if expected.get((table_code, seat)) != election:
            bind.execute(sa.delete(seats).where(seats.c.table_code == table_code, seats.c.seat == seat))
    missing = [
        {"table_code": t, "seat": s, "election_id": e} for (t, s), e in expected.items() if present.get((t, s)) != e
    ]
    if missing:
        op.bulk_insert(seats, missing)


def downgrade() -> None:
    """Nothing to undo: the rows are those 0014 means (a seat held by an open election)."""
