"""Helpers the account modules share: e-mail addresses, their blind index, sealing a
personal value with its owner's key, digests and UTC instants."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import InvalidInputError

MAX_EMAIL = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SEAL_PADDING = 64  # bytes: a sealed value's length tells its length only to this step


def utc_now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """An instant read back from the database as UTC (SQLite returns naive datetimes)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def normalise_email(email: str) -> str:
    """The address as compared: trimmed, Unicode NFKC, case-folded (``Ana@Example.org`` and
    ``ana@example.org`` are one address; dots and ``+`` tags are kept: providers differ).

    Raises:
        InvalidInputError: ``invalid_email`` (``field`` ``email``).
    """
    folded = unicodedata.normalize("NFKC", email or "").strip().casefold()
    if len(folded) > MAX_EMAIL or not _EMAIL.match(folded):
        raise InvalidInputError("This is not an e-mail address.", code="invalid_email", field="email")
    return folded


def blind_index(key: bytes, email: str) -> str:
    """The keyed HMAC-SHA256 (hex) of a normalised address: finds an account by address
    without storing the address in clear. ``key`` is derived from the master key."""
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def keyed_digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def seal(key: bytes, plaintext: str, aad: str) -> bytes:
    """``nonce ‖ AES-GCM(key, plaintext padded with spaces to a multiple of 64 bytes)``."""
    raw = plaintext.encode()
    raw += b" " * (-len(raw) % SEAL_PADDING)
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, raw, aad.encode())


def unseal(key: bytes | None, sealed: bytes | None, aad: str) -> str | None:
    """The value sealed by :func:`seal`, or None when the key is gone or it does not open."""
    if key is None or not sealed:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad.encode()).decode().rstrip(" ")
    except (InvalidTag, ValueError):
        return None
