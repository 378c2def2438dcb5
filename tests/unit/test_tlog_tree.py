"""The transparency log's Merkle tree (``application/tlog/tree.py``, RFC 9162 section 2.1).

Known answers:

- the reference test vectors of Certificate Transparency (RFC 6962's reference
  implementation, ``merkle_tree_test``; the same values in Trillian's ``merkle`` tests):
  eight leaves, the root of every prefix, inclusion and consistency proofs;
- Go's ``golang.org/x/mod/sumdb/tlog`` tests (``note_test.go``: the record hash of
  ``"hello world"``; ``tlog_test.go``: every record proof and every tree proof of a
  100-leaf tree of ``"leaf %d"`` records, each failing once any proof hash is corrupted).

And a tree built independently here, straight from RFC 9162's recursive definitions of
``MTH``, ``PATH`` and ``PROOF``: every leaf of a 1,000-leaf tree and every pair of sizes of
a 200-leaf tree give the same proofs, and they verify.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import lru_cache

import pytest

from application.tlog.tree import (
    EMPTY_ROOT,
    MemoryTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)

CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]
# (leaf index, tree size, audit path)
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
# (old size, new size, consistency proof)
CT_CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def hexes(proof: Sequence[bytes]) -> list[str]:
    return [h.hex() for h in proof]


# ---------------------------------------------------------------------------- the independent tree
class ReferenceTree:
    """RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 as written: recursion over the list of leaves."""

    def __init__(self, entries: Sequence[bytes]) -> None:
        self.leaves = [hashlib.sha256(b"\x00" + e).digest() for e in entries]
        self.mth = lru_cache(maxsize=None)(self._mth)

    @staticmethod
    def k(n: int) -> int:
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def _mth(self, lo: int, hi: int) -> bytes:
        if hi == lo:
            return hashlib.sha256(b"").digest()
        if hi - lo == 1:
            return self.leaves[lo]
        k = self.k(hi - lo)
        return hashlib.sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi)).digest()

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = self.k(hi - lo)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, b: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = self.k(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]


def entries(n: int) -> list[bytes]:
    return [f"leaf {i}".encode() for i in range(n)]


@pytest.fixture(scope="module")
def tree_1000() -> tuple[MemoryTree, ReferenceTree]:
    es = entries(1000)
    return MemoryTree(es), ReferenceTree(es)


@pytest.fixture(scope="module")
def tree_200() -> tuple[MemoryTree, ReferenceTree]:
    es = entries(200)
    return MemoryTree(es), ReferenceTree(es)


# ---------------------------------------------------------------------------- Certificate Transparency vectors
def test_empty_tree_root_is_the_hash_of_nothing() -> None:
    assert MemoryTree().root() == EMPTY_ROOT == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_reference_leaves(size: int) -> None:
    assert MemoryTree(CT_LEAVES[:size]).root() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_of_the_reference_tree(index: int, size: int, path: list[str]) -> None:
    tree = MemoryTree(CT_LEAVES[:size])
    proof = inclusion_proof(index, size, tree.read)
    assert hexes(proof) == path
    assert verify_inclusion(index, size, leaf_hash(CT_LEAVES[index]), proof, CT_ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_proofs_of_the_reference_tree(old: int, new: int, path: list[str]) -> None:
    tree = MemoryTree(CT_LEAVES[:new])
    proof = consistency_proof(old, new, tree.read)
    assert hexes(proof) == path
    assert verify_consistency(old, new, CT_ROOTS[old - 1], CT_ROOTS[new - 1], proof)


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_fails_for_another_index_size_leaf_or_a_changed_path(index: int, size: int, path: list[str]) -> None:
    proof = [bytes.fromhex(h) for h in path]
    h, root = leaf_hash(CT_LEAVES[index]), CT_ROOTS[size - 1]
    assert not verify_inclusion(index - 1, size, h, proof, root)
    assert not verify_inclusion(index + 1, size, h, proof, root)
    assert not verify_inclusion(index ^ 2, size, h, proof, root)
    assert not verify_inclusion(index, size * 2, h, proof, root)
    assert not verify_inclusion(index, size // 2, h, proof, root)
    assert not verify_inclusion(index, size, leaf_hash(b"WrongLeaf"), proof, root)
    assert not verify_inclusion(index, size, h, proof, EMPTY_ROOT)
    assert not verify_inclusion(index, size, h, [*proof, root], root)
    assert not verify_inclusion(index, size, h, proof[:-1], root)
    assert not verify_inclusion(index, size, h, [root, *proof], root)
    for i in range(len(proof)):
        assert not verify_inclusion(index, size, h, [*proof[:i], EMPTY_ROOT, *proof[i + 1:]], root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_fails_for_other_sizes_roots_or_a_changed_path(old: int, new: int, path: list[str]) -> None:
    proof = [bytes.fromhex(h) for h in path]
    r1, r2 = CT_ROOTS[old - 1], CT_ROOTS[new - 1]
    assert not verify_consistency(old - 1, new, r1, r2, proof)
    assert not verify_consistency(old + 1, new, r1, r2, proof)
    assert not verify_consistency(old, new * 2, r1, r2, proof)
    assert not verify_consistency(old, new, r2, r1, proof)
    assert not verify_consistency(old, new, b"WrongRoot", r2, proof)
    assert not verify_consistency(old, new, r1, b"WrongRoot", proof)
    assert not verify_consistency(old, new, r1, r2, [])
    assert not verify_consistency(old, new, r1, r2, [*proof, r1])
    assert not verify_consistency(old, new, r1, r2, proof[:-1])
    assert not verify_consistency(old, new, r1, r2, [proof[0], *proof])
    for i in range(len(proof)):
        assert not verify_consistency(old, new, r1, r2, [*proof[:i], EMPTY_ROOT, *proof[i + 1:]])


def test_trivial_consistency_needs_an_empty_proof_and_equal_roots() -> None:
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, CT_ROOTS[4], [])
    assert verify_consistency(3, 3, CT_ROOTS[2], CT_ROOTS[2], [])
    assert not verify_consistency(3, 3, CT_ROOTS[2], CT_ROOTS[3], [])
    assert not verify_consistency(3, 3, CT_ROOTS[2], CT_ROOTS[2], [CT_ROOTS[2]])
    assert not verify_consistency(2, 1, CT_ROOTS[1], CT_ROOTS[0], [])


def test_proofs_outside_the_tree_are_refused() -> None:
    tree = MemoryTree(CT_LEAVES)
    with pytest.raises(ProofError):
        inclusion_proof(8, 8, tree.read)
    with pytest.raises(ProofError):
        inclusion_proof(-1, 8, tree.read)
    with pytest.raises(ProofError):
        consistency_proof(5, 4, tree.read)
    with pytest.raises(ProofError):
        inclusion_proof(0, 9, tree.read)  # a size the storage does not hold
    assert root_from_inclusion(0, 0, leaf_hash(b""), []) is None


# ---------------------------------------------------------------------------- Go's sumdb tlog tests
def test_record_hash_of_hello_world_as_in_gos_sumdb() -> None:
    assert base64.b64encode(leaf_hash(b"hello world")).decode() == "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="


def test_every_record_and_tree_proof_of_100_leaves_as_in_gos_sumdb() -> None:
    tree = MemoryTree()
    roots: list[bytes] = []
    hashes = [leaf_hash(e) for e in entries(100)]
    for i, h in enumerate(hashes):
        tree.append(h)
        size = i + 1
        roots.append(tree.root())
        assert len(tree.nodes) == 2 * size - bin(size).count("1")  # Go's StoredHashCount
        for j in range(size):
            p = inclusion_proof(j, size, tree.read)
            assert verify_inclusion(j, size, hashes[j], p, roots[i])
            for k in range(len(p)):
                corrupt = [*p[:k], bytes([p[k][0] ^ 1]) + p[k][1:], *p[k + 1:]]
                assert not verify_inclusion(j, size, hashes[j], corrupt, roots[i])
        for j in range(1, size + 1):
            assert tree.root(j) == roots[j - 1]
            p = consistency_proof(j, size, tree.read)
            assert verify_consistency(j, size, roots[j - 1], roots[i], p)
            for k in range(len(p)):
                corrupt = [*p[:k], bytes([p[k][0] ^ 1]) + p[k][1:], *p[k + 1:]]
                assert not verify_consistency(j, size, roots[j - 1], roots[i], corrupt)


# ---------------------------------------------------------------------------- against the independent tree
def test_every_leaf_of_1000_has_the_reference_audit_path(tree_1000: tuple[MemoryTree, ReferenceTree]) -> None:
    tree, ref = tree_1000
    root = ref.mth(0, 1000)
    assert tree.root() == root
    for m in range(1000):
        proof = inclusion_proof(m, 1000, tree.read)
        assert proof == ref.path(m, 0, 1000), m
        assert verify_inclusion(m, 1000, ref.leaves[m], proof, root), m


def test_every_pair_of_sizes_of_200_has_the_reference_consistency_proof(tree_200: tuple[MemoryTree, ReferenceTree]) -> None:
    tree, ref = tree_200
    for new in range(1, 201):
        new_root = ref.mth(0, new)
        assert tree.root(new) == new_root
        for old in range(1, new + 1):
            proof = consistency_proof(old, new, tree.read)
            expected = [] if old == new else ref.subproof(old, 0, new, True)
            assert proof == expected, (old, new)
            assert verify_consistency(old, new, ref.mth(0, old), new_root, proof), (old, new)
