"""The project's own tables beside the library's events table (``dialogue_events``, which
eventsourcing-sqlalchemy creates and owns): the hash chain, the command ids, the
participants' wrapped keys, the master-key check and the quarterly open-data archives
(``docs/architecture.md``, "Storage"; shaped by the migrations of ``application/migrations``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

APPLICATION_NAME = "Dialogue"
EVENTS_TABLE = "dialogue_events"

metadata = MetaData()
BigInt = BigInteger().with_variant(Integer(), "sqlite")

chain_table = Table(
    "dialogue_chain",
    metadata,
    Column("position", BigInt, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
)
commands_table = Table(
    "dialogue_commands",
    metadata,
    Column("command_id", String(200), primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("last_position", BigInt, nullable=True),
)
keys_table = Table(
    "dialogue_participant_keys",
    metadata,
    Column("participant_id", String(36), primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=False),
)
reference_index_table = Table(
    # The participants' references, written with their registrations in the events'
    # transaction (application/persistence.py): the reference check is one indexed look-up,
    # not a read of every registration (issue 14). The key is unique (migration 0017): of two
    # registrations of one reference at once, the second save fails and its command checks again.
    "dialogue_participant_references",
    metadata,
    Column("position", BigInt, primary_key=True, autoincrement=False),
    Column("reference_key", String(200), nullable=False),
    Index("ix_dialogue_participant_references_key", "reference_key", unique=True),
)
comment_index_table = Table(
    # Each comment's discussion, written with its CommentPosted in the events' transaction:
    # editing or hiding a comment finds its discussion by one look-up (issue 14).
    "dialogue_comment_discussions",
    metadata,
    Column("comment_id", String(36), primary_key=True),
    Column("discussion_id", String(36), nullable=False),
)
indicator_reference_table = Table(
    # The indicators' references, written with each Indicator.Defined in the events'
    # transaction: the reference check of a new indicator is one indexed look-up (issue 14).
    # The key is unique (migration 0016): of two definitions of one reference at once, the
    # second save fails and its command checks again.
    "dialogue_indicator_references",
    metadata,
    Column("position", BigInt, primary_key=True, autoincrement=False),
    Column("reference_key", String(200), nullable=False),
    Index("ix_dialogue_indicator_references_key", "reference_key", unique=True),
)
open_election_seats_table = Table(
    # The seats of the elections not closed yet: a row per seat written with each
    # Election.Opened, deleted with its Closed, in the events' transaction. Its key makes two
    # openings at once for one seat of a table impossible (the second save fails and its
    # command checks again), and the check is one look-up, not a read of every opening.
    "dialogue_open_election_seats",
    metadata,
    Column("table_code", String(20), primary_key=True),
    Column("seat", String(200), primary_key=True),
    Column("election_id", String(36), nullable=False, index=True),
)
input_calls_table = Table(
    # The call each input was sent to, written with each OpenCall.InputSubmitted in the
    # events' transaction: moderating or linking an input finds its call by one look-up.
    "dialogue_input_calls",
    metadata,
    Column("input_id", String(36), primary_key=True),
    Column("call_id", String(36), nullable=False),
)
key_check_table = Table(
    "dialogue_key_check",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", LargeBinary, nullable=False),
)
open_data_table = Table(
    # One open-data archive per quarter (application/open_data/quarterly.py), built by
    # ``dialogue close-due`` once the quarter has ended and served by /open-data.
    "dialogue_open_data",
    metadata,
    Column("quarter", String(8), primary_key=True),
    Column("position", BigInt, nullable=False),
    Column("chain_hash", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("final", Boolean, nullable=False),
    Column("archive", LargeBinary, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
)

participation_snapshots_table = Table(
    # The participation statistics as published (application/participation.py, issue 11):
    # one row per quarter, as of its last day (or the day it was published while it runs),
    # with the log position read. Only rounded, suppressed figures are stored: never a count
    # of fewer than 5 people, never a person.
    "dialogue_participation_snapshots",
    metadata,
    Column("quarter", String(8), primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("final", Boolean, nullable=False),
    Column("position", BigInt, nullable=False),
    Column("figures", JSON, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
)

# ---------------------------------------------------------------------------- accounts (issue 10)
# Accounts and sign-in (never events: credentials are not history), used by
# ``application/accounts/`` (migration 0003). Each account hangs on its owner's key row
# (``ON DELETE CASCADE``): deleting the key, as an erasure does in the transaction of
# ``PersonalDataErased``, deletes the account, and with it its sessions, links and recovery
# codes; its address was sealed with that key. Times are UTC instants.
AccountId = String(36)
Digest = String(64)  # hex SHA-256 / HMAC-SHA256

accounts = Table(
    "dialogue_accounts",
    metadata,
    Column("id", AccountId, primary_key=True),
    Column("kind", String(16), nullable=False),  # participant | staff
    Column("participant_id", AccountId, unique=True),
    Column("key_owner", AccountId, ForeignKey(keys_table.c.participant_id, ondelete="CASCADE"), nullable=False),
    Column("email_index", Digest, nullable=False, unique=True),
    Column("email_sealed", LargeBinary, nullable=False),
    Column("password_hash", String(200)),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("totp_sealed", LargeBinary),
    Column("totp_confirmed_at", DateTime(timezone=True)),
    Column("totp_last_step", BigInt),
    Column("language", String(8), nullable=False),
    Column("demo", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("erasure_requested_at", DateTime(timezone=True)),
)

recovery_codes = Table(
    "dialogue_recovery_codes",
    metadata,
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), primary_key=True),
    Column("code_hash", Digest, primary_key=True),
    Column("used_at", DateTime(timezone=True)),
)

sign_ins = Table(
    "dialogue_sign_ins",
    metadata,
    # One row per signed-in browser: the cookie holds a random token, the row its SHA-256.
    Column("token_hash", Digest, primary_key=True),
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("ended_why", String(32)),
    Column("device", String(120), nullable=False, default=""),
)

links = Table(
    "dialogue_account_links",
    metadata,
    # Invitations and password resets: single-use, valid 7 days; the mailed link carries
    # the token signed, the row its SHA-256.
    Column("token_hash", Digest, primary_key=True),
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),  # invitation | reset
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

sign_in_failures = Table(
    "dialogue_sign_in_failures",
    metadata,
    # Failed sign-ins per typed e-mail address and per network address, both as keyed
    # hashes: every web worker reads and writes the same counts.
    Column("subject", String(80), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
)

security_log = Table(
    "dialogue_security_log",
    metadata,
    # Sign-ins, failures, password and second-factor changes, grants: kept 180 days.
    Column("id", BigInt, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account_id", AccountId),
    Column("event", String(40), nullable=False),
    Column("detail", String(200), nullable=False, default=""),
    Column("by_account", AccountId),
    Index("ix_dialogue_security_log_at", "at"),
    Index("ix_dialogue_security_log_account", "account_id", "at"),
)

api_tokens = Table(
    "dialogue_api_tokens",
    metadata,
    # Personal access tokens of the JSON API (issue 13): the SHA-256 of the token shown
    # once, a name, a scope (read | write), an expiry; revoked by the owner.
    Column("id", AccountId, primary_key=True),
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", Digest, nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("scope", String(8), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

api_requests = Table(
    "dialogue_api_requests",
    metadata,
    # The first answer to each API write sent with an Idempotency-Key (web/api/idempotency.py):
    # a retry with the same key from the same account gets it again; kept 7 days.
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("request_hash", Digest, nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("headers", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)

ACCOUNT_TABLES = (accounts, recovery_codes, sign_ins, links, sign_in_failures, security_log, api_tokens, api_requests)

# ---------------------------------------------------------------------------- notifications (issue 18)
# What notifies whom (``application/notifications/``): one row per notification of an account,
# its preferences per kind, how far in the log its notifications were looked for, and each
# mail sent (one per account and period). Every row cascades with its account.
notifications_table = Table(
    "dialogue_notifications",
    metadata,
    Column("id", BigInt, primary_key=True, autoincrement=True),
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("dated", Date, nullable=False),
    Column("details", JSON, nullable=False),
    Column("seen_at", DateTime(timezone=True)),
    Column("mailed_in", String(80)),
    UniqueConstraint("account_id", "key", name="uq_dialogue_notifications_account_key"),
    Index("ix_dialogue_notifications_account_seen", "account_id", "seen_at"),
)
notification_preferences = Table(
    "dialogue_notification_preferences",
    metadata,
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("frequency", String(16), nullable=False),
)
notification_cursors = Table(
    "dialogue_notification_cursors",
    metadata,
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), primary_key=True),
    Column("position", BigInt, nullable=False),
)
notification_mails = Table(
    "dialogue_notification_mails",
    metadata,
    Column("account_id", AccountId, ForeignKey(accounts.c.id, ondelete="CASCADE"), primary_key=True),
    Column("period", String(80), primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("count", Integer, nullable=False),
)

# ---------------------------------------------------------------------------- transparency log (issue 16)
# The RFC 9162 Merkle tree over the events (``application/tlog/``, migrations 0006-0008), written in
# the events' own transaction: one leaf per stored event in notification order (leaf indexes
# without gaps, positions with), and every complete subtree's hash (level 0: the leaves).
tree_leaves = Table(
    "dialogue_tree_leaves",
    metadata,
    Column("leaf_index", BigInt, primary_key=True, autoincrement=False),
    Column("position", BigInt, nullable=False),
    Index("ix_dialogue_tree_leaves_position", "position", unique=True),
)
tree_nodes = Table(
    "dialogue_tree_nodes",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInt, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),  # hex SHA-256
)
checkpoints_table = Table(
    # Signed checkpoints of the tree (C2SP tlog-checkpoint notes), newest last; the signing
    # key is never stored, the verifier key it checks with is (it is public).
    "dialogue_checkpoints",
    metadata,
    Column("id", BigInt, primary_key=True, autoincrement=True),
    Column("origin", String(200), nullable=False),
    Column("tree_size", BigInt, nullable=False),
    Column("root_hash", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("verifier_key", String(300), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
)
witnesses_table = Table(
    # Witness keys registered by the secretariat (a Liaison Table seat, a UN agency): C2SP
    # tlog-cosignature verifier keys (type 0x04); the private keys never leave the witnesses.
    "dialogue_witnesses",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("verifier_key", String(300), nullable=False, unique=True),
    Column("description", String(300), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)
cosignatures_table = Table(
    # One verified cosignature line per witness and checkpoint.
    "dialogue_cosignatures",
    metadata,
    Column("checkpoint_id", BigInt, ForeignKey(checkpoints_table.c.id), primary_key=True),
    Column("witness", String(200), ForeignKey(witnesses_table.c.name), primary_key=True),
    Column("line", Text, nullable=False),
    Column("cosigned_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
)
witness_conflicts_table = Table(
    # Two checkpoints of one tree size with different roots, both signed by the log, as a
    # witness reported them (the evidence that the log showed two histories).
    "dialogue_witness_conflicts",
    metadata,
    Column("id", BigInt, primary_key=True, autoincrement=True),
    Column("witness", String(200), nullable=False),
    Column("tree_size", BigInt, nullable=False),
    Column("first", Text, nullable=False),
    Column("second", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
