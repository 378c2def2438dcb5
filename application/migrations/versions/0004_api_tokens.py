"""Personal access tokens of the JSON API (issue 13): the SHA-256 of each token (shown once),
its name, scope (read | write), expiry, last use and revocation; they go with their account
(``ON DELETE CASCADE``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.String(36)
Digest = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "dialogue_api_tokens",
        sa.Column("id", Id, primary_key=True),
        sa.Column("account_id", Id, sa.ForeignKey("dialogue_accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", Digest, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_dialogue_api_tokens_account_id", "dialogue_api_tokens", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_dialogue_api_tokens_account_id", "dialogue_api_tokens")
    op.drop_table("dialogue_api_tokens")
