"""The global hash chain over stored events, in notification order.

``h(n) = SHA-256(h(n-1) ‖ position ‖ len‖originator_id ‖ len‖version ‖ len‖topic ‖ len‖state)``
with ``h(0)`` 32 zero bytes, ``position`` an 8-byte big-endian unsigned integer, each
``len`` a 4-byte big-endian length of the bytes that follow, the originator id its
canonical text form (``str(UUID)``) in UTF-8, the version its decimal digits in ASCII,
the topic in UTF-8 and the state the exact stored bytes (so verifying needs no keys).
Positions may have gaps (PostgreSQL skips ids after a failed save). ``docs/audit.md``
documents the format; ``tools/verify_export.py`` re-implements it with the standard
library only.
"""

from __future__ import annotations

import hashlib
import struct

GENESIS = bytes(32)


def _lp(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def link(previous: bytes, position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The chain hash of one stored event given the previous hash (32 bytes → 32 bytes)."""
    h = hashlib.sha256()
    h.update(previous)
    h.update(struct.pack(">Q", position))
    h.update(_lp(originator_id.encode("utf-8")))
    h.update(_lp(str(version).encode("ascii")))
    h.update(_lp(topic.encode("utf-8")))
    h.update(_lp(state))
    return h.digest()
