"""Queries on the read models: plain data (dicts and lists), never aggregates.

Personal data: names come from the participant directory; an erased person reads as a
stable pseudonym. Callers decide who may see names (``web`` checks the viewer's role).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, or_, select

from domain.liaison_table import UN_SEATS
from domain.participant import pseudonym
from domain.reference import representative_seats, table_objectives
from projections import models as m

ADOPTED_OR_LATER = ("adopted", "under_liaison_review", "endorsed", "not_endorsed", "published")
DRAFT_STATUSES = ("draft", "submitted", "on_agenda", "returned_for_revision")


def _rows(engine: Engine, query: Any) -> list[dict[str, Any]]:
    with engine.connect() as c:
        return [dict(r) for r in c.execute(query).mappings()]


def list_recommendations(
    engine: Engine, *, status: str | list[str] | tuple[str, ...] | None = None, table: str | None = None, objective: int | None = None,
) -> list[dict[str, Any]]:
    """Proposals on the board, ordered by table then reference.

    Each: ``id, reference, title, status, table, objectives, targets, language, version,
    content_version, author_id, co_author_ids, drafted_on, updated_on, published_on, recipients``.
    """
    q = select(m.proposals).order_by(m.proposals.c.table_code, m.proposals.c.reference, m.proposals.c.drafted_on)
    if isinstance(status, str):
        q = q.where(m.proposals.c.status == status)
    elif status:
        q = q.where(m.proposals.c.status.in_(list(status)))
    if table:
        q = q.where(m.proposals.c.table_code == table)
    out = []
    for r in _rows(engine, q):
        if objective is not None and objective not in r["objectives"]:
            continue
        r["table"] = r.pop("table_code")
        out.append(r)
    return out


def get_proposal(engine: Engine, proposal_id: str) -> dict[str, Any] | None:
    rows = _rows(engine, select(m.proposals).where(m.proposals.c.id == proposal_id))
    if not rows:
        return None
    r = rows[0]
    r["table"] = r.pop("table_code")
    return r


def proposal_versions(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    """Content versions of a proposal (1 = as drafted), oldest first."""
    return _rows(engine, select(m.proposal_versions).where(m.proposal_versions.c.proposal_id == proposal_id).order_by(m.proposal_versions.c.content_version))


def amendments_of(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    return _rows(engine, select(m.amendments).where(m.amendments.c.proposal_id == proposal_id).order_by(m.amendments.c.proposed_on, m.amendments.c.reference))


def list_sessions(engine: Engine, table: str | None = None) -> list[dict[str, Any]]:
    q = select(m.sessions).order_by(m.sessions.c.date, m.sessions.c.table_code)
    if table:
        q = q.where(m.sessions.c.table_code == table)
    return _rows(engine, q)


def get_session(engine: Engine, session_id: str) -> dict[str, Any] | None:
    rows = _rows(engine, select(m.sessions).where(m.sessions.c.id == session_id))
    return rows[0] if rows else None


def agenda(engine: Engine, session_id: str) -> list[dict[str, Any]]:
    """Agenda items with the proposal's reference, title and status, and the latest positions."""
    q = (
        select(m.agenda_items, m.proposals.c.reference, m.proposals.c.title, m.proposals.c.status)
        .join(m.proposals, m.proposals.c.id == m.agenda_items.c.proposal_id)
        .where(m.agenda_items.c.session_id == session_id)
        .order_by(m.proposals.c.reference)
    )
    items = _rows(engine, q)
    pos = _rows(engine, select(m.positions).where(m.positions.c.session_id == session_id).order_by(m.positions.c.effective_date))
    for it in items:
        it["positions"] = [p for p in pos if p["proposal_id"] == it["proposal_id"]]
        counts = {"support": 0, "object": 0, "abstain": 0}
        for p in it["positions"]:
            counts[p["position"]] += 1
        it["counts"] = counts
    return items


def sessions_of_proposal(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    q = (
        select(m.agenda_items, m.sessions.c.reference.label("session_reference"), m.sessions.c.date, m.sessions.c.table_code)
        .join(m.sessions, m.sessions.c.id == m.agenda_items.c.session_id)
        .where(m.agenda_items.c.proposal_id == proposal_id)
        .order_by(m.sessions.c.date)
    )
    return _rows(engine, q)


def endorsement_rounds(engine: Engine, proposal_id: str | None = None, *, open_only: bool = False) -> list[dict[str, Any]]:
    q = select(m.endorsement_rounds, m.proposals.c.reference, m.proposals.c.title, m.proposals.c.table_code).join(
        m.proposals, m.proposals.c.id == m.endorsement_rounds.c.proposal_id
    ).order_by(m.endorsement_rounds.c.opened_on, m.proposals.c.reference)
    if proposal_id:
        q = q.where(m.endorsement_rounds.c.proposal_id == proposal_id)
    if open_only:
        q = q.where(m.endorsement_rounds.c.outcome.is_(None))
    rounds = _rows(engine, q)
    votes = _rows(engine, select(m.endorsement_votes).order_by(m.endorsement_votes.c.seat))
    for r in rounds:
        r["votes"] = [v for v in votes if v["round_id"] == r["id"]]
        r["counts"] = {k: sum(1 for v in r["votes"] if v["vote"] == k) for k in ("endorse", "object")}
    return rounds


def representatives(engine: Engine, on: Any = None) -> list[dict[str, Any]]:
    """Terms of the representatives (all, or those in force on date ``on``), by seat.

    A term is in force from its start to its end, or to the day before its seat was
    vacated (``vacated_on`` is the first day the seat was empty).
    """
    q = select(m.representatives).order_by(m.representatives.c.seat, m.representatives.c.term_start)
    if on is not None:
        q = q.where(
            m.representatives.c.term_start <= on, m.representatives.c.term_end >= on,
            or_(m.representatives.c.vacated_on.is_(None), m.representatives.c.vacated_on > on),
        )
    return _rows(engine, q)


def government_responses(engine: Engine, proposal_id: str | None = None) -> list[dict[str, Any]]:
    q = select(m.government_responses, m.proposals.c.reference, m.proposals.c.title).join(
        m.proposals, m.proposals.c.id == m.government_responses.c.proposal_id
    ).order_by(m.government_responses.c.response_date, m.government_responses.c.position)
    if proposal_id:
        q = q.where(m.government_responses.c.proposal_id == proposal_id)
    return _rows(engine, q)


def members(engine: Engine, table: str) -> list[dict[str, Any]]:
    return _rows(engine, select(m.memberships).where(m.memberships.c.table_code == table).order_by(m.memberships.c.joined_on))


def member_tables(engine: Engine, participant_id: str) -> list[str]:
    return [r["table_code"] for r in _rows(engine, select(m.memberships.c.table_code).where(m.memberships.c.participant_id == participant_id).order_by(m.memberships.c.table_code))]


def directory(engine: Engine) -> dict[str, dict[str, Any]]:
    """Participant id → ``{reference, name, erased}``; erased people get their pseudonym."""
    out = {}
    for r in _rows(engine, select(m.participants.c.id, m.participants.c.reference, m.participants.c.display_name, m.participants.c.erased)):
        out[r["id"]] = {
            "reference": r["reference"],
            "name": pseudonym(r["id"]) if r["erased"] or not r["display_name"] else r["display_name"],
            "erased": bool(r["erased"]),
        }
    return out


def participants(engine: Engine) -> list[dict[str, Any]]:
    """The directory as a list ordered by reference (names resolved, erased pseudonymised)."""
    d = directory(engine)
    return sorted(({"id": k, **v} for k, v in d.items()), key=lambda r: (r["reference"], r["name"]))


def organisations(engine: Engine) -> list[dict[str, Any]]:
    return _rows(engine, select(m.organisations).order_by(m.organisations.c.name))


def status_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return {s: n for s, n in c.execute(select(m.proposals.c.status, func.count()).group_by(m.proposals.c.status))}


def current_settings(engine: Engine) -> dict[str, Any] | None:
    rows = _rows(engine, select(m.settings).order_by(m.settings.c.version.desc()).limit(1))
    return rows[0] if rows else None


SMALL_COUNT = 5
PARTICIPATION_DIMENSIONS = ("stakeholder_group", "subregion", "language", "gender")


def suppress_small_counts(cells: list[tuple[str, int]], threshold: int = SMALL_COUNT) -> list[dict[str, Any]]:
    """The cells of one dimension (``[(value, count)]``) as published.

    A count below ``threshold`` reads ``"<5"`` (for the default threshold); when exactly
    one cell is that small, the smallest other cell reads ``"suppressed"``, so the small
    one cannot be derived from the total. Shown counts come first, largest first (ties
    by value), then the suppressed cells by value. Returns ``[{"value", "count"}]``.
    """
    ordered = sorted(cells, key=lambda c: (-c[1], c[0]))
    hidden = {v: f"<{threshold}" for v, n in ordered if n < threshold}
    shown = [(v, n) for v, n in ordered if v not in hidden]
    if len(hidden) == 1 and shown:
        hidden[shown[-1][0]] = "suppressed"
        shown = shown[:-1]
    return [{"value": v, "count": n} for v, n in shown] + [{"value": v, "count": hidden[v]} for v in sorted(hidden)]


def participation(engine: Engine, *, threshold: int = SMALL_COUNT) -> dict[str, Any]:
    """Participation statistics for anyone to read: counts of people (erased people are
    not counted) by stakeholder group and subregion of their organisation, preferred
    language and gender (DESIGN.md, "Projections": small counts suppressed so that no
    person can be singled out; :func:`suppress_small_counts`).

    Returns ``{"threshold": 5, "total": int | "<5", "dimensions": {dimension: [{"value":
    str, "count": int | "<5" | "suppressed"}]}}`` with the dimensions
    ``stakeholder_group``, ``subregion``, ``language`` and ``gender``.
    """
    rows = _rows(engine, select(m.participation.c.dimension, m.participation.c.value, m.participation.c.count))
    total = sum(r["count"] for r in rows if r["dimension"] == "gender")
    dimensions = {
        d: suppress_small_counts([(r["value"], int(r["count"])) for r in rows if r["dimension"] == d], threshold)
        for d in PARTICIPATION_DIMENSIONS
    }
    return {"threshold": threshold, "total": total if total >= threshold else f"<{threshold}", "dimensions": dimensions}


# ---------------------------------------------------------------------------- rules and cadence (issue 3)
def _held_session_ids(engine: Engine) -> set[str]:
    """Sessions that met: opened, or took a position or a decision."""
    with engine.connect() as c:
        held = {r[0] for r in c.execute(select(m.session_openings.c.session_id))}
        held |= {r[0] for r in c.execute(select(m.positions.c.session_id).distinct())}
        held |= {r[0] for r in c.execute(select(m.agenda_items.c.session_id).where(m.agenda_items.c.decision.is_not(None)).distinct())}
    return held


def table_activity(engine: Engine, quarters: list[str] | None = None) -> list[dict[str, Any]]:
    """Cadence (seed, "Functioning": quarterly meetings): per working table and quarter,
    whether a session was held.

    ``quarters`` defaults to every quarter in which any session was scheduled. Each row:
    ``{table, quarter, scheduled, held, closed, decisions, session_held}`` (counts of
    sessions; ``session_held`` is True when at least one session met), ordered by
    quarter then table; a table without a session in a quarter has a row of zeros.
    """
    sessions = _rows(engine, select(m.sessions.c.id, m.sessions.c.table_code, m.sessions.c.quarter, m.sessions.c.closed))
    held = _held_session_ids(engine)
    decided = _rows(engine, select(m.agenda_items.c.session_id).where(m.agenda_items.c.decision.is_not(None)))
    decisions: dict[str, int] = {}
    for d in decided:
        decisions[d["session_id"]] = decisions.get(d["session_id"], 0) + 1
    wanted = sorted(set(quarters) if quarters is not None else {r["quarter"] for r in sessions})
    out = []
    for q in wanted:
        for table in sorted(table_objectives()):
            mine = [r for r in sessions if r["quarter"] == q and r["table_code"] == table]
            n_held = sum(1 for r in mine if r["id"] in held)
            out.append({
                "table": table, "quarter": q, "scheduled": len(mine), "held": n_held,
                "closed": sum(1 for r in mine if r["closed"]), "decisions": sum(decisions.get(r["id"], 0) for r in mine),
                "session_held": n_held > 0,
            })
    return out


def un_seats(engine: Engine, on: Any = None) -> list[dict[str, Any]]:
    """UN agency nominations (all, or those in force on date ``on``), by seat and date."""
    q = select(m.un_seats).order_by(m.un_seats.c.seat, m.un_seats.c.nominated_on, m.un_seats.c.position)
    rows = _rows(engine, q)
    if on is not None:
        rows = [r for r in rows if r["nominated_on"] <= on and (r["vacated_on"] is None or on < r["vacated_on"])]
    return rows


def liaison_table(engine: Engine, on: Any) -> list[dict[str, Any]]:
    """The Liaison Table's 10 seats on date ``on`` (seed, "Architecture"): the 8
    representative seats derived from the tables' elections and the 2 UN agency seats.

    Each: ``{seat, kind ("representative" | "un_agency"), table, participant_id, agency,
    since, until}``; a vacant seat has ``participant_id`` and ``agency`` None.
    """
    reps = {r["seat"]: r for r in representatives(engine, on=on)}
    out: list[dict[str, Any]] = []
    for seat in representative_seats():
        r = reps.get(seat)
        out.append({
            "seat": seat, "kind": "representative", "table": seat.split("-")[1],
            "participant_id": r["participant_id"] if r else None, "agency": None,
            "since": r["term_start"] if r else None, "until": r["term_end"] if r else None,
        })
    nominated = {r["seat"]: r for r in un_seats(engine, on=on)}
    for seat in UN_SEATS:
        n = nominated.get(seat)
        out.append({
            "seat": seat, "kind": "un_agency", "table": None, "participant_id": n["focal_point_id"] if n else None,
            "agency": n["agency"] if n else None, "since": n["nominated_on"] if n else None, "until": None,
        })
    return out


def follow_ups(engine: Engine, proposal_id: str | None = None) -> list[dict[str, Any]]:
    """Follow-up entries (implementation progress per state), oldest first, with the
    recommendation's reference and title."""
    q = select(m.follow_ups, m.proposals.c.reference, m.proposals.c.title).join(
        m.proposals, m.proposals.c.id == m.follow_ups.c.proposal_id
    ).order_by(m.follow_ups.c.progress_date, m.follow_ups.c.position)
    if proposal_id:
        q = q.where(m.follow_ups.c.proposal_id == proposal_id)
    return _rows(engine, q)


def government_dialogues(engine: Engine) -> list[dict[str, Any]]:
    """Biannual dialogues with governments, by date, each with ``presented``: the
    recommendations presented (``proposal_id, reference, title, version, presented_on``)."""
    dialogues = _rows(engine, select(m.government_dialogues).order_by(m.government_dialogues.c.date))
    presented = _rows(engine, select(m.dialogue_presentations, m.proposals.c.reference, m.proposals.c.title).join(
        m.proposals, m.proposals.c.id == m.dialogue_presentations.c.proposal_id
    ).order_by(m.proposals.c.reference))
    for d in dialogues:
        d["presented"] = [p for p in presented if p["dialogue_id"] == d["id"]]
    return dialogues


def session_opened_on(engine: Engine, session_id: str) -> Any:
    """The date a session's meeting was recorded as started (``open_session``), or None."""
    rows = _rows(engine, select(m.session_openings.c.opened_on).where(m.session_openings.c.session_id == session_id))
    return rows[0]["opened_on"] if rows else None


def un_advice(engine: Engine, round_id: str | None = None) -> list[dict[str, Any]]:
    """UN agency advice recorded on endorsement rounds (``round_id, seat, agency, advice,
    effective_date``), oldest first."""
    q = select(m.un_advice).order_by(m.un_advice.c.effective_date, m.un_advice.c.position)
    if round_id:
        q = q.where(m.un_advice.c.round_id == round_id)
    return _rows(engine, q)


def settings_history(engine: Engine) -> list[dict[str, Any]]:
    """Every version of the mechanism's settings (``version, values, effective_date``), newest first."""
    return _rows(engine, select(m.settings).order_by(m.settings.c.version.desc()))
