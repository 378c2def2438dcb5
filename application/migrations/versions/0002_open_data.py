"""The quarterly open-data archives (issue 15; ``docs/open-data.md``): one row per
quarter with its log position, chain hash, effective date, whether final, and the ZIP
archive served by ``/open-data``."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dialogue_open_data",
        sa.Column("quarter", sa.String(8), primary_key=True),
        sa.Column("position", BigInt, nullable=False),
        sa.Column("chain_hash", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("archive", sa.LargeBinary, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dialogue_open_data")
