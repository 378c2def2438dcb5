"""The standalone verifier's own transparency-log code (``tools/verify_export.py``, standard
library only) gives the same answers as the service's: the Certificate Transparency
reference vectors, Go's sumdb note keys, the leaf entry, and a checkpoint signed by the
service read back and checked."""

from __future__ import annotations

import base64
from pathlib import Path

from application.tlog.checkpoint import TreeHead
from application.tlog.entry import event_entry
from application.tlog.note import Note, Signer, sign
from application.tlog.tree import MemoryTree, consistency_proof, inclusion_proof, leaf_hash
from tests.unit.test_audit_ed25519 import verify_export
from tests.unit.test_tlog_note import PETER_VKEY
from tests.unit.test_tlog_tree import CT_CONSISTENCY, CT_INCLUSION, CT_LEAVES, CT_ROOTS


def test_the_frontier_gives_the_reference_roots() -> None:
    f = verify_export.Frontier()
    for size, leaf in enumerate(CT_LEAVES, start=1):
        f.append(verify_export.leaf_hash(leaf))
        assert f.root() == CT_ROOTS[size - 1]


def test_the_reference_proofs_verify_and_changed_ones_do_not() -> None:
    for index, size, path in CT_INCLUSION:
        proof = [bytes.fromhex(h) for h in path]
        assert verify_export.root_from_inclusion(index, size, leaf_hash(CT_LEAVES[index]), proof) == CT_ROOTS[size - 1]
        assert verify_export.root_from_inclusion(index, size, leaf_hash(b"other"), proof) != CT_ROOTS[size - 1]
    for old, new, path in CT_CONSISTENCY:
        proof = [bytes.fromhex(h) for h in path]
        assert verify_export.consistent(old, new, CT_ROOTS[old - 1], CT_ROOTS[new - 1], proof)
        assert not verify_export.consistent(old, new, CT_ROOTS[old], CT_ROOTS[new - 1], proof)


def test_every_proof_of_a_100_leaf_tree_checks_in_the_standalone_verifier() -> None:
    tree = MemoryTree([f"leaf {i}".encode() for i in range(100)])
    for size in range(1, 101):
        root = tree.root(size)
        for m in range(size):
            assert verify_export.root_from_inclusion(m, size, tree.nodes[(0, m)], inclusion_proof(m, size, tree.read)) == root
        for old in range(1, size + 1):
            assert verify_export.consistent(old, size, tree.root(old), root, consistency_proof(old, size, tree.read))


def test_the_entry_is_the_services_entry() -> None:
    args = (702, "3e99be5b-94f2-5568-869f-e74af3040a04", 3, "domain.proposal:Proposal.Drafted", b'{"x":1}')
    assert verify_export.event_entry(*args) == event_entry(*args)


def test_gos_verifier_key_reads_and_a_mangled_one_does_not() -> None:
    key = verify_export.parse_verifier_key(PETER_VKEY)
    assert key is not None and (key.name, key.key_id) == ("PeterNeumann", 0xC74F20A3)
    assert verify_export.parse_verifier_key(PETER_VKEY.replace("ARpc", "ARpd")) is None


def test_a_checkpoint_signed_by_the_service_is_read_and_checked(tmp_path: Path) -> None:
    signer = Signer.generate("dialogue.example.org/gcm-lac")
    head = TreeHead(signer.name, 8, CT_ROOTS[7])
    (tmp_path / "cp").write_text(Note(head.body(), (sign(head.body(), signer),)).to_text(), "utf-8")
    (tmp_path / "cp-forged").write_text(Note(head.body().replace("\n8\n", "\n7\n"), (sign(head.body(), signer),)).to_text(), "utf-8")
    key = verify_export.parse_verifier_key(signer.verifier.text())

    cp = verify_export.read_checkpoint(str(tmp_path / "cp"), [key])
    forged = verify_export.read_checkpoint(str(tmp_path / "cp-forged"), [key])

    assert (cp.origin, cp.size, cp.root, cp.signed) == (signer.name, 8, CT_ROOTS[7], True)
    assert forged.signed is False


def test_an_inclusion_proof_checks_its_entry_against_its_leaf_hash() -> None:
    signer = Signer.generate("o.example/log")
    tree = MemoryTree(CT_LEAVES)
    cp = verify_export.TreeCheckpoint("cp", signer.name, 8, tree.root(), True)
    proof = {"index": 5, "size": 8, "entry": base64.b64encode(CT_LEAVES[5]).decode(), "leaf_hash": base64.b64encode(leaf_hash(CT_LEAVES[5])).decode(),
             "proof": [base64.b64encode(h).decode() for h in inclusion_proof(5, 8, tree.read)]}
    assert verify_export.check_inclusion(proof, [cp]).startswith("leaf 5 is in the tree of 8 leaves")
    other = dict(proof, entry=base64.b64encode(b"another entry").decode())
    try:
        verify_export.check_inclusion(other, [cp])
        raise AssertionError("an entry that is not the leaf's was accepted")
    except ValueError as e:
        assert "not the hash of the entry" in str(e)
