"""The Liaison Table: endorsement rounds (the ``LiaisonEndorsement`` aggregate) with their
votes and the UN agencies' advice, and the UN agency seats (the ``LiaisonTable``
aggregate); the table's 10 seats on a date.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Engine,
    Integer,
    String,
    Text,
    bindparam,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.endorsement import LiaisonEndorsement
from domain.liaison_table import UN_SEATS, LiaisonTable
from domain.reference import representative_seats
from projections.base import BigInt, Id, Projection, rows, topic
from projections.proposals import view_proposals
from projections.statements import insert_row, replace_row
from projections.tables import representatives

projection = Projection("liaison", version=1)

view_endorsement_rounds = projection.table(
    "endorsement_rounds",
    Column("id", Id, primary_key=True),
    Column("proposal_id", Id, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("outcome", String(16)),
    Column("tally", JSON),
    Column("closed_on", Date),
)

view_endorsement_votes = projection.table(
    "endorsement_votes",
    Column("round_id", Id, primary_key=True),
    Column("seat", String(16), primary_key=True),
    Column("participant_id", Id, nullable=False),
    Column("vote", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("effective_date", Date, nullable=False),
)

view_un_advice = projection.table(
    "un_advice",
    Column("round_id", Id, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("seat", String(16), nullable=False),
    Column("agency", Text, nullable=False),
    Column("advice", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
)

view_un_seats = projection.table(
    "un_seats",
    # UN agency seats of the Liaison Table: one row per nomination.
    Column("seat", String(16), primary_key=True),
    Column("nominated_on", Date, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("agency", Text, nullable=False),
    Column("focal_point_id", Id),
    Column("consensus_record", Text, nullable=False),
    Column("vacated_on", Date),
)


# ---------------------------------------------------------------------------- handlers
def _pid(e: Any) -> str:
    return str(e.originator_id)


@projection.on(topic(LiaisonEndorsement, "Opened"))
def round_opened(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_endorsement_rounds,
        id=_pid(e), proposal_id=e.proposal_id, version=e.version, opened_on=e.effective_date, closes_on=e.closes_on,
    )


@projection.on(topic(LiaisonEndorsement, "VoteRecorded"))
def vote_recorded(s: Session, e: Any, position: int) -> None:
    votes = view_endorsement_votes
    replace_row(
        s, votes, round_id=_pid(e), seat=e.seat, participant_id=e.participant, vote=e.vote, reason=e.reason, effective_date=e.effective_date,
    )


@projection.on(topic(LiaisonEndorsement, "UnAdviceRecorded"))
def un_advice_recorded(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_un_advice,
        round_id=_pid(e), position=position, seat=e.seat, agency=e.agency, advice=e.advice, effective_date=e.effective_date,
    )


@projection.on(topic(LiaisonEndorsement, "Closed"))
def round_closed(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_endorsement_rounds).where(view_endorsement_rounds.c.id == _pid(e)).values(
        outcome=e.outcome, tally=dict(e.tally), closed_on=e.effective_date,
    ))


@projection.on(topic(LiaisonTable, "Constituted"))
def liaison_table_constituted(s: Session, e: Any, position: int) -> None:
    pass


@projection.on(topic(LiaisonTable, "UnAgencyNominated"))
def un_agency_nominated(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_un_seats,
        seat=e.seat, nominated_on=e.effective_date, position=position, agency=e.agency, focal_point_id=e.focal_point,
        consensus_record=e.consensus_record,
    )


@projection.on(topic(LiaisonTable, "UnSeatVacated"))
def un_seat_vacated(s: Session, e: Any, position: int) -> None:
    seats = view_un_seats
    s.execute(update(seats).where(seats.c.seat == e.seat, seats.c.vacated_on.is_(None)).values(vacated_on=e.effective_date))


# ---------------------------------------------------------------------------- queries
# The rounds with their proposal's reference, title and table; one proposal's rounds and the
# votes of given rounds built once (bound parameters): its page reads them.
_ROUNDS = (
    select(view_endorsement_rounds, view_proposals.c.reference, view_proposals.c.title, view_proposals.c.table_code)
    .join(view_proposals, view_proposals.c.id == view_endorsement_rounds.c.proposal_id)
    .order_by(view_endorsement_rounds.c.opened_on, view_proposals.c.reference)
)
_ROUNDS_OF = _ROUNDS.where(view_endorsement_rounds.c.proposal_id == bindparam("proposal_id"))
_ROUNDS_OF_ANY = _ROUNDS.where(view_endorsement_rounds.c.proposal_id.in_(bindparam("proposal_ids", expanding=True)))
_VOTES_OF = (
    select(view_endorsement_votes).where(view_endorsement_votes.c.round_id.in_(bindparam("round_ids", expanding=True)))
    .order_by(view_endorsement_votes.c.seat)
)


def endorsement_rounds(
    engine: Engine, proposal_id: str | None = None, *, open_only: bool = False, proposal_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Endorsement rounds with their votes and counts: every round, one proposal's, those of
    ``proposal_ids`` (a page's), or the open ones."""
    if proposal_id and not open_only and proposal_ids is None:
        found = rows(engine, _ROUNDS_OF, {"proposal_id": proposal_id})
        return _with_votes(found, rows(engine, _VOTES_OF, {"round_ids": [r["id"] for r in found]}) if found else [])
    if proposal_ids is not None and not proposal_id and not open_only:
        # A page's rounds (the adopted recommendations' page and the API's board).
        found = rows(engine, _ROUNDS_OF_ANY, {"proposal_ids": list(proposal_ids)}) if proposal_ids else []
        return _with_votes(found, rows(engine, _VOTES_OF, {"round_ids": [r["id"] for r in found]}) if found else [])
    r, q = view_endorsement_rounds, _ROUNDS
    if proposal_id:
        q = q.where(r.c.proposal_id == proposal_id)
    if proposal_ids is not None:
        q = q.where(r.c.proposal_id.in_(proposal_ids))
    if open_only:
        q = q.where(r.c.outcome.is_(None))
    found = rows(engine, q)
    v = view_endorsement_votes
    # Only the votes of the rounds found (one page's rounds, not every vote ever cast).
    narrowed = proposal_id or open_only or proposal_ids is not None
    wanted = select(v).where(v.c.round_id.in_([r["id"] for r in found])).order_by(v.c.seat) if narrowed else select(v).order_by(v.c.seat)
    return _with_votes(found, rows(engine, wanted) if found else [])


def _with_votes(found: list[dict[str, Any]], votes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each round of ``found`` with its ``votes`` (of ``votes``, by seat) and their counts."""
    by_round: dict[str, list[dict[str, Any]]] = {}
    for vote in votes:
        by_round.setdefault(vote["round_id"], []).append(vote)
    for rnd in found:
        rnd["votes"] = by_round.get(rnd["id"], [])
        rnd["counts"] = {k: sum(1 for v in rnd["votes"] if v["vote"] == k) for k in ("endorse", "object")}
    return found


def un_advice(engine: Engine, round_id: str | None = None) -> list[dict[str, Any]]:
    """UN agency advice recorded on endorsement rounds (``round_id, seat, agency, advice,
    effective_date``), oldest first."""
    q = select(view_un_advice).order_by(view_un_advice.c.effective_date, view_un_advice.c.position)
    if round_id:
        q = q.where(view_un_advice.c.round_id == round_id)
    return rows(engine, q)


def un_seats(engine: Engine, on: Any = None) -> list[dict[str, Any]]:
    """UN agency nominations (all, or those in force on date ``on``), by seat and date."""
    q = select(view_un_seats).order_by(view_un_seats.c.seat, view_un_seats.c.nominated_on, view_un_seats.c.position)
    found = rows(engine, q)
    if on is not None:
        found = [r for r in found if r["nominated_on"] <= on and (r["vacated_on"] is None or on < r["vacated_on"])]
    return found


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
