"""The indicators' references as an indexed table (issue 14): the reference check of a new
indicator is one look-up, not a read of every definition in the log. Filled from the log's
definitions on upgrade; afterwards written with each definition, in its transaction."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EVENTS = "dialogue_events"
DEFINED = "domain.commission:Indicator.Defined"


def reference_key(reference: object) -> str:
    """The form a reference is compared in (without regard to case or surrounding spaces)."""
    return str(reference or "").strip().casefold()[:200]


def upgrade() -> None:
    table = op.create_table(
        "dialogue_indicator_references",
        sa.Column("position", BigInt, primary_key=True, autoincrement=False),
        sa.Column("reference_key", sa.String(200), nullable=False),
    )
    op.create_index("ix_dialogue_indicator_references_key", "dialogue_indicator_references", ["reference_key"])
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(EVENTS):
        return
    events = sa.table(EVENTS, sa.column("id"), sa.column("topic"), sa.column("state"))
    rows = [
        {"position": int(i), "reference_key": reference_key(json.loads(bytes(state)).get("reference"))}
        for i, state in bind.execute(sa.select(events.c.id, events.c.state).where(events.c.topic == DEFINED).order_by(events.c.id))
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_dialogue_indicator_references_key", table_name="dialogue_indicator_references")
    op.drop_table("dialogue_indicator_references")
