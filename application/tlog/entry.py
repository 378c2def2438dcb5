"""The canonical leaf entry of one stored event (``docs/audit.md``, "The transparency log").

One leaf per stored event, in notification order; the leaf's *entry* is this UTF-8 text,
six lines each ending with ``\\n``::

    dialogue-event/1
    position: 702
    aggregate: 3e99be5b-94f2-5568-869f-e74af3040a04
    version: 3
    topic: domain.proposal:Proposal.Drafted
    data-sha256: <64 lowercase hex digits of SHA-256 of the exact stored state bytes>

so that anyone holding an event (``data_base64`` of the export) can rebuild its entry, and
its leaf hash is ``SHA-256(0x00 ‖ entry)`` (:func:`application.tlog.tree.leaf_hash`).
"""

from __future__ import annotations

import hashlib
import re

ENTRY_FORMAT = "dialogue-event/1"
_FIELDS = ("position", "aggregate", "version", "topic", "data-sha256")


class EntryError(ValueError):
    """Text that is not a leaf entry of this format."""


def event_entry(position: int, originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """The entry of one stored event (position, aggregate id, version, topic, stored bytes)."""
    if any(c in topic for c in "\r\n") or any(c in originator_id for c in "\r\n"):
        raise EntryError("a topic or aggregate id never holds a line break")
    return (
        f"{ENTRY_FORMAT}\nposition: {position}\naggregate: {originator_id}\nversion: {version}\n"
        f"topic: {topic}\ndata-sha256: {hashlib.sha256(state).hexdigest()}\n"
    ).encode()


def parse_entry(entry: bytes) -> dict[str, str]:
    """The named fields of an entry (``position``, ``aggregate``, ``version``, ``topic``,
    ``data-sha256``), exactly as written by :func:`event_entry`.

    Raises:
        EntryError: anything else.
    """
    try:
        text = entry.decode("utf-8")
    except UnicodeDecodeError as e:
        raise EntryError("an entry is UTF-8 text") from e
    lines = text.split("\n")
    if len(lines) != len(_FIELDS) + 2 or lines[0] != ENTRY_FORMAT or lines[-1] != "":
        raise EntryError(f"an entry is {len(_FIELDS) + 1} lines starting with {ENTRY_FORMAT!r}")
    out: dict[str, str] = {}
    for name, line in zip(_FIELDS, lines[1:-1], strict=True):
        prefix = f"{name}: "
        if not line.startswith(prefix):
            raise EntryError(f"expected the line {name!r}")
        out[name] = line[len(prefix):]
    if not re.fullmatch(r"[0-9]+", out["position"]) or not re.fullmatch(r"[0-9]+", out["version"]):
        raise EntryError("position and version are decimal digits")
    if not re.fullmatch(r"[0-9a-f]{64}", out["data-sha256"]):
        raise EntryError("data-sha256 is 64 lowercase hex digits")
    return out
