"""Witnesses of the transparency log (issue 16; ``docs/audit.md``, "Witnesses"): their
registered keys, the cosignatures they submitted, and the conflicts they reported."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dialogue_witnesses",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("verifier_key", sa.String(300), nullable=False, unique=True),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dialogue_cosignatures",
        sa.Column("checkpoint_id", BigInt, sa.ForeignKey("dialogue_checkpoints.id"), primary_key=True),
        sa.Column("witness", sa.String(200), sa.ForeignKey("dialogue_witnesses.name"), primary_key=True),
        sa.Column("line", sa.Text, nullable=False),
        sa.Column("cosigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dialogue_witness_conflicts",
        sa.Column("id", BigInt, primary_key=True, autoincrement=True),
        sa.Column("witness", sa.String(200), nullable=False),
        sa.Column("tree_size", BigInt, nullable=False),
        sa.Column("first", sa.Text, nullable=False),
        sa.Column("second", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dialogue_witness_conflicts")
    op.drop_table("dialogue_cosignatures")
    op.drop_table("dialogue_witnesses")
