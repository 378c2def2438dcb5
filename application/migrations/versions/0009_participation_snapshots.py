"""The quarterly participation statistics (issue 11; ``docs/privacy.md``): one row per quarter
with its effective date, whether final, the log position read and the published figures
(rounded to base 5, cells under 5 suppressed)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dialogue_participation_snapshots",
        sa.Column("quarter", sa.String(8), primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("final", sa.Boolean, nullable=False),
        sa.Column("position", BigInt, nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dialogue_participation_snapshots")
