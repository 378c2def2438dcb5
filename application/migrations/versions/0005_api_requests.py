"""The first answers of the API's idempotent writes (issue 13, "Idempotent writes"): per
account and Idempotency-Key, the request's SHA-256 and the answer (status, body, headers),
kept 7 days; they go with their account (``ON DELETE CASCADE``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.String(36)


def upgrade() -> None:
    op.create_table(
        "dialogue_api_requests",
        sa.Column("account_id", Id, sa.ForeignKey("dialogue_accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dialogue_api_requests_created_at", "dialogue_api_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_dialogue_api_requests_created_at", "dialogue_api_requests")
    op.drop_table("dialogue_api_requests")
