"""The log as CloudEvents (``dialogue audit export``) and its restore (``dialogue import``).

An export is JSON Lines: one CloudEvents 1.0 structured-mode JSON object per stored
event, in position order (``docs/audit.md``, "Export format")::

    {"specversion": "1.0", "id": "<originator id>/<version>", "source": "urn:dialogue-service:event-log",
     "type": "dialogue.Proposal.Drafted", "time": "<recorded, RFC 3339>", "subject": "<originator id>",
     "datacontenttype": "application/json", "position": 17, "originatorid": "…",
     "originatorversion": 1, "topic": "domain.proposal:Proposal.Drafted", "chainhash": "<hex>",
     "data_base64": "<the exact stored state bytes>"}

``data_base64`` holds the stored bytes, so the export verifies (``tools/verify_export.py``)
and restores byte for byte; personal fields stay encrypted as stored (an export carries
no decrypted personal data, and no keys: those are backed up apart, wrapped by the
master key).

A restore writes into an EMPTY database the same events at the same positions (gaps
included), recomputes the chain and refuses the whole file when a hash differs from the
export's, rebuilds the command-id register from the events, and on PostgreSQL moves the
id sequence past the last position so the next save does not collide.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO
from uuid import UUID

from sqlalchemy import Connection, Engine, func, insert, select, text

from application.audit.log import LogRecord, events_table, read_log, stored_timestamp, type_of
from application.audit.verify import (
    ChainVerifier,
    Checkpoint,
    VerificationReport,
    check_signatures,
)
from application.persistence import EVENTS_TABLE, chain_table, commands_table
from application.references import INDEXED_TOPICS, index_registrations
from application.tables import tree_leaves
from application.tlog.checkpoint import TreeHead
from application.tlog.store import extend_tree, read_nodes, tree_size
from application.tlog.tree import root_hash
from domain.errors import DomainError

SOURCE = "urn:dialogue-service:event-log"
# A chain row whose event is gone is exported as this marker (no data), so that the export
# stays a faithful copy of what is stored and verifiers name the position.
MISSING_EVENT_TYPE = "dialogue.audit.MissingEvent"
EXTENSIONS = ("position", "originatorid", "originatorversion", "topic", "chainhash")


class RestoreError(DomainError):
    """A restore refused: a non-empty database, a malformed export, a hash that differs.
    Nothing was written."""

    code = "restore_refused"


def _rfc3339(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_cloudevent(rec: LogRecord) -> dict[str, Any]:
    """One stored event as a CloudEvents 1.0 structured JSON object (a dict); a chain row
    without its event as a :data:`MISSING_EVENT_TYPE` marker without data."""
    if not rec.has_event:
        return {"specversion": "1.0", "id": f"missing/{rec.position}", "source": SOURCE, "type": MISSING_EVENT_TYPE,
                "position": rec.position, "chainhash": rec.chain_hash}
    assert rec.state is not None and rec.topic is not None and rec.originator_id is not None
    cls, name = type_of(rec.topic)
    ce: dict[str, Any] = {
        "specversion": "1.0",
        "id": f"{rec.originator_id}/{rec.originator_version}",
        "source": SOURCE,
        "type": f"dialogue.{cls}.{name}",
    }
    t = stored_timestamp(rec.state)
    if t is not None:
        ce["time"] = _rfc3339(t)
    ce.update({
        "subject": rec.originator_id,
        "datacontenttype": "application/json",
        "position": rec.position,
        "originatorid": rec.originator_id,
        "originatorversion": rec.originator_version,
        "topic": rec.topic,
    })
    if rec.chain_hash is not None:
        ce["chainhash"] = rec.chain_hash
    ce["data_base64"] = base64.b64encode(rec.state).decode("ascii")
    return ce


@dataclass
class ExportSummary:
    events: int
    report: VerificationReport


def export_log(engine: Engine, out: TextIO, *, progress: Callable[[int], None] | None = None) -> ExportSummary:
    """Write every stored event to ``out`` as JSON Lines, verifying the chain on the way.

    The export is written as stored, never repaired: ``summary.report`` says whether the
    chain verified and names the first bad position; a chain row without its event is
    written as a :data:`MISSING_EVENT_TYPE` marker line.
    """
    verifier = ChainVerifier()
    n = 0
    for rec in read_log(engine):
        verifier.add(rec)
        out.write(json.dumps(to_cloudevent(rec), ensure_ascii=False, separators=(",", ":")) + "\n")
        if rec.has_event:
            n += 1
            if progress and n % 500 == 0:
                progress(500)
    if progress:
        progress(n % 500)
    return ExportSummary(events=n, report=verifier.finish())


def read_export(lines: Iterable[str]) -> Iterator[LogRecord]:
    """The records of an export file, in file order.

    Raises:
        RestoreError: a line that is not a CloudEvents 1.0 event of this export format
        (the message names the line).
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            ce = json.loads(line)
            if not isinstance(ce, dict) or ce.get("specversion") != "1.0":
                raise ValueError("not a CloudEvents 1.0 object")
            if ce.get("type") == MISSING_EVENT_TYPE:
                raise ValueError(f"position {ce.get('position')} is a chain row whose event is missing (removed)")
            missing = [k for k in ("id", "source", "type", "data_base64", *EXTENSIONS) if k not in ce]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            position, version = ce["position"], ce["originatorversion"]
            if not isinstance(position, int) or not isinstance(version, int) or position < 1 or version < 1:
                raise ValueError("position and originatorversion are positive integers")
            originator_id = str(UUID(str(ce["originatorid"])))
            state = base64.b64decode(ce["data_base64"], validate=True)
        except (ValueError, TypeError, binascii.Error) as e:
            raise RestoreError(f"Line {number} of the export is not an event of this format: {e}.", code="bad_export") from e
        rec = LogRecord(
            position=position, originator_id=originator_id, originator_version=version,
            topic=str(ce["topic"]), state=state, chain_hash=str(ce["chainhash"]).lower(),
        )
        # What auditors read must be what is hashed (issue 11, item 3): every attribute the
        # export derives from the stored event is derived again and compared.
        derived = to_cloudevent(rec)
        for name in ("id", "source", "type", "time", "subject", "datacontenttype"):
            if ce.get(name) != derived.get(name):
                raise RestoreError(
                    f"Line {number} of the export (position {position}): the exported {name} is {ce.get(name)!r}, "
                    f"the hashed data says {derived.get(name)!r}; nothing imported.", code="export_tampered",
                )
        yield rec


# ---------------------------------------------------------------------------- restore
@dataclass
class RestoreSummary:
    events: int
    head_position: int
    head_hash: str
    commands: int


def _is_empty(conn: Connection) -> bool:
    events = conn.execute(select(func.count()).select_from(events_table)).scalar()
    chain = conn.execute(select(func.count()).select_from(chain_table)).scalar()
    leaves = conn.execute(select(func.count()).select_from(tree_leaves)).scalar()
    return not events and not chain and not leaves


def _command_of(state: bytes) -> str | None:
    try:
        value = json.loads(state).get("command_id")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, str) and value else None


def import_log(
    engine: Engine, lines: Iterable[str], *, checkpoints: Sequence[tuple[str, Checkpoint]] = (),
    public_keys: Sequence[bytes] = (), tree_checkpoints: Sequence[tuple[str, TreeHead]] = (), batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> RestoreSummary:
    """Restore an export into an empty event store (its tables must exist), in one transaction.

    Each line's chain hash must equal the hash recomputed from the lines before it, and
    every checkpoint given must verify against the export (``checkpoints`` of the chain,
    signed with one of ``public_keys``; ``tree_checkpoints`` of the transparency log's tree,
    whose signatures the caller checked); otherwise nothing is written.
    On PostgreSQL the events table is locked for the transaction and the id sequence is
    moved to the last position.
    The look-up tables (:func:`application.references.index_registrations`) are filled by one
    call with every indexed event of the log: only so can it keep the earliest open election
    on a seat an older log opened twice and the first definition of an indicator reference
    defined twice (its ``whole_log`` replay and dedupe see the whole log at once).

    Raises:
        RestoreError: the database holds events or chain rows (``database_not_empty``),
        a malformed line (``bad_export``), a hash that differs or a checkpoint that fails
        (``export_tampered``).
    """
    results, bad_signatures = check_signatures(checkpoints, public_keys)
    if bad_signatures:
        raise RestoreError(f"{bad_signatures[0]}; nothing imported.", code="export_tampered")
    verifier = ChainVerifier(results)
    commands: dict[str, list[Any]] = {}
    events_rows: list[dict[str, Any]] = []
    chain_rows: list[dict[str, Any]] = []
    imported_registrations: list[dict[str, Any]] = []
    n = 0
    postgres = engine.dialect.name == "postgresql"

    def flush(conn: Connection) -> None:
        if events_rows:
            conn.execute(insert(events_table), events_rows)
            conn.execute(insert(chain_table), chain_rows)
            if progress:
                progress(len(events_rows))
            events_rows.clear()
            chain_rows.clear()

    with engine.begin() as conn:
        if postgres:
            conn.execute(text(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE"))
        if not _is_empty(conn):
            raise RestoreError("The database already holds events: a restore goes into an empty database only.", code="database_not_empty")
        for rec in read_export(lines):
            verifier.add(rec)
            if verifier.problems:
                raise RestoreError(f"The export does not verify: {verifier.problems[0]}; nothing imported.", code="export_tampered")
            assert rec.state is not None and rec.originator_id is not None
            events_rows.append({
                "id": rec.position, "originator_id": UUID(rec.originator_id), "originator_version": rec.originator_version,
                "topic": rec.topic, "state": rec.state,
            })
            chain_rows.append({"position": rec.position, "hash": rec.chain_hash})
            if rec.topic in INDEXED_TOPICS:
                imported_registrations.append(events_rows[-1])
            command_id = _command_of(rec.state)
            if command_id:
                if command_id not in commands:
                    commands[command_id] = [stored_timestamp(rec.state) or datetime.now(UTC), rec.position]
                commands[command_id][1] = rec.position
            n += 1
            if len(events_rows) >= batch:
                flush(conn)
        flush(conn)
        report = verifier.finish()
        if report.problems:
            raise RestoreError(f"The export does not verify: {report.problems[0]}; nothing imported.", code="export_tampered")
        rows = [{"command_id": k, "recorded_at": v[0], "last_position": v[1]} for k, v in commands.items()]
        for i in range(0, len(rows), batch):
            conn.execute(insert(commands_table), rows[i:i + batch])
        index_registrations(  # once, with the whole log: its seats' replay and dedupe need it all
            conn, ((r["id"], r["topic"], r["state"], str(r["originator_id"])) for r in imported_registrations), whole_log=True,
        )
        extend_tree(conn)  # the transparency log's tree, in the same transaction
        size = tree_size(conn)[0]
        for name, head in tree_checkpoints:
            if head.size > size or root_hash(head.size, lambda nodes: read_nodes(conn, nodes)) != head.root:
                raise RestoreError(f"The export does not match the signed checkpoint {name} (tree size {head.size}); nothing imported.", code="export_tampered")
        if postgres and n:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{EVENTS_TABLE}', 'id'), :last)"), {"last": report.head_position})
    return RestoreSummary(events=n, head_position=report.head_position, head_hash=report.head_hash, commands=len(commands))
