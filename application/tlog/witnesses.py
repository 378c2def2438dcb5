"""The service's side of witnessing: registered witness keys (``dialogue_witnesses``), the
cosignatures they submit (``dialogue_cosignatures``) and the conflicts they report
(``dialogue_witness_conflicts``); see :mod:`application.tlog.witness` for the witness's side.

A cosignature is kept only when it verifies, over a checkpoint the service signed, with a
registered witness key; ``/audit/checkpoint`` serves the latest checkpoint with its
cosignature lines, so that a client holding witness keys can require a quorum of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select

from application.tables import (
    checkpoints_table,
    cosignatures_table,
    witness_conflicts_table,
    witnesses_table,
)
from application.tlog.checkpoint import TreeHead
from application.tlog.note import COSIGNATURE_V1, Note, NoteError, Verifier, parse_note
from application.tlog.witness import WitnessRefusal, cosigned_at, read_conflict
from domain.errors import InvalidInputError, NotFoundError


@dataclass(frozen=True)
class Witness:
    verifier: Verifier
    description: str
    added_at: datetime


def add_witness(engine: Engine, verifier_key: str, description: str, now: datetime | None = None) -> Witness:
    """Register a witness's public key (its verifier key text, type 0x04).

    Raises:
        InvalidInputError: ``bad_witness_key`` (not a witness verifier key) or
        ``witness_exists`` (that key or that name is registered already).
    """
    try:
        v = Verifier.parse(verifier_key)
    except NoteError as e:
        raise InvalidInputError(f"Not a verifier key: {e}.", code="bad_witness_key") from e
    if v.kind != COSIGNATURE_V1:
        raise InvalidInputError("A witness key is a cosignature key (type 0x04, `dialogue audit witness keygen`).", code="bad_witness_key")
    at = (now or datetime.now(UTC)).astimezone(UTC)
    with engine.begin() as c:
        if c.execute(select(witnesses_table.c.name).where(witnesses_table.c.name == v.name)).first() is not None:
            raise InvalidInputError(f"A witness named {v.name} is registered already.", code="witness_exists")
        c.execute(insert(witnesses_table).values(name=v.name, verifier_key=v.text(), description=description, added_at=at))
    return Witness(v, description, at)


def list_witnesses(engine: Engine) -> list[Witness]:
    with engine.connect() as c:
        rows = c.execute(select(witnesses_table).order_by(witnesses_table.c.added_at, witnesses_table.c.name)).all()
    return [Witness(Verifier.parse(r.verifier_key), r.description, r.added_at) for r in rows]


def submit_cosignatures(engine: Engine, text: str, now: datetime | None = None) -> tuple[TreeHead, list[str]]:
    """Keep the cosignatures of registered witnesses found on a checkpoint the service
    signed. Returns the checkpoint's head and the names of the witnesses newly recorded.

    Raises:
        InvalidInputError: ``bad_cosignature`` (not a checkpoint, or one the service never
        signed, or no verifying cosignature of a registered witness on it).
    """
    try:
        note = parse_note(text)
        head = TreeHead.parse(note.text)
    except NoteError as e:
        raise InvalidInputError(f"Not a co-signed checkpoint: {e}.", code="bad_cosignature") from e
    at = (now or datetime.now(UTC)).astimezone(UTC)
    added: list[str] = []
    with engine.begin() as c:
        row = c.execute(
            select(checkpoints_table.c.id, checkpoints_table.c.note)
            .where(checkpoints_table.c.tree_size == head.size, checkpoints_table.c.root_hash == head.root.hex(), checkpoints_table.c.origin == head.origin)
            .order_by(checkpoints_table.c.id.desc()).limit(1)
        ).first()
        if row is None:
            raise InvalidInputError(f"The service never signed a checkpoint of size {head.size} with that root.", code="bad_cosignature")
        known = {r.witness for r in c.execute(select(cosignatures_table.c.witness).where(cosignatures_table.c.checkpoint_id == row.id))}
        for w in c.execute(select(witnesses_table)).all():
            v = Verifier.parse(w.verifier_key)
            when = cosigned_at(Note(note.text, note.signatures), v)
            if when is None or v.name in known:
                continue
            line = next(s for s in note.signed_by(v)).line()
            c.execute(insert(cosignatures_table).values(checkpoint_id=row.id, witness=v.name, line=line, cosigned_at=when, submitted_at=at))
            added.append(v.name)
        if not added and not known.intersection(s.name for s in note.signatures):
            raise InvalidInputError("No cosignature of a registered witness verifies on this checkpoint.", code="bad_cosignature")
    return head, added


def cosignature_lines(engine: Engine, checkpoint_id: int) -> list[str]:
    with engine.connect() as c:
        return [r.line for r in c.execute(
            select(cosignatures_table.c.line).where(cosignatures_table.c.checkpoint_id == checkpoint_id).order_by(cosignatures_table.c.submitted_at, cosignatures_table.c.witness)
        )]


def cosignature_count(engine: Engine, checkpoint_id: int) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(cosignatures_table).where(cosignatures_table.c.checkpoint_id == checkpoint_id)).scalar() or 0)


def record_conflict(engine: Engine, report: dict[str, object], now: datetime | None = None) -> TreeHead:
    """Record a witness's report of two checkpoints of the same size with different roots,
    both signed with the key of the service's latest checkpoint.

    Raises:
        NotFoundError: no checkpoint was ever signed (no log key to check with);
        InvalidInputError: ``bad_conflict`` (not such a report).
    """
    with engine.connect() as c:
        key = c.execute(select(checkpoints_table.c.verifier_key).order_by(checkpoints_table.c.id.desc()).limit(1)).scalar()
    if key is None:
        raise NotFoundError("No checkpoint has been signed: there is no log key to check a conflict with.")
    try:
        witness, head, first, second = read_conflict(dict(report), Verifier.parse(key))
    except WitnessRefusal as e:
        raise InvalidInputError(f"Not a conflict: {e}.", code="bad_conflict") from e
    with engine.begin() as c:
        c.execute(insert(witness_conflicts_table).values(
            witness=witness, tree_size=head.size, first=first, second=second, recorded_at=(now or datetime.now(UTC)).astimezone(UTC),
        ))
    return head
