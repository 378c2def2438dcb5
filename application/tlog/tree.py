"""RFC 9162 (Certificate Transparency 2.0, section 2.1) Merkle tree hashing and proofs, pure.

- leaf hash ``SHA-256(0x00 ‖ entry)``, interior node ``SHA-256(0x01 ‖ left ‖ right)``, the
  empty tree ``SHA-256("")``;
- a *node* ``(level, index)`` is the complete subtree of ``2**level`` leaves starting at leaf
  ``index * 2**level``; level 0 holds the leaf hashes. Only complete subtrees are stored
  (:func:`nodes_for_leaf` gives the ones that complete when a leaf is appended, about two
  per leaf), so any tree size's root and any proof cost O(log n) stored nodes, read at once.

Proof generation follows the recursive definitions of RFC 9162 2.1.3.1 (``PATH``) and
2.1.4.1 (``SUBPROOF``), arranged as in Go's ``golang.org/x/mod/sumdb/tlog`` (first list the
nodes needed, then read them in one go, then hash). Verification is the iterative algorithm
of RFC 9162 2.1.3.2 and 2.1.4.2, independent of the generating code.
No I/O here: a ``Reader`` maps the requested nodes to their hashes (a dict, or a query).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

Node = tuple[int, int]
Reader = Callable[[Sequence[Node]], Mapping[Node, bytes]]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof asked for sizes or indexes outside the tree (not a failed verification)."""


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 ‖ entry)`` (RFC 9162 2.1.1)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 ‖ left ‖ right)`` (RFC 9162 2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n`` > 1): RFC 9162's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtrees(lo: int, hi: int) -> list[Node]:
    """The complete subtrees covering leaves ``[lo, hi)`` from left to right, largest first."""
    out: list[Node] = []
    while lo < hi:
        k = 1 << ((hi - lo).bit_length() - 1)
        if lo % k:
            raise AssertionError(f"range [{lo}, {hi}) is not aligned")
        level = k.bit_length() - 1
        out.append((level, lo >> level))
        lo += k
    return out


def right_edge(size: int) -> list[Node]:
    """The complete subtrees on the right edge of the tree of ``size`` leaves, largest
    first: the nodes appending leaf ``size`` and the next ones hash with."""
    return _subtrees(0, size)


def _fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its complete subtrees' hashes (left to right)."""
    h = hashes[-1]
    for left in reversed(hashes[:-1]):
        h = node_hash(left, h)
    return h


def nodes_for_leaf(index: int, entry_hash: bytes, read: Reader) -> list[tuple[Node, bytes]]:
    """The nodes that appending leaf ``index`` with hash ``entry_hash`` stores: the leaf
    itself and every subtree it completes. ``read`` is asked for their left siblings."""
    levels = ((index + 1) & -(index + 1)).bit_length() - 1  # trailing ones of index
    siblings = [(level, (index >> level) - 1) for level in range(levels)]
    known = read(siblings) if siblings else {}
    out = [((0, index), entry_hash)]
    h = entry_hash
    for level, sibling in enumerate(siblings):
        h = node_hash(known[sibling], h)
        out.append(((level + 1, index >> (level + 1)), h))
    return out


def _read(read: Reader, needed: Sequence[Node]) -> dict[Node, bytes]:
    if not needed:
        return {}
    got = dict(read(needed))
    missing = [n for n in needed if n not in got]
    if missing:
        raise ProofError(f"nodes missing from the tree's storage: {missing[:3]}")
    return got


def root_hash(size: int, read: Reader) -> bytes:
    """The root of the tree of the first ``size`` leaves (RFC 9162 ``MTH``)."""
    if size < 0:
        raise ProofError("a tree size is never negative")
    if size == 0:
        return EMPTY_ROOT
    nodes = _subtrees(0, size)
    got = _read(read, nodes)
    return _fold([got[n] for n in nodes])


# ---------------------------------------------------------------------------- inclusion
def _path_nodes(lo: int, hi: int, m: int, out: list[list[Node]]) -> None:
    """RFC 9162 ``PATH(m, D[lo:hi])``: appends, innermost first, each sibling range's nodes."""
    if hi - lo == 1:
        return
    k = _split(hi - lo)
    if m < lo + k:
        _path_nodes(lo, lo + k, m, out)
        out.append(_subtrees(lo + k, hi))
    else:
        _path_nodes(lo + k, hi, m, out)
        out.append(_subtrees(lo, lo + k))


def inclusion_proof(index: int, size: int, read: Reader) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162 2.1.3.1).

    Raises:
        ProofError: ``index`` is not a leaf of that tree.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    groups: list[list[Node]] = []
    _path_nodes(0, size, index, groups)
    got = _read(read, [n for g in groups for n in g])
    return [_fold([got[n] for n in g]) for g in groups]


# ---------------------------------------------------------------------------- consistency
def _subproof_nodes(m: int, lo: int, hi: int, complete: bool, out: list[list[Node]]) -> None:
    """RFC 9162 ``SUBPROOF(m, D[lo:hi], b)``, as node groups, innermost first."""
    n = hi - lo
    if m == n:
        if not complete:
            out.append(_subtrees(lo, hi))
        return
    k = _split(n)
    if m <= k:
        _subproof_nodes(m, lo, lo + k, complete, out)
        out.append(_subtrees(lo + k, hi))
    else:
        _subproof_nodes(m - k, lo + k, hi, False, out)
        out.append(_subtrees(lo, lo + k))


def consistency_proof(old_size: int, new_size: int, read: Reader) -> list[bytes]:
    """The proof that the tree of ``old_size`` leaves is a prefix of that of ``new_size``
    (RFC 9162 2.1.4.1); empty when ``old_size`` is 0 or equals ``new_size``.

    Raises:
        ProofError: not ``0 <= old_size <= new_size``.
    """
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    groups: list[list[Node]] = []
    _subproof_nodes(old_size, 0, new_size, True, groups)
    got = _read(read, [n for g in groups for n in g])
    return [_fold([got[n] for n in g]) for g in groups]


# ---------------------------------------------------------------------------- verification
def root_from_inclusion(index: int, size: int, entry_hash: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2), or None when the proof has
    the wrong shape for that index and size."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, entry_hash
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(index: int, size: int, entry_hash: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether ``proof`` shows leaf ``index`` with hash ``entry_hash`` in the tree of
    ``size`` leaves whose root is ``root``."""
    return root_from_inclusion(index, size, entry_hash, proof) == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """Whether ``proof`` shows the tree (``old_size``, ``old_root``) to be a prefix of the
    tree (``new_size``, ``new_root``) (RFC 9162 2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


class Frontier:
    """The root of a growing tree from O(log n) hashes: the complete subtrees on its right
    edge (a log recomputed from its events without storing the tree)."""

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[bytes] = []  # one hash per set bit of size, largest subtree first

    def append(self, entry_hash: bytes) -> None:
        h, n = entry_hash, self.size
        while n & 1:
            h = node_hash(self.stack.pop(), h)
            n >>= 1
        self.stack.append(h)
        self.size += 1

    def root(self) -> bytes:
        return _fold(self.stack) if self.stack else EMPTY_ROOT


class MemoryTree:
    """A tree kept in a dict of nodes (tests, the standalone checks, a replayed export)."""

    def __init__(self, entries: Iterable[bytes] = ()) -> None:
        self.nodes: dict[Node, bytes] = {}
        self.size = 0
        for e in entries:
            self.append(leaf_hash(e))

    def read(self, nodes: Sequence[Node]) -> dict[Node, bytes]:
        return {n: self.nodes[n] for n in nodes if n in self.nodes}

    def append(self, entry_hash: bytes) -> int:
        """Add a leaf by its hash; returns its index."""
        index = self.size
        self.nodes.update(nodes_for_leaf(index, entry_hash, self.read))
        self.size += 1
        return index

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self.size if size is None else size, self.read)
