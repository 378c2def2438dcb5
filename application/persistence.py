"""Persistence wiring: one SQLAlchemy URL configures the event store (eventsourcing-sqlalchemy).

What this module adds to the library's recorder, in the same transaction as the events:

- the **hash chain** rows (:mod:`application.chain`), computed under the events table
  lock (PostgreSQL ``LOCK TABLE … IN EXCLUSIVE MODE``; SQLite's single writer), so the
  chain follows notification order exactly;
- the **command id** of the command that caused the events (unique: a scenario step or a
  form submission is applied exactly once);
- the deletion of a participant's **key** when the events record their erasure.

It also holds the :class:`PersonalDataMapper`, which encrypts the ``personal_fields`` of
Participant events with that participant's own AES-GCM key (``cryptography``), keys being
wrapped by a master key given by configuration (never stored in the database).
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    ApplicationRecorder,
    JSONTranscoder,
    Mapper,
    Notification,
    StoredEvent,
    Transcoding,
)
from eventsourcing.utils import Environment, get_topic, resolve_topic
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from application.chain import GENESIS, link
from projections.tracking import LockingTrackingRecorder

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


class DateAsISO(Transcoding):
    """Calendar dates as ``YYYY-MM-DD`` in stored events."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


# ---------------------------------------------------------------------------- engines
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    # Overwrite deleted content (erased keys, redacted directory rows) in the file.
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def get_engine(url: str) -> Engine:
    """One engine per database URL in a process (created after a fork, never before).

    SQLite files get WAL, a 30 s busy timeout and ``secure_delete``.
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                # hide_parameters: SQL logs and error messages never carry values (names).
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # A database host that stops answering fails a connection in 10 s (so /readyz
                # answers 503 instead of hanging).
                connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
                engine = create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (after a fork, at shutdown, in tests)."""
    with _engines_lock:
        for e in _engines.values():
            e.dispose()
        _engines.clear()


# ---------------------------------------------------------------------------- recorder
class DialogueRecorder(SQLAlchemyApplicationRecorder):
    """The library's application recorder, plus chain, command ids and key deletion.

    Extra keyword arguments of ``Application.save`` (passed through to ``insert_events``):

    - ``command_id``: recorded once; a second save with the same id raises
      ``eventsourcing.persistence.IntegrityError`` and stores nothing;
    - ``erase_key``: a participant id whose key row is deleted in the same transaction.
    """

    def create_table(self) -> None:
        super().create_table()
        assert self.datastore.engine is not None
        metadata.create_all(cast(Engine, self.datastore.engine), checkfirst=True)

    def _insert_events(self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        command_id = kwargs.get("command_id")
        if command_id:
            session.execute(insert(commands_table).values(command_id=command_id, recorded_at=datetime.now(UTC)))
        erase_key = kwargs.get("erase_key")
        if erase_key:
            session.execute(delete(keys_table).where(keys_table.c.participant_id == str(erase_key)))

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        ids = super()._insert_stored_events(session, stored_events, **kwargs)
        # Under the table lock: the head is the last committed link, the new rows follow it.
        head = session.execute(select(chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1)).scalar()
        previous = bytes.fromhex(head) if head else GENESIS
        rows = []
        for position, e in zip(ids, stored_events, strict=True):
            previous = link(previous, position, str(e.originator_id), e.originator_version, e.topic, e.state)
            rows.append({"position": position, "hash": previous.hex()})
        if rows:
            session.execute(insert(chain_table), rows)
        command_id = kwargs.get("command_id")
        if command_id and ids:
            session.execute(
                commands_table.update().where(commands_table.c.command_id == command_id).values(last_position=max(ids))
            )
        return ids


class DialogueFactory(SQLAlchemyFactory):
    """eventsourcing-sqlalchemy's factory on this process's shared engine for the URL."""

    application_recorder_class = DialogueRecorder
    tracking_recorder_class = LockingTrackingRecorder

    def __init__(self, env: Environment):
        super(SQLAlchemyFactory, self).__init__(env)
        self._schema_name = self.env.get(self.SQLALCHEMY_SCHEMA)
        url = self.env.get(self.SQLALCHEMY_URL)
        if not url:
            raise OSError("DIALOGUE_DATABASE_URL is not set")
        engine = get_engine(url)
        self.datastore = SQLAlchemyDatastore(session_maker=sessionmaker(bind=engine))
        self.datastore.is_sqlite_filedb = engine.dialect.name == "sqlite"


# ---------------------------------------------------------------------------- keys
class MasterKeyError(RuntimeError):
    """The master key is missing, malformed or not the one this database was set up with."""


KEY_CHECK_PLAINTEXT = b"dialogue-service key check v1"


def parse_master_key(raw: str | bytes | None) -> bytes:
    """A master key is 32 bytes, given as url-safe base64 (``DIALOGUE_MASTER_KEY``).

    Raises:
        MasterKeyError: when missing or not 32 bytes of base64.
    """
    if not raw:
        raise MasterKeyError(
            "No master key: set DIALOGUE_MASTER_KEY or DIALOGUE_MASTER_KEY_FILE "
            "(create one with `dialogue keys generate`)."
        )
    try:
        key = base64.urlsafe_b64decode(raw.strip() if isinstance(raw, bytes) else raw.strip().encode())
    except (ValueError, TypeError) as e:
        raise MasterKeyError("The master key is not valid base64.") from e
    if len(key) != 32:
        raise MasterKeyError(f"The master key must be 32 bytes; this one is {len(key)}.")
    return key


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class KeyStore:
    """Per-participant data keys, wrapped (AES-GCM) by the master key, in their own table."""

    def __init__(self, engine: Engine, master_key: bytes) -> None:
        self.engine = engine
        self.master = AESGCM(master_key)

    def _wrap(self, participant_id: str, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self.master.encrypt(nonce, key, participant_id.encode())

    def _unwrap(self, participant_id: str, blob: bytes) -> bytes:
        try:
            return self.master.decrypt(blob[:12], blob[12:], participant_id.encode())
        except InvalidTag as e:
            raise MasterKeyError("A participant key does not open with this master key.") from e

    def write_key_check(self) -> None:
        """Record a token only this master key opens (``dialogue db init``)."""
        nonce = os.urandom(12)
        token = nonce + self.master.encrypt(nonce, KEY_CHECK_PLAINTEXT, b"key-check")
        with self.engine.begin() as c:
            if c.execute(select(key_check_table.c.id)).first() is None:
                c.execute(insert(key_check_table).values(id=1, token=token))

    def verify_key_check(self) -> bool:
        """True when a key-check token exists and opens; False when none was written.

        Without a token (a database set up without ``dialogue db init``), one stored
        participant key must still open, so a wrong key never reads garbage.

        Raises:
            MasterKeyError: the token (or a stored participant key) does not open with
            this master key.
        """
        with self.engine.connect() as c:
            row = c.execute(select(key_check_table.c.token)).first()
            some_key = None if row is not None else c.execute(select(keys_table).limit(1)).first()
        if row is None:
            if some_key is not None and not self.opens(str(some_key[0]), bytes(some_key[1])):
                raise MasterKeyError("Wrong master key: it does not open this database's participant keys.")
            return False
        token = bytes(row[0])
        try:
            ok = self.master.decrypt(token[:12], token[12:], b"key-check") == KEY_CHECK_PLAINTEXT
        except InvalidTag:
            ok = False
        if not ok:
            raise MasterKeyError("Wrong master key: it does not open this database's key-check record.")
        return True

    def opens(self, participant_id: str, wrapped_key: bytes) -> bool:
        """Whether ``wrapped_key`` (as stored or backed up) opens with this master key."""
        try:
            self._unwrap(participant_id, wrapped_key)
        except MasterKeyError:
            return False
        return True

    def wrapped_keys(self) -> dict[str, bytes]:
        """Participant id → wrapped key, as stored (still wrapped by the master key)."""
        with self.engine.connect() as c:
            return {str(r[0]): bytes(r[1]) for r in c.execute(select(keys_table.c.participant_id, keys_table.c.wrapped_key))}

    def add_wrapped(self, wrapped: dict[str, bytes]) -> int:
        """Insert wrapped keys of participants that have none (a restore); returns how many."""
        if not wrapped:
            return 0
        with self.engine.begin() as c:
            present = {str(r[0]) for r in c.execute(select(keys_table.c.participant_id).where(keys_table.c.participant_id.in_(sorted(wrapped))))}
            rows = [{"participant_id": k, "wrapped_key": v} for k, v in sorted(wrapped.items()) if k not in present]
            if rows:
                c.execute(insert(keys_table), rows)
        return len(rows)

    def get(self, participant_id: str) -> bytes | None:
        with self.engine.connect() as c:
            row = c.execute(select(keys_table.c.wrapped_key).where(keys_table.c.participant_id == participant_id)).first()
        return None if row is None else self._unwrap(participant_id, bytes(row[0]))

    def create(self, participant_id: str) -> bytes:
        """Return the participant's key, creating it on first use."""
        existing = self.get(participant_id)
        if existing is not None:
            return existing
        key = AESGCM.generate_key(bit_length=256)
        with self.engine.begin() as c:
            c.execute(insert(keys_table).values(participant_id=participant_id, wrapped_key=self._wrap(participant_id, key)))
        return key

    def rotate(self, new_master_key: bytes) -> int:
        """Re-wrap every participant key and the key-check record with ``new_master_key``,
        in one transaction; returns how many keys. Key backups taken before then open only
        with the old master key: destroying it makes an erased person's key in an old
        backup unreadable. This object keeps the old key: build a new one afterwards.

        Raises:
            MasterKeyError: a stored key or the key-check record does not open with the
            current master key (nothing is changed).
        """
        new = AESGCM(new_master_key)
        with self.engine.begin() as c:
            rows = c.execute(select(keys_table.c.participant_id, keys_table.c.wrapped_key)).all()
            token = c.execute(select(key_check_table.c.token)).scalar()
            if token is not None:
                try:
                    self.master.decrypt(bytes(token)[:12], bytes(token)[12:], b"key-check")
                except InvalidTag as e:
                    raise MasterKeyError("Wrong master key: it does not open this database's key-check record.") from e
            for pid, blob in rows:
                key = self._unwrap(str(pid), bytes(blob))
                nonce = os.urandom(12)
                c.execute(keys_table.update().where(keys_table.c.participant_id == pid).values(
                    wrapped_key=nonce + new.encrypt(nonce, key, str(pid).encode())))
            nonce = os.urandom(12)
            c.execute(delete(key_check_table))
            c.execute(insert(key_check_table).values(id=1, token=nonce + new.encrypt(nonce, KEY_CHECK_PLAINTEXT, b"key-check")))
        return len(rows)

    def delete(self, participant_ids: set[str]) -> int:
        """Delete keys (used by a restore to drop the keys of erased participants)."""
        if not participant_ids:
            return 0
        with self.engine.begin() as c:
            r = c.execute(delete(keys_table).where(keys_table.c.participant_id.in_(sorted(participant_ids))))
        return int(r.rowcount or 0)


ERASED_TOPIC = "domain.participant:Participant.PersonalDataErased"
PERSONAL_PADDING = 256  # bytes: sealed personal fields are a multiple of this long


def notifications(recorder: ApplicationRecorder, topics: Sequence[str] = (), batch: int = 500) -> Iterator[Notification]:
    """Every notification of the log in position order (only ``topics`` when given),
    read in batches of ``batch``."""
    start: int | None = None
    while True:
        page = recorder.select_notifications(start, batch, topics=topics, inclusive_of_start=False)
        if not page:
            return
        yield from page
        start = page[-1].id


def erased_participant_ids(recorder: ApplicationRecorder) -> set[str]:
    """Ids of every participant whose ``PersonalDataErased`` event is in the log."""
    return {str(n.originator_id) for n in notifications(recorder, [ERASED_TOPIC], batch=1000)}


def drop_erased_keys(recorder: ApplicationRecorder, keys: KeyStore) -> int:
    """Delete the keys of every participant erased in the log (after a restore, so that
    no backup brings an erased person back). Returns how many keys were deleted."""
    return keys.delete(erased_participant_ids(recorder))


# ---------------------------------------------------------------------------- mapper
class PersonalDataMapper(Mapper[UUID]):
    """Stores every event with its ``class_version`` and encrypts personal fields.

    An event class with ``personal_fields`` gets those fields removed from the plain
    state and stored as ``personal``: base64 of nonce ‖ AES-GCM(participant key,
    JSON of the fields padded with spaces to a multiple of ``PERSONAL_PADDING`` bytes,
    aad = originator id and version). Reading an event whose key is gone yields
    ``None`` for each personal field, never an error.
    """

    def __init__(self, transcoder: JSONTranscoder, keys: KeyStore | None) -> None:
        super().__init__(transcoder=transcoder)
        self.keys = keys

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(domain_event.__class__)
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        state["class_version"] = getattr(type(domain_event), "class_version", 1)
        fields = getattr(type(domain_event), "personal_fields", ())
        if fields:
            if self.keys is None:
                raise MasterKeyError("Personal data cannot be stored without a master key.")
            personal = {f: state.pop(f) for f in fields}
            key = self.keys.create(str(originator_id)) if originator_version == 1 else self.keys.get(str(originator_id))
            if key is None:
                raise MasterKeyError("This participant's key is gone (erased); no personal data can be stored for them.")
            nonce = os.urandom(12)
            aad = f"{originator_id}:{originator_version}".encode()
            plain = self.transcoder.encode(personal)
            # Pad with JSON whitespace so the sealed length does not tell a name's length
            # or a gender (it stays in the log after the key is erased).
            plain += b" " * (-len(plain) % PERSONAL_PADDING)
            sealed = nonce + AESGCM(key).encrypt(nonce, plain, aad)
            state["personal"] = base64.b64encode(sealed).decode()
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=topic,
            state=self.transcoder.encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        sealed = state.pop("personal", None)
        if sealed is not None:
            state.update(self.open_personal(cls, stored_event, sealed))
        state["originator_id"] = stored_event.originator_id if isinstance(stored_event.originator_id, UUID) else UUID(str(stored_event.originator_id))
        state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return cast(DomainEventProtocol[UUID], domain_event)

    def open_personal(self, cls: type, stored_event: StoredEvent, sealed: str) -> dict[str, Any]:
        """The personal fields of an event, or ``None`` for each when the key is gone."""
        fields = getattr(cls, "personal_fields", ())
        key = self.keys.get(str(stored_event.originator_id)) if self.keys else None
        if key is None:
            return {f: None for f in fields}
        raw = base64.b64decode(sealed)
        aad = f"{stored_event.originator_id}:{stored_event.originator_version}".encode()
        try:
            values: dict[str, Any] = self.transcoder.decode(AESGCM(key).decrypt(raw[:12], raw[12:], aad))
        except InvalidTag:
            return {f: None for f in fields}
        return values
