"""Signing checkpoints of the transparency log and keeping them (``dialogue_checkpoints``).

:func:`sign_checkpoint` signs only a log that verifies: the hash chain recomputed from the
events, the stored tree's leaves equal to the events and its root to the recomputed one,
and the log an extension of the last checkpoint signed (C2SP ``tlog-checkpoint``: a log
never signs two inconsistent checkpoints). The signing key is never stored; the verifier
key it checks with is, beside each checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from application.audit.verify import verify_log
from application.tables import checkpoints_table
from application.tlog.checkpoint import TreeHead
from application.tlog.note import Note, Signer, sign
from application.tlog.verify import verify_tree
from domain.errors import InvalidInputError


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    head: TreeHead
    note: str
    verifier_key: str
    signed_at: datetime


def latest_checkpoint(engine: Engine) -> StoredCheckpoint | None:
    """The last checkpoint signed (None before the first)."""
    with engine.connect() as c:
        row = c.execute(select(checkpoints_table).order_by(checkpoints_table.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return StoredCheckpoint(
        id=int(row.id), head=TreeHead(row.origin, int(row.tree_size), bytes.fromhex(row.root_hash)), note=row.note,
        verifier_key=row.verifier_key,
        signed_at=row.signed_at if row.signed_at.tzinfo else row.signed_at.replace(tzinfo=UTC),  # SQLite keeps no zone
    )


def sign_checkpoint(engine: Engine, signer: Signer, *, now: datetime | None = None) -> StoredCheckpoint:
    """Verify the log, sign a checkpoint of its whole tree with ``signer`` (named after the
    log's origin) and keep it.

    Raises:
        InvalidInputError: ``chain_broken`` (the chain does not verify), ``tree_broken``
        (the stored tree differs from the events), ``checkpoint_inconsistent`` (the log is
        not an extension of the last checkpoint signed).
    """
    report = verify_log(engine)
    if not report.ok:
        raise InvalidInputError(f"The chain does not verify ({report.problems[0]}); no checkpoint signed.", code="chain_broken")
    last = latest_checkpoint(engine)
    tree = verify_tree(engine, [("last", last.head)] if last else [])
    if any(not c.ok for c in tree.checkpoints):
        assert last is not None
        raise InvalidInputError(
            f"The log is not an extension of the checkpoint of size {last.head.size}: it was rewritten; no checkpoint signed.",
            code="checkpoint_inconsistent",
        )
    if not tree.ok:
        raise InvalidInputError(f"The stored tree is not the tree of the stored events ({tree.problems[0]}); no checkpoint signed.", code="tree_broken")
    size = tree.size
    head = TreeHead(signer.name, size, tree.root)
    note = Note(head.body(), (sign(head.body(), signer),)).to_text()
    at = (now or datetime.now(UTC)).astimezone(UTC)
    with engine.begin() as c:
        key = c.execute(insert(checkpoints_table).values(
            origin=head.origin, tree_size=size, root_hash=head.root.hex(), note=note,
            verifier_key=signer.verifier.text(), signed_at=at,
        )).inserted_primary_key
    assert key is not None
    return StoredCheckpoint(id=int(key[0]), head=head, note=note, verifier_key=signer.verifier.text(), signed_at=at)
