"""Witnesses of the transparency log (C2SP ``tlog-cosignature``, Ed25519, type ``0x04``).

A witness (a Liaison Table seat holder, a UN agency) co-signs a checkpoint on its own
machine, with no database, only after checking that it extends the last checkpoint it
co-signed (:func:`witness_sign`): a larger tree needs a consistency proof from the last
one; a tree of the same size with another root is a **conflict** (the log showed two
histories) and is refused, with both checkpoints kept as evidence.

A cosignature line is ``— <witness name> base64(key id ‖ timestamp ‖ signature)``: the
timestamp 8 bytes big-endian (POSIX seconds), the Ed25519 signature over::

    cosignature/v1
    time <timestamp>
    <the checkpoint's note text>
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from application.tlog.checkpoint import TreeHead, open_checkpoint
from application.tlog.note import (
    COSIGNATURE_V1,
    Note,
    NoteError,
    Signature,
    Signer,
    Verifier,
)
from application.tlog.proofs import MalformedProof, ProofFailed, check_consistency


class WitnessRefusal(ValueError):
    """The witness does not co-sign (an older tree, a missing or failing proof)."""


class WitnessConflict(WitnessRefusal):
    """Two checkpoints of the same size with different roots, both signed by the log."""

    def __init__(self, message: str, earlier: str, later: str) -> None:
        super().__init__(message)
        self.earlier, self.later = earlier, later

    def report(self, witness: str) -> dict[str, Any]:
        """The evidence, as ``dialogue audit witness submit`` takes it."""
        return {"conflict": "same tree size, different roots", "witness": witness, "checkpoints": [self.earlier, self.later]}


def _message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()


def cosign(note: Note, signer: Signer, timestamp: int) -> Signature:
    """The witness's cosignature of a checkpoint note."""
    if signer.kind != COSIGNATURE_V1:
        raise NoteError("a cosignature is made with a witness key (type 0x04)")
    return Signature(signer.name, signer.verifier.id, struct.pack(">Q", timestamp) + signer.key.sign(_message(note.text, timestamp)))


def cosigned_at(note: Note, witness: Verifier) -> datetime | None:
    """When ``witness`` co-signed ``note`` (its verified cosignature's time), or None."""
    for s in note.signed_by(witness):
        if len(s.signature) == 72:
            timestamp = struct.unpack(">Q", s.signature[:8])[0]
            if timestamp < 2**63 and witness.verify(_message(note.text, timestamp), s.signature[8:]):
                return datetime.fromtimestamp(timestamp, UTC)
    return None


@dataclass(frozen=True)
class WitnessState:
    """What a witness remembers: the last checkpoint it co-signed (its note text)."""

    note: str

    @classmethod
    def load(cls, path: Path) -> WitnessState | None:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise WitnessRefusal(f"cannot read the witness's state {path.name}: {e}") from e
        return cls(str(data["last_cosigned"]))

    def save(self, path: Path) -> None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps({"last_cosigned": self.note}, indent=1), "utf-8")
        os.replace(partial, path)


def witness_sign(
    checkpoint: str, log_key: Verifier, signer: Signer, state_path: Path, proof: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    """Co-sign ``checkpoint`` (a note signed by ``log_key``) after checking it against the
    last checkpoint this witness co-signed (kept in ``state_path``); returns the checkpoint
    with the cosignature line added, and remembers it.

    Raises:
        NoteError: not a checkpoint signed by the log's key.
        WitnessConflict: the same size as the last one, another root.
        WitnessRefusal: a smaller tree than the last one, or a larger one without a
        consistency proof from it that verifies.
    """
    head, note = open_checkpoint(checkpoint, log_key)
    state = WitnessState.load(state_path)
    if state is not None:
        last, last_note = open_checkpoint(state.note, log_key)
        if head.size == last.size and head.root != last.root:
            raise WitnessConflict(
                f"the log shows two trees of size {head.size} with different roots: not co-signed", state.note, note.to_text(),
            )
        if head.size < last.size:
            raise WitnessRefusal(f"this witness already co-signed a tree of {last.size} leaves; this one has {head.size}")
        if head.size > last.size:
            if proof is None:
                raise WitnessRefusal(f"a consistency proof from size {last.size} to {head.size} is needed (/audit/proof/consistency?old={last.size}&new={head.size})")
            try:
                check_consistency(proof, last, head)
            except (MalformedProof, ProofFailed) as e:
                raise WitnessRefusal(f"the consistency proof from size {last.size} does not hold: {e}") from e
    timestamp = int((now or datetime.now(UTC)).timestamp())
    cosigned = note.with_signature(cosign(Note(note.text, ()), signer, timestamp))
    WitnessState(cosigned.to_text()).save(state_path)
    return cosigned.to_text()


def read_conflict(data: dict[str, Any], log_key: Verifier) -> tuple[str, TreeHead, str, str]:
    """A witness's conflict report checked: (witness name, the size's head as first seen,
    both checkpoint notes), when both are signed by ``log_key`` with the same size and
    different roots.

    Raises:
        WitnessRefusal: anything else.
    """
    try:
        first, second = (str(x) for x in data["checkpoints"])
        witness = str(data["witness"])
        a, _ = open_checkpoint(first, log_key)
        b, _ = open_checkpoint(second, log_key)
    except (KeyError, ValueError, TypeError, NoteError) as e:
        raise WitnessRefusal(f"not a conflict report of two checkpoints signed by the log: {e}") from e
    if a.size != b.size or a.root == b.root:
        raise WitnessRefusal("the two checkpoints do not conflict (another size, or the same root)")
    return witness, a, first, second
