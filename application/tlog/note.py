"""Signed notes (C2SP ``signed-note``, the format of Go's ``golang.org/x/mod/sumdb/note``):
a text ending in a newline, a blank line, then signature lines ``— <name> base64(key id ‖
signature)``; Ed25519 signatures (type ``0x01``) and, for witnesses, timestamped Ed25519
cosignatures (type ``0x04``, C2SP ``tlog-cosignature``).

Key texts, as Go's ``note`` package reads and writes them:

- verifier key ``<name>+<key id, 8 hex digits>+<base64 of type ‖ 32-byte public key>``;
- signer key ``PRIVATE+KEY+<name>+<key id>+<base64 of 0x01 ‖ 32-byte Ed25519 seed>``;
- key id = the first four bytes, big-endian, of ``SHA-256(name ‖ 0x0A ‖ type ‖ public key)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100
_DASH = "— "  # U+2014 EM DASH, then a space


class NoteError(ValueError):
    """A malformed note or key text (not a signature that fails to verify)."""


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name) or not name.isprintable():
        raise NoteError(f"a key name is non-empty, without spaces or '+': {name!r}")


def key_id(name: str, kind: int, public_key: bytes) -> int:
    """``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]`` as a big-endian integer."""
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4], "big")


@dataclass(frozen=True)
class Verifier:
    """A public key that checks signatures of one name: Ed25519 (``0x01``) or a witness's
    cosignature key (``0x04``)."""

    name: str
    kind: int
    public_key: bytes

    @property
    def id(self) -> int:
        return key_id(self.name, self.kind, self.public_key)

    def text(self) -> str:
        """The verifier key text ``<name>+<key id>+<base64(type ‖ key)>``."""
        return f"{self.name}+{self.id:08x}+{base64.b64encode(bytes([self.kind]) + self.public_key).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """Read a verifier key text.

        Raises:
            NoteError: malformed, an unknown type, or a key id that does not match.
        """
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise NoteError("a verifier key is <name>+<8 hex digits>+<base64 key>")
        name, hex_id, b64 = parts
        _check_name(name)
        try:
            raw = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error) as e:
            raise NoteError("the key of a verifier key is base64") from e
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("a verifier key holds type 0x01 or 0x04 and a 32-byte Ed25519 key")
        v = cls(name, raw[0], raw[1:])
        if v.id != int(hex_id, 16):
            raise NoteError("the verifier key's id does not match its name and key")
        return v


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key with its name (the log's origin, or a witness's name)."""

    name: str
    key: Ed25519PrivateKey = field(repr=False)
    kind: int = ED25519

    @property
    def public_key(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.kind, self.public_key)

    def text(self) -> str:
        """The signer key text ``PRIVATE+KEY+<name>+<key id>+<base64(type ‖ seed)>``."""
        seed = self.key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id:08x}+{base64.b64encode(bytes([self.kind]) + seed).decode()}"

    @classmethod
    def generate(cls, name: str, kind: int = ED25519) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.generate(), kind)

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Read a signer key text.

        Raises:
            NoteError: malformed, an unknown type, or a key id that does not match.
        """
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not re.fullmatch(r"[0-9a-f]{8}", parts[3]):
            raise NoteError("a signer key is PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>")
        name = parts[2]
        _check_name(name)
        try:
            raw = base64.b64decode(parts[4], validate=True)
        except (ValueError, binascii.Error) as e:
            raise NoteError("the key of a signer key is base64") from e
        if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("a signer key holds type 0x01 or 0x04 and a 32-byte Ed25519 seed")
        s = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]), raw[0])
        if s.verifier.id != int(parts[3], 16):
            raise NoteError("the signer key's id does not match its name and key")
        return s


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key id and the signature bytes after the id."""

    name: str
    id: int
    signature: bytes

    def line(self) -> str:
        return f"{_DASH}{self.name} {base64.b64encode(struct.pack('>I', self.id) + self.signature).decode()}\n"


@dataclass(frozen=True)
class Note:
    """A note's text (ending with a newline) and its signature lines, in order."""

    text: str
    signatures: tuple[Signature, ...] = ()

    def to_text(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def signed_by(self, verifier: Verifier) -> list[Signature]:
        """The signatures whose name and key id are the verifier's (verified or not)."""
        return [s for s in self.signatures if s.name == verifier.name and s.id == verifier.id]

    def with_signature(self, signature: Signature) -> Note:
        """The note with ``signature`` added, replacing one of the same name and key id."""
        kept = tuple(s for s in self.signatures if (s.name, s.id) != (signature.name, signature.id))
        return Note(self.text, (*kept, signature))


def parse_note(data: str | bytes) -> Note:
    """Split a signed note into its text and signature lines (nothing verified).

    Raises:
        NoteError: not a signed note (text ending in a newline, a blank line, one or more
        signature lines, UTF-8 without control characters but newlines).
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise NoteError("a note is UTF-8") from e
    if any(ord(c) < 0x20 and c != "\n" for c in data):
        raise NoteError("a note holds no control characters but newlines")
    split = data.rfind("\n\n")
    if split < 0 or not data.endswith("\n"):
        raise NoteError("a note is a text, a blank line and signature lines")
    text, lines = data[:split + 1], data[split + 2:].split("\n")[:-1]
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError("a note has between 1 and 100 signature lines")
    signatures = []
    for line in lines:
        if not line.startswith(_DASH):
            raise NoteError("a signature line starts with an em dash and a space")
        name, _, b64 = line[len(_DASH):].partition(" ")
        _check_name(name)
        try:
            raw = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error) as e:
            raise NoteError("a signature is base64") from e
        if len(raw) < 5:
            raise NoteError("a signature is a key id and signature bytes")
        signatures.append(Signature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return Note(text, tuple(signatures))


def sign(text: str, signer: Signer) -> Signature:
    """The Ed25519 signature line of ``text`` (which must end with a newline)."""
    if not text.endswith("\n") or text.endswith("\n\n"):
        raise NoteError("a note's text ends with exactly one newline")
    return Signature(signer.name, signer.verifier.id, signer.key.sign(text.encode()))


def verify(note: Note, verifier: Verifier) -> bool:
    """Whether ``note`` carries a valid Ed25519 signature of ``verifier`` (and no invalid one)."""
    mine = note.signed_by(verifier)
    return bool(mine) and all(verifier.verify(note.text.encode(), s.signature) for s in mine)
