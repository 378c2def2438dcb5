"""Notifications (issue 18; ``docs/communications.md``): each account's notifications with
their seen state and the mail that carried them, its preferences per kind, how far in the
log its notifications were looked for, and the mails sent per account and period; every
row goes with its account (``ON DELETE CASCADE``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Id = sa.String(36)
BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACCOUNT = "dialogue_accounts.id"


def upgrade() -> None:
    op.create_table(
        "dialogue_notifications",
        sa.Column("id", BigInt, primary_key=True, autoincrement=True),
        sa.Column("account_id", Id, sa.ForeignKey(ACCOUNT, ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("dated", sa.Date, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True)),
        sa.Column("mailed_in", sa.String(80)),
        sa.UniqueConstraint("account_id", "key", name="uq_dialogue_notifications_account_key"),
    )
    op.create_index("ix_dialogue_notifications_account_seen", "dialogue_notifications", ["account_id", "seen_at"])
    op.create_table(
        "dialogue_notification_preferences",
        sa.Column("account_id", Id, sa.ForeignKey(ACCOUNT, ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("frequency", sa.String(16), nullable=False),
    )
    op.create_table(
        "dialogue_notification_cursors",
        sa.Column("account_id", Id, sa.ForeignKey(ACCOUNT, ondelete="CASCADE"), primary_key=True),
        sa.Column("position", BigInt, nullable=False),
    )
    op.create_table(
        "dialogue_notification_mails",
        sa.Column("account_id", Id, sa.ForeignKey(ACCOUNT, ondelete="CASCADE"), primary_key=True),
        sa.Column("period", sa.String(80), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dialogue_notification_mails")
    op.drop_table("dialogue_notification_cursors")
    op.drop_table("dialogue_notification_preferences")
    op.drop_index("ix_dialogue_notifications_account_seen", table_name="dialogue_notifications")
    op.drop_table("dialogue_notifications")
