"""Sessions of the working tables (the ``TableDeliberation`` aggregate): each session, its
agenda items with the table's decision, the members' latest positions, and whether the
meeting was recorded as started; the tables' activity per quarter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Engine,
    Integer,
    String,
    Text,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.deliberation import TableDeliberation
from domain.participant import Participant
from domain.reference import table_objectives
from projections.base import Id, Projection, is_id, rows, topic
from projections.proposals import view_proposals
from projections.statements import insert_row, replace_row
from projections.tables import view_memberships

projection = Projection("sessions", version=1)

view_sessions = projection.table(
    "sessions",
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("table_code", String(8), nullable=False, index=True),
    Column("quarter", String(8), nullable=False),
    Column("date", Date, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Column("minutes", Text, nullable=False, default=""),
)

view_agenda_items = projection.table(
    "agenda_items",
    Column("session_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("decision", String(32)),
    Column("tally", JSON),
    Column("rule", String(64)),
    Column("quorum", Integer),
    Column("settings_version", Integer),
    Column("decided_on", Date),
)

view_positions = projection.table(
    "positions",
    Column("session_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("member_id", Id, primary_key=True),
    Column("position", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("effective_date", Date, nullable=False),
)

view_session_openings = projection.table(
    "session_openings",
    # Sessions whose meeting was recorded as started (``open_session``); with positions
    # and decisions, this tells whether a session was held (:func:`table_activity`).
    Column("session_id", Id, primary_key=True),
    Column("opened_on", Date, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
def _pid(e: Any) -> str:
    return str(e.originator_id)


@projection.on(topic(TableDeliberation, "Scheduled"))
def scheduled(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_sessions,
        id=_pid(e), reference=e.reference, table_code=e.table, quarter=e.quarter, date=e.date, mode=e.mode, closed=False, minutes="",
    )


@projection.on(topic(TableDeliberation, "AgendaItemAdded"))
def agenda_item(s: Session, e: Any, position: int) -> None:
    insert_row(s, view_agenda_items, session_id=_pid(e), proposal_id=e.proposal_id, version=e.version)


@projection.on(topic(TableDeliberation, "PositionRecorded"))
def position_recorded(s: Session, e: Any, position: int) -> None:
    key = {"session_id": _pid(e), "proposal_id": e.proposal_id, "member_id": e.member}
    # The reason is sealed with the member's key: it reads None once they are erased.
    replace_row(s, view_positions, **key, position=e.position, reason=e.reason or "", effective_date=e.effective_date)


@projection.on(topic(Participant, "PersonalDataErased"))
def member_erased(s: Session, e: Any, position: int) -> None:
    # An erased member's reasons are blanked; a rebuild reads them None (key gone), or, for
    # positions recorded before reasons were sealed, blanks them here too: both end the same.
    s.execute(update(view_positions).where(view_positions.c.member_id == _pid(e)).values(reason=""))


@projection.on(topic(TableDeliberation, "DecisionRecorded"))
def decision_recorded(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_agenda_items).where(
        view_agenda_items.c.session_id == _pid(e), view_agenda_items.c.proposal_id == e.proposal_id,
    ).values(decision=e.decision, tally=dict(e.tally), rule=e.rule, quorum=e.quorum, settings_version=e.settings_version, decided_on=e.effective_date))


@projection.on(topic(TableDeliberation, "Closed"))
def session_closed(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_sessions).where(view_sessions.c.id == _pid(e)).values(closed=True, minutes=e.minutes))


@projection.on(topic(TableDeliberation, "Opened"))
def session_opened(s: Session, e: Any, position: int) -> None:
    insert_row(s, view_session_openings, session_id=_pid(e), opened_on=e.effective_date)


# ---------------------------------------------------------------------------- queries
def list_sessions(engine: Engine, table: str | None = None) -> list[dict[str, Any]]:
    q = select(view_sessions).order_by(view_sessions.c.date, view_sessions.c.table_code)
    if table:
        q = q.where(view_sessions.c.table_code == table)
    return rows(engine, q)


_SESSIONS_BY_ID = select(view_sessions).where(view_sessions.c.id.in_(bindparam("ids", expanding=True)))  # built once


def sessions_by_id(engine: Engine, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The sessions of ``ids`` (a page's), by id."""
    return {s["id"]: s for s in rows(engine, _SESSIONS_BY_ID, {"ids": list(ids)})} if ids else {}


UPCOMING, IN_PROGRESS, CLOSED = "upcoming", "in_progress", "closed"


def stage(session: dict[str, Any], on: date) -> str:
    """Where a session stands on date ``on``: ``closed`` once closed; ``in_progress`` once
    its meeting was opened or its date has come; ``upcoming`` before."""
    if session["closed"]:
        return CLOSED
    if session.get("opened_on") is not None or session["date"] <= on:
        return IN_PROGRESS
    return UPCOMING


def _with_openings() -> Any:
    return select(view_sessions, view_session_openings.c.opened_on).outerjoin(
        view_session_openings, view_session_openings.c.session_id == view_sessions.c.id)


def page_of_sessions(engine: Engine, *, on: date, table: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of the sessions (of ``table``, or of every table), the latest date first,
    each with ``opened_on`` and its :func:`stage` on ``on``; and how many there are."""
    where = [view_sessions.c.table_code == table] if table else []
    q = _with_openings().where(*where).order_by(view_sessions.c.date.desc(), view_sessions.c.table_code, view_sessions.c.id)
    with engine.connect() as c:
        total = int(c.execute(select(func.count()).select_from(view_sessions).where(*where)).scalar_one())
        found = [dict(r) for r in c.execute(q.limit(limit).offset(offset)).mappings()]
    return [{**r, "stage": stage(r, on)} for r in found], total


def next_session(engine: Engine, table: str, on: date) -> dict[str, Any] | None:
    """The session of ``table`` that comes next on ``on``: the earliest not closed that is
    dated ``on`` or later or whose meeting was opened; None when there is none."""
    q = _with_openings().where(
        view_sessions.c.table_code == table, view_sessions.c.closed.is_(False),
        or_(view_sessions.c.date >= on, view_session_openings.c.opened_on.is_not(None)),
    ).order_by(view_sessions.c.date, view_sessions.c.id).limit(1)
    found = rows(engine, q)
    return {**found[0], "stage": stage(found[0], on)} if found else None


def sessions_left_open(engine: Engine, table: str, on: date) -> list[dict[str, Any]]:
    """The sessions of ``table`` whose date is before ``on`` and that were never closed, the
    earliest first, each with its :func:`stage` (in progress): they still take positions and
    decisions, and :func:`next_session` (dated ``on`` or later, or opened) leaves them out."""
    q = _with_openings().where(
        view_sessions.c.table_code == table, view_sessions.c.closed.is_(False), view_sessions.c.date < on,
        view_session_openings.c.opened_on.is_(None),
    ).order_by(view_sessions.c.date, view_sessions.c.id)
    return [{**r, "stage": stage(r, on)} for r in rows(engine, q)]


def get_session(engine: Engine, session_id: str) -> dict[str, Any] | None:
    if not is_id(session_id):
        return None
    found = rows(engine, select(view_sessions).where(view_sessions.c.id == session_id))
    return found[0] if found else None


def agenda(engine: Engine, session_id: str) -> list[dict[str, Any]]:
    """Agenda items with the proposal's reference, title and status, and the latest positions.

    On an item still open, the position of someone who has left the table since stating it
    is listed with ``counted`` false and left out of ``counts``: the decision will not count
    it (issue 11, a member who left). On a decided item every position listed counted."""
    if not is_id(session_id):
        return []
    found = get_session(engine, session_id)
    members = {
        str(r["participant_id"]) for r in rows(engine, select(view_memberships.c.participant_id).where(view_memberships.c.table_code == found["table_code"]))
    } if found else set()
    q = (
        select(view_agenda_items, view_proposals.c.reference, view_proposals.c.title, view_proposals.c.status)
        .join(view_proposals, view_proposals.c.id == view_agenda_items.c.proposal_id)
        .where(view_agenda_items.c.session_id == session_id)
        .order_by(view_proposals.c.reference)
    )
    items = rows(engine, q)
    pos = rows(engine, select(view_positions).where(view_positions.c.session_id == session_id).order_by(view_positions.c.effective_date))
    for it in items:
        it["positions"] = [p | {"counted": bool(it["decision"]) or str(p["member_id"]) in members} for p in pos if p["proposal_id"] == it["proposal_id"]]
        counts = {"support": 0, "object": 0, "abstain": 0}
        for p in it["positions"]:
            counts[p["position"]] += p["counted"]
        it["counts"] = counts
    return items


# A proposal's sessions, built once (bound parameter): its page reads them.
_SESSIONS_OF_PROPOSAL = (
    select(view_agenda_items, view_sessions.c.reference.label("session_reference"), view_sessions.c.date, view_sessions.c.table_code)
    .join(view_sessions, view_sessions.c.id == view_agenda_items.c.session_id)
    .where(view_agenda_items.c.proposal_id == bindparam("proposal_id"))
    .order_by(view_sessions.c.date)
)


def sessions_of_proposal(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    return rows(engine, _SESSIONS_OF_PROPOSAL, {"proposal_id": proposal_id})


def session_opened_on(engine: Engine, session_id: str) -> Any:
    """The date a session's meeting was recorded as started (``open_session``), or None."""
    found = rows(engine, select(view_session_openings.c.opened_on).where(view_session_openings.c.session_id == session_id))
    return found[0]["opened_on"] if found else None


def _held_session_ids(engine: Engine) -> set[str]:
    """Sessions that met: opened, or took a position or a decision."""
    with engine.connect() as c:
        held = {r[0] for r in c.execute(select(view_session_openings.c.session_id))}
        held |= {r[0] for r in c.execute(select(view_positions.c.session_id).distinct())}
        held |= {r[0] for r in c.execute(select(view_agenda_items.c.session_id).where(view_agenda_items.c.decision.is_not(None)).distinct())}
    return held


def table_activity(engine: Engine, quarters: list[str] | None = None) -> list[dict[str, Any]]:
    """Cadence (seed, "Functioning": quarterly meetings): per working table and quarter,
    whether a session was held.

    ``quarters`` defaults to every quarter in which any session was scheduled. Each row:
    ``{table, quarter, scheduled, held, closed, decisions, session_held}`` (counts of
    sessions; ``session_held`` is True when at least one session met), ordered by
    quarter then table; a table without a session in a quarter has a row of zeros.
    """
    scheduled_rows = rows(engine, select(view_sessions.c.id, view_sessions.c.table_code, view_sessions.c.quarter, view_sessions.c.closed))
    held = _held_session_ids(engine)
    decided = rows(engine, select(view_agenda_items.c.session_id).where(view_agenda_items.c.decision.is_not(None)))
    decisions: dict[str, int] = {}
    for d in decided:
        decisions[d["session_id"]] = decisions.get(d["session_id"], 0) + 1
    wanted = sorted(set(quarters) if quarters is not None else {r["quarter"] for r in scheduled_rows})
    out = []
    for q in wanted:
        for table in sorted(table_objectives()):
            mine = [r for r in scheduled_rows if r["quarter"] == q and r["table_code"] == table]
            n_held = sum(1 for r in mine if r["id"] in held)
            out.append({
                "table": table, "quarter": q, "scheduled": len(mine), "held": n_held,
                "closed": sum(1 for r in mine if r["closed"]), "decisions": sum(decisions.get(r["id"], 0) for r in mine),
                "session_held": n_held > 0,
            })
    return out
