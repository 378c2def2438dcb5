"""The master key and the participants' key store: each participant's data key, wrapped
(AES-GCM) by a master key given by configuration (never stored in the database), in
``dialogue_participant_keys``; ``dialogue_key_check`` proves the configured master key is
the one the database was set up with (``docs/privacy.md``).
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Engine, delete, insert, select

from application.files import open_to_others
from application.tables import key_check_table, keys_table


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


def read_master_key_file(path: Path) -> bytes:
    """The master key kept in ``path``, a file only its owner may read.

    Raises:
        MasterKeyError: the file is missing (a database never set up: ``dialogue db init``
        creates a local one), unreadable, open to the group or other users, or malformed.
    """
    try:
        loose = open_to_others(path)
        raw = path.read_text("utf-8")
    except FileNotFoundError as e:
        raise MasterKeyError(
            f"Cannot read the master key file: {path.name} does not exist. Run `dialogue db init` to set up a new "
            "database and its key, or point DIALOGUE_MASTER_KEY_FILE at the key of this database."
        ) from e
    except OSError as e:
        raise MasterKeyError(f"Cannot read the master key file: {e.strerror}.") from e
    if loose:
        raise MasterKeyError(
            f"The master key file {path.name} can be read by other users (mode {stat.S_IMODE(path.stat().st_mode):o}): "
            "run `chmod 600` on it (and keep it from anyone else)."
        )
    return parse_master_key(raw)


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class KeyStore:
    """Per-person data keys, wrapped (AES-GCM) by the master key, in their own table.

    A key's owner is a participant id, or the id of a staff account (which has personal
    data of its own: an e-mail address). Keys derived from the master key for other
    purposes (:meth:`derive`) change with it: ``rotation_hooks`` are called inside
    :meth:`rotate`'s transaction with ``(connection, old store, new store)`` so that what
    was computed with a derived key (the e-mail blind index) is computed again.
    """

    def __init__(self, engine: Engine, master_key: bytes) -> None:
        self.engine = engine
        self.master = AESGCM(master_key)
        self._master_key = master_key
        self.rotation_hooks: list[Callable[[Connection, KeyStore, KeyStore], None]] = []

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for ``purpose`` (e.g. ``email-blind-index``), derived from the
        master key with HKDF-SHA256; never stored."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"dialogue-service", info=purpose.encode())
        return hkdf.derive(self._master_key)

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

    def holds(self, participant_id: str, connection: Connection | None = None) -> bool:
        """Whether a key for ``participant_id`` is stored (one lookup of the primary key,
        nothing unwrapped; in ``connection`` when given)."""
        query = select(keys_table.c.participant_id).where(keys_table.c.participant_id == participant_id)
        if connection is not None:
            return connection.execute(query).first() is not None
        with self.engine.connect() as c:
            return c.execute(query).first() is not None

    def get(self, participant_id: str) -> bytes | None:
        with self.engine.connect() as c:
            row = c.execute(select(keys_table.c.wrapped_key).where(keys_table.c.participant_id == participant_id)).first()
        return None if row is None else self._unwrap(participant_id, bytes(row[0]))

    def create(self, participant_id: str, connection: Connection | None = None) -> bytes:
        """Return the person's key, creating it on first use (in ``connection``'s
        transaction when given)."""
        existing = self.get(participant_id) if connection is None else self.get_in(connection, participant_id)
        if existing is not None:
            return existing
        key = AESGCM.generate_key(bit_length=256)
        row = {"participant_id": participant_id, "wrapped_key": self._wrap(participant_id, key)}
        if connection is not None:
            connection.execute(insert(keys_table).values(**row))
        else:
            with self.engine.begin() as c:
                c.execute(insert(keys_table).values(**row))
        return key

    def get_in(self, connection: Connection, participant_id: str) -> bytes | None:
        """:meth:`get` inside an open transaction."""
        row = connection.execute(select(keys_table.c.wrapped_key).where(keys_table.c.participant_id == participant_id)).first()
        return None if row is None else self._unwrap(participant_id, bytes(row[0]))

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
            successor = KeyStore(self.engine, new_master_key)
            for hook in self.rotation_hooks:
                hook(c, self, successor)
        return len(rows)

    def delete(self, participant_ids: set[str]) -> int:
        """Delete keys (used by a restore to drop the keys of erased participants)."""
        if not participant_ids:
            return 0
        with self.engine.begin() as c:
            r = c.execute(delete(keys_table).where(keys_table.c.participant_id.in_(sorted(participant_ids))))
        return int(r.rowcount or 0)
