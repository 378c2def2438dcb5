"""Witness cosignatures (``application/tlog/witness.py``, C2SP ``tlog-cosignature``)."""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

from application.tlog.checkpoint import TreeHead
from application.tlog.note import COSIGNATURE_V1, Note, Signer, parse_note, sign
from application.tlog.tree import MemoryTree, consistency_proof
from application.tlog.witness import (
    WitnessConflict,
    WitnessRefusal,
    cosign,
    cosigned_at,
    witness_sign,
)

# The example of the C2SP tlog-cosignature specification: its witness line carries the key
# id, then the timestamp of its "time 1679315147" line.
C2SP_COSIGNED = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
LOG = Signer.generate("dialogue.example.org/gcm-lac")
WITNESS = Signer.generate("cepal.example.org/witness", COSIGNATURE_V1)
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


def checkpoint(tree: MemoryTree, size: int, signer: Signer = LOG) -> str:
    head = TreeHead(signer.name, size, tree.root(size))
    return Note(head.body(), (sign(head.body(), signer),)).to_text()


def test_the_c2sp_example_cosignature_carries_its_timestamp() -> None:
    line = parse_note(C2SP_COSIGNED).signatures[1]
    assert line.name == "witness.example.com/w1"
    assert len(line.signature) == 8 + 64
    assert struct.unpack(">Q", line.signature[:8])[0] == 1679315147


def test_a_cosignature_verifies_with_the_witness_key_and_not_over_another_checkpoint() -> None:
    tree = MemoryTree([b"a", b"b", b"c"])
    note = parse_note(checkpoint(tree, 3))
    other = parse_note(checkpoint(tree, 2))
    line = cosign(note, WITNESS, 1774872000)

    assert line.signature[:8] == struct.pack(">Q", 1774872000)
    assert cosigned_at(note.with_signature(line), WITNESS.verifier) == datetime.fromtimestamp(1774872000, UTC)
    assert cosigned_at(Note(other.text, (line,)), WITNESS.verifier) is None
    assert base64.b64decode(line.line().split()[-1])[:4] == WITNESS.verifier.id.to_bytes(4, "big")


def test_a_witness_cosigns_a_first_checkpoint_then_only_consistent_larger_ones(tmp_path: Path) -> None:
    tree = MemoryTree([f"e{i}".encode() for i in range(9)])
    state = tmp_path / "w.state"
    witness_sign(checkpoint(tree, 5), LOG.verifier, WITNESS, state, now=NOW)

    with pytest.raises(WitnessRefusal, match="consistency proof from size 5 to 9 is needed"):
        witness_sign(checkpoint(tree, 9), LOG.verifier, WITNESS, state, now=NOW)
    proof = {"old": 5, "new": 9, "proof": [base64.b64encode(h).decode() for h in consistency_proof(5, 9, tree.read)]}
    cosigned = witness_sign(checkpoint(tree, 9), LOG.verifier, WITNESS, state, proof, now=NOW)

    assert cosigned_at(parse_note(cosigned), WITNESS.verifier) == NOW
    with pytest.raises(WitnessRefusal, match="already co-signed a tree of 9"):
        witness_sign(checkpoint(tree, 7), LOG.verifier, WITNESS, state, now=NOW)


def test_a_rewritten_log_gets_no_cosignature(tmp_path: Path) -> None:
    tree = MemoryTree([f"e{i}".encode() for i in range(6)])
    rewritten = MemoryTree([b"E0", *(f"e{i}".encode() for i in range(1, 9))])
    state = tmp_path / "w.state"
    witness_sign(checkpoint(tree, 6), LOG.verifier, WITNESS, state, now=NOW)
    proof = {"old": 6, "new": 9, "proof": [base64.b64encode(h).decode() for h in consistency_proof(6, 9, rewritten.read)]}

    with pytest.raises(WitnessRefusal, match="does not hold"):
        witness_sign(checkpoint(rewritten, 9), LOG.verifier, WITNESS, state, proof, now=NOW)


def test_two_trees_of_one_size_are_a_conflict_with_its_evidence(tmp_path: Path) -> None:
    state = tmp_path / "w.state"
    first = checkpoint(MemoryTree([b"a", b"b"]), 2)
    second = checkpoint(MemoryTree([b"a", b"X"]), 2)
    witness_sign(first, LOG.verifier, WITNESS, state, now=NOW)

    with pytest.raises(WitnessConflict) as conflict:
        witness_sign(second, LOG.verifier, WITNESS, state, now=NOW)

    report = conflict.value.report(WITNESS.name)
    assert report["witness"] == WITNESS.name
    assert parse_note(report["checkpoints"][0]).text == parse_note(first).text
    assert report["checkpoints"][1] == second


def test_a_checkpoint_not_signed_by_the_log_is_refused(tmp_path: Path) -> None:
    impostor = Signer.generate(LOG.name)
    with pytest.raises(ValueError):
        witness_sign(checkpoint(MemoryTree([b"a"]), 1, impostor), LOG.verifier, WITNESS, tmp_path / "s", now=NOW)


