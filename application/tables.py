"""The project's own tables beside the library's events table (``dialogue_events``, which
eventsourcing-sqlalchemy creates and owns): the hash chain, the command ids, the
participants' wrapped keys and the master-key check (``docs/architecture.md``, "Storage").
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, LargeBinary, MetaData, String, Table

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
key_check_table = Table(
    "dialogue_key_check",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", LargeBinary, nullable=False),
)
