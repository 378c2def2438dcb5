"""Key files of the transparency log: ``KEY_FILE`` holds the signer key text (mode 0600 from
its creation), ``KEY_FILE.pub`` the verifier key text (C2SP ``signed-note`` key forms, as
Go's ``note`` package writes them). A key file is never overwritten."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from application.tlog.note import COSIGNATURE_V1, ED25519, NoteError, Signer, Verifier


class KeyFileError(ValueError):
    """A key file that cannot be written or read."""


def _create(path: Path, text: str, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as e:
        raise KeyFileError(f"{path.name} exists; a key is never overwritten") from e
    except OSError as e:
        raise KeyFileError(f"cannot create {path.name}: {e.strerror}") from e
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text)


def write_key_pair(path: Path, name: str, kind: int = ED25519) -> Signer:
    """Create a key named ``name``: ``path`` (signer key, 0600) and ``path.pub`` (verifier key).

    Raises:
        KeyFileError: a file exists or cannot be created; NoteError: a bad name.
    """
    pub = path.with_name(path.name + ".pub")
    if pub.exists():
        raise KeyFileError(f"{pub.name} exists; a key is never overwritten")
    signer = Signer.generate(name, kind)
    _create(path, signer.text() + "\n", 0o600)
    _create(pub, signer.verifier.text() + "\n", 0o644)
    return signer


def read_signer(path: Path, *, name: str | None = None, kind: int = ED25519) -> Signer:
    """A signer key file; an Ed25519 PEM private key of earlier releases is read too, named
    ``name``.

    Raises:
        KeyFileError: unreadable, not a key, or of another kind than ``kind``.
    """
    try:
        data = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"cannot read the signing key {path.name}: {e}") from e
    if data.startswith("-----BEGIN") and name:
        try:
            key = serialization.load_pem_private_key(data.encode(), password=None)
        except (ValueError, TypeError) as e:
            raise KeyFileError(f"{path.name} is not a key") from e
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyFileError(f"{path.name} is not an Ed25519 key")
        return Signer(name, key, kind)
    try:
        signer = Signer.parse(data)
    except NoteError as e:
        raise KeyFileError(f"{path.name} is not a signer key: {e}") from e
    if signer.kind != kind:
        raise KeyFileError(f"{path.name} is a {'witness' if signer.kind == COSIGNATURE_V1 else 'log'} key, not the key asked for")
    return signer


def read_verifier(path: Path) -> Verifier:
    """A verifier key file (``<name>+<key id>+<base64 key>``).

    Raises:
        KeyFileError: unreadable or not a verifier key.
    """
    try:
        return Verifier.parse(path.read_text("ascii"))
    except (OSError, UnicodeDecodeError, NoteError) as e:
        raise KeyFileError(f"{path.name} is not a verifier key: {e}") from e
