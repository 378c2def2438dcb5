"""Each comment's discussion as an indexed table (issue 14): editing or hiding a comment
finds its discussion by one look-up, not by reading every comment of the log. Filled from
the log's comments on upgrade; afterwards written with each comment, in its transaction."""

from __future__ import annotations

import json
from uuid import UUID

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

EVENTS = "dialogue_events"
POSTED = "domain.discussion:Discussion.CommentPosted"


def as_uuid(value: object) -> str:
    """An originator id as read without its column type (a UUID, 32 hex digits or 16 bytes)."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return str(UUID(bytes=bytes(value)))
    return str(UUID(str(value)))


def upgrade() -> None:
    table = op.create_table(
        "dialogue_comment_discussions",
        sa.Column("comment_id", sa.String(36), primary_key=True),
        sa.Column("discussion_id", sa.String(36), nullable=False),
    )
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(EVENTS):
        return
    events = sa.table(EVENTS, sa.column("id"), sa.column("originator_id"), sa.column("topic"), sa.column("state"))
    query = sa.select(events.c.originator_id, events.c.state).where(events.c.topic == POSTED).order_by(events.c.id)
    rows = [
        {"comment_id": str(json.loads(bytes(state))["comment_id"]), "discussion_id": as_uuid(originator)}
        for originator, state in bind.execute(query)
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("dialogue_comment_discussions")
