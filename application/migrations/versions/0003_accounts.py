"""Accounts and sign-in (issue 10): accounts whose address is sealed with their owner's key
(each row hangs on that key: ``ON DELETE CASCADE``), server-side sign-in sessions, invitation
and reset links, recovery codes, failed sign-ins, the security log."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Id = sa.String(36)
Digest = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "dialogue_accounts",
        sa.Column("id", Id, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("participant_id", Id, nullable=True),
        sa.Column("key_owner", Id, sa.ForeignKey("dialogue_participant_keys.participant_id", ondelete="CASCADE"), nullable=False),
        sa.Column("email_index", Digest, nullable=False),
        sa.Column("email_sealed", sa.LargeBinary, nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_sealed", sa.LargeBinary, nullable=True),
        sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_last_step", BigInt, nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erasure_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("email_index"),
        sa.UniqueConstraint("participant_id"),
    )
    op.create_table(
        "dialogue_recovery_codes",
        sa.Column("account_id", Id, sa.ForeignKey("dialogue_accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code_hash", Digest, primary_key=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "dialogue_sign_ins",
        sa.Column("token_hash", Digest, primary_key=True),
        sa.Column("account_id", Id, sa.ForeignKey("dialogue_accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_why", sa.String(32), nullable=True),
        sa.Column("device", sa.String(120), nullable=False),
    )
    op.create_index("ix_dialogue_sign_ins_account_id", "dialogue_sign_ins", ["account_id"])
    op.create_table(
        "dialogue_account_links",
        sa.Column("token_hash", Digest, primary_key=True),
        sa.Column("account_id", Id, sa.ForeignKey("dialogue_accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_dialogue_account_links_account_id", "dialogue_account_links", ["account_id"])
    op.create_table(
        "dialogue_sign_in_failures",
        sa.Column("subject", sa.String(80), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dialogue_security_log",
        sa.Column("id", BigInt, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.Column("by_account", Id, nullable=True),
    )
    op.create_index("ix_dialogue_security_log_at", "dialogue_security_log", ["at"])
    op.create_index("ix_dialogue_security_log_account", "dialogue_security_log", ["account_id", "at"])


def downgrade() -> None:
    for name in ("dialogue_security_log", "dialogue_sign_in_failures", "dialogue_account_links", "dialogue_sign_ins",
                 "dialogue_recovery_codes", "dialogue_accounts"):
        op.drop_table(name)
