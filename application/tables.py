"""The project's own tables beside the library's events table (``dialogue_events``, which
eventsourcing-sqlalchemy creates and owns): the hash chain, the command ids, the
participants' wrapped keys, the master-key check and the quarterly open-data archives
(``docs/architecture.md``, "Storage"; shaped by the migrations of ``application/migrations``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
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
