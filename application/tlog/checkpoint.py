"""Checkpoints of the transparency log (C2SP ``tlog-checkpoint``): a signed note whose text
is the log's origin, its tree size and its base64 root hash, one per line::

    dialogue.example.org/gcm-lac
    702
    Z3t0mVyIb1J2kq3o5+…=

    — dialogue.example.org/gcm-lac <base64 of key id ‖ Ed25519 signature>

They are signed and kept by :mod:`application.tlog.signing`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from application.tlog.note import Note, NoteError, Verifier, parse_note, verify


class CheckpointFormatError(NoteError):
    """A note that is not a checkpoint."""


@dataclass(frozen=True)
class TreeHead:
    """What a checkpoint states: the log's origin, its tree size and root hash."""

    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> TreeHead:
        """Read a checkpoint's note text (extension lines are allowed and ignored).

        Raises:
            CheckpointFormatError: not origin, size and root hash lines.
        """
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not ln for ln in lines[:-1]):
            raise CheckpointFormatError("a checkpoint is at least three non-empty lines")
        origin, size, root = lines[0], lines[1], lines[2]
        if not re.fullmatch(r"0|[1-9][0-9]*", size):
            raise CheckpointFormatError("a checkpoint's tree size is a decimal number without leading zeros")
        try:
            raw = base64.b64decode(root, validate=True)
        except (ValueError, binascii.Error) as e:
            raise CheckpointFormatError("a checkpoint's root hash is base64") from e
        if len(raw) != 32:
            raise CheckpointFormatError("a checkpoint's root hash is 32 bytes")
        return cls(origin, int(size), raw)


def open_checkpoint(text: str | bytes, verifier: Verifier) -> tuple[TreeHead, Note]:
    """A checkpoint signed by ``verifier`` for its own origin.

    Raises:
        NoteError: malformed, not signed by that key, or for another origin.
    """
    note = parse_note(text)
    if not verify(note, verifier):
        raise NoteError(f"the checkpoint is not signed by {verifier.name}+{verifier.id:08x}")
    head = TreeHead.parse(note.text)
    if head.origin != verifier.name:
        raise NoteError(f"the checkpoint's origin {head.origin!r} is not the key's name {verifier.name!r}")
    return head, note
