"""Proposals and the board: every proposal's current row (status, text, authors, fate),
its content versions and its amendments, from the ``Proposal`` events.

Participant ids are kept as text UUIDs; names are resolved through the participant
directory (:mod:`projections.people`).

Version 2 added ``view_proposal_objectives`` (GCM objective → proposals, keyed by the
objective): the board filtered by an objective reads the proposals naming it, counted and
cut into pages by the database, instead of every proposal of the matching statuses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Text,
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Session

from domain.proposal import Proposal
from projections.base import BigInt, Id, Projection, is_id, rows, text_id, topic
from projections.statements import batch_rows, delete_rows, insert_row, select_first, update_row

projection = Projection("proposals", version=2)

ADOPTED_OR_LATER = ("adopted", "under_liaison_review", "endorsed", "not_endorsed", "published")
DRAFT_STATUSES = ("draft", "submitted", "on_agenda", "returned_for_revision")

view_proposals = projection.table(
    "proposals",
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("table_code", String(8), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("recommendation", Text, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("language", String(8), nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("status", String(32), nullable=False, index=True),
    Column("author_id", Id, nullable=False),
    Column("co_author_ids", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_version", Integer, nullable=False),
    Column("submitted_version", Integer),
    Column("session_id", Id),
    Column("decided_version", Integer),
    Column("adopted_session_id", Id),
    Column("adopted_on", Date),
    Column("endorsement_id", Id),
    Column("endorsement_tally", JSON),
    Column("endorsed_on", Date),
    Column("recipients", JSON),
    Column("published_on", Date),
    Column("drafted_on", Date, nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("last_position", BigInt, nullable=False),
)

view_proposal_versions = projection.table(
    "proposal_versions",
    Column("proposal_id", Id, primary_key=True),
    Column("content_version", Integer, primary_key=True),
    Column("aggregate_version", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(40), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("title", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("recommendation", Text, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

# One row per GCM objective a proposal names now (its ``objectives``), keyed by the objective;
# the index by proposal serves the rows' replacement when a revision changes the objectives.
view_proposal_objectives = projection.table(
    "proposal_objectives",
    Column("objective", Integer, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Index(f"ix_{projection.table_name('proposal_objectives')}_proposal", "proposal_id"),
)

view_amendments = projection.table(
    "amendments",
    Column("proposal_id", Id, primary_key=True),
    Column("reference", String(100), primary_key=True),
    Column("amender_id", Id, nullable=False),
    Column("field", String(32), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("replaces", Text),
    Column("justification", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("proposed_on", Date, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
def _pid(e: Any) -> str:
    return text_id(e.originator_id)


def _touch(s: Session, e: Any, position: int, **values: Any) -> None:
    update_row(s, view_proposals, {"id": _pid(e)}, version=e.originator_version, updated_on=e.effective_date, last_position=position, **values)


def _snapshot_version(s: Session, e: Any, kind: str, note: str = "", row: Any = None, pid: str | None = None) -> None:
    """The proposal's content version row (``row``: its ``_VERSIONED`` columns when the
    handler has them already; ``pid``: the proposal's id as text, when it has it)."""
    if pid is None:
        pid = _pid(e)
    if row is None:
        row = select_first(s, view_proposals, _VERSIONED, id=pid)
    insert_row(
        s, view_proposal_versions,
        proposal_id=pid, content_version=row["content_version"], aggregate_version=e.originator_version,
        kind=kind, actor=e.actor, effective_date=e.effective_date, recorded_at=e.timestamp,
        title=row["title"], problem=row["problem"], recommendation=row["recommendation"], rationale=row["rationale"],
        objectives=row["objectives"], targets=row["targets"], note=note,
    )


def _objectives(s: Session, pid: str, objectives: Any) -> None:
    for n in dict.fromkeys(objectives):
        insert_row(s, view_proposal_objectives, objective=n, proposal_id=pid)


_VERSIONED = ("content_version", "title", "problem", "recommendation", "rationale", "objectives", "targets")
_VERSIONED_SET = frozenset(_VERSIONED)
# The columns of a version row, in the order a revision gives their values.
_VERSION_ROW = (
    "proposal_id", "content_version", "aggregate_version", "kind", "actor", "effective_date", "recorded_at",
    "title", "problem", "recommendation", "rationale", "objectives", "targets", "note",
)


@projection.on(topic(Proposal, "Drafted"))
def drafted(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_proposals,
        id=_pid(e), reference=e.reference, table_code=e.table, title=e.title, problem=e.problem,
        recommendation=e.recommendation, rationale=e.rationale, objectives=list(e.objectives), targets=list(e.targets),
        language=e.language, source=e.source, status="draft", author_id=e.author, co_author_ids=list(e.co_authors),
        version=e.originator_version, content_version=1, drafted_on=e.effective_date, updated_on=e.effective_date,
        last_position=position,
    )
    _objectives(s, _pid(e), e.objectives)
    _snapshot_version(s, e, "drafted")


@projection.on(topic(Proposal, "Revised"))
def revised(s: Session, e: Any, position: int) -> None:
    # The most frequent event of a long history: the batch's rows are found once, the
    # proposal's row there once (kept for the batch, with its waiting write) and changed in
    # place, its version row built from it (a tuple of its values, not a dict) and put among
    # the waiting rows by its known key.
    pid = text_id(e.originator_id)
    rows = batch_rows(s)
    found = rows.edit(s, view_proposals, {"id": pid}, _VERSIONED_SET)
    if found is None:
        raise LookupError(f"no proposal row for {pid}")
    current, write = found
    content_version = current["content_version"] + 1
    changes = e.changes
    values = {"version": e.originator_version, "updated_on": e.effective_date, "last_position": position, **changes,
              "content_version": content_version}
    current.update(values)
    if write is not current:
        write.update(values)
    rows.insert_values(s, view_proposal_versions, (pid, content_version), _VERSION_ROW, (
        pid, content_version, e.originator_version, "revised", e.actor, e.effective_date, e.timestamp,
        current["title"], current["problem"], current["recommendation"], current["rationale"], current["objectives"],
        current["targets"], e.note,
    ))
    if "objectives" in changes:
        delete_rows(s, view_proposal_objectives, proposal_id=pid)
        _objectives(s, pid, changes["objectives"])


@projection.on(topic(Proposal, "CoAuthorAdded"), topic(Proposal, "CoAuthorRemoved"))
def co_authors_changed(s: Session, e: Any, position: int) -> None:
    current = list(s.execute(select(view_proposals.c.co_author_ids).where(view_proposals.c.id == _pid(e))).scalar_one())
    if type(e).__name__ == "CoAuthorAdded":
        current.append(e.co_author)
    else:
        current = [c for c in current if c != e.co_author]
    _touch(s, e, position, co_author_ids=current)


@projection.on(topic(Proposal, "AmendmentProposed"))
def amendment_proposed(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_amendments,
        proposal_id=_pid(e), reference=e.amendment, amender_id=e.amender, field=e.field, operation=e.operation,
        text=e.text, replaces=e.replaces, justification=e.justification, status="pending", proposed_on=e.effective_date,
    )
    _touch(s, e, position)


def _amendment_status(s: Session, e: Any, status: str, reason: str = "") -> None:
    update_row(s, view_amendments, {"proposal_id": _pid(e), "reference": e.amendment}, status=status, reason=reason)


@projection.on(topic(Proposal, "AmendmentAccepted"))
def amendment_accepted(s: Session, e: Any, position: int) -> None:
    _amendment_status(s, e, "accepted")
    row = s.execute(select(view_proposals.c.content_version, view_proposals.c.co_author_ids, view_proposals.c.author_id).where(view_proposals.c.id == _pid(e))).one()
    amender = s.execute(select(view_amendments.c.amender_id).where(
        view_amendments.c.proposal_id == _pid(e), view_amendments.c.reference == e.amendment)).scalar_one()
    co = list(row.co_author_ids)
    if amender not in co and amender != row.author_id:
        co.append(amender)
    _touch(s, e, position, content_version=row.content_version + 1, co_author_ids=co, **{e.field: e.merged_text})
    _snapshot_version(s, e, "amendment_accepted", e.amendment)


@projection.on(topic(Proposal, "AmendmentRejected"))
def amendment_rejected(s: Session, e: Any, position: int) -> None:
    _amendment_status(s, e, "rejected", e.reason)
    _touch(s, e, position)


@projection.on(topic(Proposal, "AmendmentWithdrawn"))
def amendment_withdrawn(s: Session, e: Any, position: int) -> None:
    _amendment_status(s, e, "withdrawn")
    _touch(s, e, position)


@projection.on(topic(Proposal, "Submitted"))
def submitted(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="submitted", submitted_version=e.version)


@projection.on(topic(Proposal, "Withdrawn"))
def withdrawn(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="withdrawn")


@projection.on(topic(Proposal, "PutOnAgenda"))
def put_on_agenda(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="on_agenda", session_id=e.session_id)


@projection.on(topic(Proposal, "Adopted"))
def adopted(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="adopted", decided_version=e.version, adopted_session_id=e.session_id, adopted_on=e.effective_date)


@projection.on(topic(Proposal, "ReturnedForRevision"))
def returned(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="returned_for_revision", decided_version=e.version, session_id=None)


@projection.on(topic(Proposal, "Rejected"))
def rejected(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="rejected", decided_version=e.version)


@projection.on(topic(Proposal, "PutToLiaisonTable"))
def put_to_liaison(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="under_liaison_review", endorsement_id=e.endorsement_id)


@projection.on(topic(Proposal, "Endorsed"), topic(Proposal, "NotEndorsed"))
def liaison_outcome(s: Session, e: Any, position: int) -> None:
    endorsed = type(e).__name__ == "Endorsed"
    _touch(s, e, position, status="endorsed" if endorsed else "not_endorsed", endorsement_tally=dict(e.tally),
           endorsed_on=e.effective_date if endorsed else None)


@projection.on(topic(Proposal, "PublishedToGovernments"))
def published(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="published", recipients=list(e.recipients), published_on=e.effective_date)


@projection.on(topic(Proposal, "GovernmentResponseRecorded"), topic(Proposal, "FollowUpRecorded"))
def followed_up(s: Session, e: Any, position: int) -> None:
    """A response or a follow-up entry (their rows: :mod:`projections.follow_up`) moves the
    proposal's version and date."""
    _touch(s, e, position)


# ---------------------------------------------------------------------------- queries
def list_recommendations(
    engine: Engine, *, status: str | list[str] | tuple[str, ...] | None = None, table: str | None = None, objective: int | None = None,
) -> list[dict[str, Any]]:
    """Proposals on the board, ordered by table then reference.

    Each: ``id, reference, title, status, table, objectives, targets, language, version,
    content_version, author_id, co_author_ids, drafted_on, updated_on, published_on, recipients``.
    """
    q = select(view_proposals).order_by(view_proposals.c.table_code, view_proposals.c.reference, view_proposals.c.drafted_on, view_proposals.c.id)
    if isinstance(status, str):
        q = q.where(view_proposals.c.status == status)
    elif status:
        q = q.where(view_proposals.c.status.in_(list(status)))
    if table:
        q = q.where(view_proposals.c.table_code == table)
    if objective is not None:
        q = q.join(_BY_OBJECTIVE, _BY_OBJECTIVE.c.proposal_id == view_proposals.c.id).where(_BY_OBJECTIVE.c.objective == objective)
    out = []
    for r in rows(engine, q):
        r["table"] = r.pop("table_code")
        out.append(r)
    return out


def page_of_recommendations(
    engine: Engine, *, status: list[str] | tuple[str, ...], table: str | None = None, objective: int | None = None,
    limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of :func:`list_recommendations` in the same stable order (table, reference,
    drafted on, id) and the number of matching proposals: ``(rows, total)``.

    The database counts and cuts the page (``COUNT`` and ``LIMIT``/``OFFSET`` on the
    ordered, indexed columns); a GCM objective filter starts from the objective's rows of
    ``view_proposal_objectives`` (its primary key), so it reads the proposals naming it."""
    return _page(engine, _statements(_BOARD_PAGES, table, objective), status, table, objective, limit, offset)


# What a board's card shows of a proposal (``web/templates/board/board.html``).
CARD_COLUMNS = (
    "id", "reference", "table_code", "title", "language", "status", "author_id", "co_author_ids", "content_version",
    "objectives", "updated_on",
)


def page_of_cards(
    engine: Engine, *, status: list[str] | tuple[str, ...], table: str | None = None, objective: int | None = None,
    limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """:func:`page_of_recommendations` with only the :data:`CARD_COLUMNS` of each row (``table``
    for ``table_code``): the board's cards, without reading, keeping and keying each
    proposal's texts."""
    return _page(engine, _statements(_CARDS_PAGES, table, objective), status, table, objective, limit, offset)


def _statements(pages: dict[tuple[bool, bool], tuple[Any, Any]], table: str | None, objective: int | None) -> tuple[Any, Any]:
    return pages[(bool(table), objective is not None)]


def _page(
    engine: Engine, statements: tuple[Any, Any], status: list[str] | tuple[str, ...], table: str | None, objective: int | None,
    limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    params: dict[str, Any] = {"status": list(status), "limit": limit, "offset": offset}
    if table:
        params["table"] = table
    if objective is not None:
        params["objective"] = objective
    count, page = statements
    with engine.connect() as c:
        total = int(c.execute(count, params).scalar_one())
        out = []
        for r in c.execute(page, params).mappings():
            row = dict(r)
            row["table"] = row.pop("table_code")
            out.append(row)
    return out, total


# The board's and the adopted recommendations' page reads, built once (bound parameters,
# as the proposal page's below): a page read after a write makes them anew. One count and
# one page per filter: by working table or not, by GCM objective or not.
_BY_OBJECTIVE = view_proposal_objectives
_BOARD_WHERE = view_proposals.c.status.in_(bindparam("status", expanding=True))
_BOARD_OF_TABLE = view_proposals.c.table_code == bindparam("table")
_BOARD_OF_OBJECTIVE = _BY_OBJECTIVE.c.objective == bindparam("objective", type_=Integer)


def _board_from(of_objective: bool) -> Any:
    if of_objective:
        return _BY_OBJECTIVE.join(view_proposals, view_proposals.c.id == _BY_OBJECTIVE.c.proposal_id)
    return view_proposals


def _board_where(of_table: bool, of_objective: bool) -> list[Any]:
    return [_BOARD_WHERE, *([_BOARD_OF_TABLE] if of_table else []), *([_BOARD_OF_OBJECTIVE] if of_objective else [])]


def _board_count(of_table: bool, of_objective: bool) -> Any:
    return select(func.count().label("n")).select_from(_board_from(of_objective)).where(*_board_where(of_table, of_objective))


def _board_page(columns: Any, of_table: bool, of_objective: bool) -> Any:
    t = view_proposals
    return (
        select(*columns).select_from(_board_from(of_objective)).where(*_board_where(of_table, of_objective))
        .order_by(t.c.table_code, t.c.reference, t.c.drafted_on, t.c.id)
        .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
    )


_FILTERS = [(of_table, of_objective) for of_table in (False, True) for of_objective in (False, True)]
_BOARD_COUNTS = {f: _board_count(*f) for f in _FILTERS}
_BOARD_PAGES = {f: (_BOARD_COUNTS[f], _board_page([view_proposals], *f)) for f in _FILTERS}
_CARDS = [view_proposals.c[name] for name in CARD_COLUMNS]
_CARDS_PAGES = {f: (_BOARD_COUNTS[f], _board_page(_CARDS, *f)) for f in _FILTERS}


# The reads of one proposal's page, built once (bound parameters): a page read after a
# write makes them anew, and building, keying and looking up a statement per read was
# about half of that page's cost.
_PROPOSAL = select(view_proposals).where(view_proposals.c.id == bindparam("proposal_id"))
_VERSIONS_COUNT = (
    select(func.count().label("n")).select_from(view_proposal_versions).where(view_proposal_versions.c.proposal_id == bindparam("proposal_id"))
)
_VERSIONS_PAGE = (
    select(view_proposal_versions).where(view_proposal_versions.c.proposal_id == bindparam("proposal_id"))
    .order_by(view_proposal_versions.c.content_version.desc())
    .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
)
_AMENDMENTS = (
    select(view_amendments).where(view_amendments.c.proposal_id == bindparam("proposal_id"))
    .order_by(view_amendments.c.proposed_on, view_amendments.c.reference)
)


def get_proposal(engine: Engine, proposal_id: str) -> dict[str, Any] | None:
    if not is_id(proposal_id):
        return None
    found = rows(engine, _PROPOSAL, {"proposal_id": proposal_id})
    if not found:
        return None
    r = found[0]
    r["table"] = r.pop("table_code")
    return r


def proposal_versions(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    """Content versions of a proposal (1 = as drafted), oldest first."""
    if not is_id(proposal_id):
        return []
    return rows(engine, select(view_proposal_versions).where(view_proposal_versions.c.proposal_id == proposal_id).order_by(view_proposal_versions.c.content_version))


def page_of_versions(engine: Engine, proposal_id: str, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of a proposal's content versions, newest first, and how many it has:
    ``(rows, total)`` (two reads of the table's primary key, however long its history)."""
    total = int(rows(engine, _VERSIONS_COUNT, {"proposal_id": proposal_id})[0]["n"])
    return rows(engine, _VERSIONS_PAGE, {"proposal_id": proposal_id, "limit": limit, "offset": offset}), total


def version_and_previous(engine: Engine, proposal_id: str, number: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None, int]:
    """Content version ``number`` of a proposal, the one before it (None for the first), and
    how many versions it has: ``(version, previous, total)``, read by the primary key. A
    number that is no version (below 1, beyond the last: perhaps beyond any integer the
    database holds) finds nothing without asking for it."""
    t = view_proposal_versions
    if not is_id(proposal_id):
        return None, None, 0
    total = int(rows(engine, select(func.count().label("n")).select_from(t).where(t.c.proposal_id == proposal_id))[0]["n"])
    if not 1 <= number <= total:
        return None, None, total
    found = {r["content_version"]: r for r in rows(engine, select(t).where(t.c.proposal_id == proposal_id, t.c.content_version.in_([number - 1, number])))}
    return found.get(number), found.get(number - 1), total


def amendments_of(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    return rows(engine, _AMENDMENTS, {"proposal_id": proposal_id})


def status_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return {s: n for s, n in c.execute(select(view_proposals.c.status, func.count()).group_by(view_proposals.c.status))}
