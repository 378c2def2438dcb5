"""Signed checkpoints of the transparency log (issue 16; ``docs/audit.md``): the C2SP
``tlog-checkpoint`` notes signed by ``dialogue audit checkpoint``, with their tree size, root
hash and the (public) verifier key; the signing key stays outside the database."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dialogue_checkpoints",
        sa.Column("id", BigInt, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("tree_size", BigInt, nullable=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("verifier_key", sa.String(300), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dialogue_checkpoints")
