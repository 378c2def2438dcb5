"""The project's own tables as they were before migrations existed (the hash chain, the
command ids, the participants' key store, the master-key check).

A database created before migrations has these tables and no version table: ``dialogue db
upgrade`` stamps it with this revision instead of running it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dialogue_chain",
        sa.Column("position", BigInt, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "dialogue_commands",
        sa.Column("command_id", sa.String(200), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_position", BigInt, nullable=True),
    )
    op.create_table(
        "dialogue_participant_keys",
        sa.Column("participant_id", sa.String(36), primary_key=True),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "dialogue_key_check",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for name in ("dialogue_key_check", "dialogue_participant_keys", "dialogue_commands", "dialogue_chain"):
        op.drop_table(name)
