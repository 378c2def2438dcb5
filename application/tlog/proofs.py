"""Inclusion and consistency proofs of the transparency log, as the JSON the service serves
(``/audit/proof/inclusion``, ``/audit/proof/consistency``; ``docs/audit.md``) and as the
CLI checks them. Hashes are base64 (standard alphabet, padded), as in checkpoints.

Inclusion::

    {"index": 41, "size": 702, "position": 44, "entry": "<base64 of the leaf entry>",
     "leaf_hash": "<base64>", "proof": ["<base64>", …], "root": "<base64 of the root at size>"}

Consistency::

    {"old": 650, "new": 702, "proof": ["<base64>", …], "old_root": "…", "new_root": "…"}
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sqlalchemy import Engine, select

from application.tlog.checkpoint import TreeHead
from application.tlog.entry import EntryError, event_entry, parse_entry
from application.tlog.store import StoredTree, stored_events
from application.tlog.tree import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_inclusion,
    root_hash,
    verify_consistency,
)
from domain.errors import InvalidInputError, NotFoundError


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


def _size(tree: StoredTree, size: int | None) -> int:
    current = tree.size()
    if size is None:
        return current
    if size < 0:
        raise InvalidInputError("A tree size is never negative.", code="invalid_input", field="size")
    if size > current:
        raise NotFoundError(f"The tree has {current} leaves; there is no tree of size {size} yet.")
    return size


def leaf_of_position(engine: Engine, position: int) -> dict[str, Any]:
    """The leaf of the event at ``position``: its index, entry and leaf hash.

    Raises:
        NotFoundError: no event was stored at that position (a gap, or past the end).
    """
    tree = StoredTree(engine)
    leaf = tree.leaf_at_position(position)
    if leaf is None:
        raise NotFoundError(f"No event is stored at position {position}.")
    return {"position": position, "index": leaf.index, "leaf_hash": _b64(leaf.hash), "entry": _b64(_entry(engine, position)), "tree_size": tree.size()}


def _entry(engine: Engine, position: int) -> bytes:
    with engine.connect() as c:
        row = c.execute(select(stored_events).where(stored_events.c.id == position)).first()
    if row is None:
        raise NotFoundError(f"The event at position {position} is missing from the log (removed?).")
    return event_entry(position, str(row.originator_id), int(row.originator_version), row.topic, bytes(row.state))


def inclusion(engine: Engine, index: int, size: int | None = None) -> dict[str, Any]:
    """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves (the whole tree
    by default), with the entry it proves as the events table holds it now.

    Raises:
        InvalidInputError, NotFoundError: an index or size outside the tree.
    """
    tree = StoredTree(engine)
    n = _size(tree, size)
    if not 0 <= index < n:
        raise NotFoundError(f"Leaf {index} is not in the tree of {n} leaves.")
    leaf = tree.leaf(index)
    if leaf is None:
        raise NotFoundError(f"Leaf {index} is missing from the stored tree.")
    return {
        "index": index, "size": n, "position": leaf.position, "entry": _b64(_entry(engine, leaf.position)),
        "leaf_hash": _b64(leaf.hash), "proof": [_b64(h) for h in inclusion_proof(index, n, tree.read)],
        "root": _b64(root_hash(n, tree.read)),
    }


def consistency(engine: Engine, old: int, new: int | None = None) -> dict[str, Any]:
    """The proof that the tree of ``old`` leaves is a prefix of the tree of ``new`` leaves.

    Raises:
        InvalidInputError, NotFoundError: sizes outside the tree, or ``old`` > ``new``.
    """
    tree = StoredTree(engine)
    n = _size(tree, new)
    if not 0 <= old <= n:
        raise InvalidInputError(f"old is a tree size from 0 to {n}.", code="invalid_input", field="old")
    return {
        "old": old, "new": n, "proof": [_b64(h) for h in consistency_proof(old, n, tree.read)],
        "old_root": _b64(root_hash(old, tree.read)), "new_root": _b64(root_hash(n, tree.read)),
    }


# ---------------------------------------------------------------------------- checking
class ProofFailed(ValueError):
    """A proof that does not show what it claims."""


class MalformedProof(ValueError):
    """JSON that is not a proof of this format."""


def _hash(value: Any, what: str) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (ValueError, binascii.Error) as e:
        raise MalformedProof(f"{what} is not base64") from e
    if len(raw) != 32:
        raise MalformedProof(f"{what} is not a 32-byte hash")
    return raw


def _whole(proof: dict[str, Any], name: str) -> int:
    value = proof.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedProof(f"{name} is a whole number")
    return value


def _path(proof: dict[str, Any]) -> list[bytes]:
    path = proof.get("proof")
    if not isinstance(path, list):
        raise MalformedProof("proof is a list of base64 hashes")
    return [_hash(h, "a proof hash") for h in path]


def check_inclusion(proof: dict[str, Any], head: TreeHead) -> dict[str, str]:
    """Check an inclusion proof against a signed checkpoint; returns the proven entry's fields.

    Raises:
        MalformedProof: not a proof; ProofFailed: it does not prove inclusion in that tree.
    """
    index, size = _whole(proof, "index"), _whole(proof, "size")
    try:
        entry = base64.b64decode(str(proof.get("entry", "")), validate=True)
        fields = parse_entry(entry)
    except (ValueError, binascii.Error, EntryError) as e:
        raise MalformedProof(f"entry is not a base64 leaf entry: {e}") from e
    h = _hash(proof.get("leaf_hash"), "leaf_hash")
    if leaf_hash(entry) != h:
        raise ProofFailed("the leaf hash is not the hash of the entry")
    if size != head.size:
        raise ProofFailed(f"the proof is for a tree of {size} leaves, the checkpoint for {head.size}")
    if root_from_inclusion(index, size, h, _path(proof)) != head.root:
        raise ProofFailed(f"leaf {index} is not in the checkpoint's tree with this audit path")
    return fields


def check_consistency(proof: dict[str, Any], old: TreeHead, new: TreeHead) -> None:
    """Check that the tree of ``old`` is a prefix of the tree of ``new``.

    Raises:
        MalformedProof: not a proof; ProofFailed: the log was rewritten between them.
    """
    if (_whole(proof, "old"), _whole(proof, "new")) != (old.size, new.size):
        raise ProofFailed(f"the proof is from size {proof.get('old')} to {proof.get('new')}, the checkpoints are of {old.size} and {new.size}")
    if not verify_consistency(old.size, new.size, old.root, new.root, _path(proof)):
        raise ProofFailed(f"the tree of {old.size} leaves is not a prefix of the tree of {new.size} leaves: the log was rewritten")
