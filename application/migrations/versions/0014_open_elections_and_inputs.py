"""The seats of the elections not closed yet, and each input's call, as indexed tables
(issue 14): opening an election checks its seats by one look-up (and the seats' key refuses
two openings of one seat at once), moderating or linking an input finds its call by one
look-up, instead of reading every opening or input of the log. Filled from the log on
upgrade; afterwards written with their events, in their transaction."""

from __future__ import annotations

import json
from uuid import UUID

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

EVENTS = "dialogue_events"
OPENED = "domain.election:Election.Opened"
CLOSED = "domain.election:Election.Closed"
SUBMITTED = "domain.open_call:OpenCall.InputSubmitted"


def as_uuid(value: object) -> str:
    """An originator id as read without its column type (a UUID, 32 hex digits or 16 bytes)."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return str(UUID(bytes=bytes(value)))
    return str(UUID(str(value)))


def upgrade() -> None:
    seats = op.create_table(
        "dialogue_open_election_seats",
        sa.Column("table_code", sa.String(20), primary_key=True),
        sa.Column("seat", sa.String(200), primary_key=True),
        sa.Column("election_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_dialogue_open_election_seats_election_id", "dialogue_open_election_seats", ["election_id"])
    inputs = op.create_table(
        "dialogue_input_calls",
        sa.Column("input_id", sa.String(36), primary_key=True),
        sa.Column("call_id", sa.String(36), nullable=False),
    )
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(EVENTS):
        return
    events = sa.table(EVENTS, sa.column("id"), sa.column("originator_id"), sa.column("topic"), sa.column("state"))
    query = sa.select(events.c.originator_id, events.c.topic, events.c.state).where(events.c.topic.in_([OPENED, CLOSED, SUBMITTED])).order_by(events.c.id)
    open_seats: dict[tuple[str, str], str] = {}
    input_rows = []
    for originator, topic, state in bind.execute(query):
        oid = as_uuid(originator)
        if topic == SUBMITTED:
            input_rows.append({"input_id": str(json.loads(bytes(state))["input_id"]), "call_id": oid})
        elif topic == CLOSED:
            open_seats = {k: v for k, v in open_seats.items() if v != oid}
        else:
            opened = json.loads(bytes(state))
            for seat in opened["seats"]:
                open_seats.setdefault((str(opened["table"]), str(seat)), oid)  # the first opening keeps a seat
    if open_seats:
        op.bulk_insert(seats, [{"table_code": t, "seat": s, "election_id": e} for (t, s), e in open_seats.items()])
    if input_rows:
        op.bulk_insert(inputs, input_rows)


def downgrade() -> None:
    op.drop_table("dialogue_input_calls")
    op.drop_index("ix_dialogue_open_election_seats_election_id", table_name="dialogue_open_election_seats")
    op.drop_table("dialogue_open_election_seats")
