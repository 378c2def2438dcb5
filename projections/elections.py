"""Elections of the tables' representatives (the ``Election`` aggregate, issue 19): each
election's periods and result, its candidacies (statements and answers to the criteria,
redacted when the candidate's data is erased), its ballots (the latest of each voter), and
the balance of subregions and sectors the Liaison Table would have after it.

Who may read what is the application's decision (:mod:`application.access`): the pages
show ballots and answers to the table's members and auditors only.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Engine,
    Integer,
    String,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.election import Election, balance_holds
from domain.participant import Participant
from domain.reference import representative_seats
from projections.base import Id, Projection, is_id, rows, topic
from projections.people import view_organisations, view_participants
from projections.tables import view_representatives

projection = Projection("elections", version=1)

view_elections = projection.table(
    "elections",
    Column("id", Id, primary_key=True),
    Column("table_code", String(8), nullable=False),
    Column("seats", JSON, nullable=False),
    Column("term_start", Date, nullable=False),
    Column("nominations_close", Date, nullable=False),
    Column("voting_closes", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("ballots", Integer),
    Column("quorum", Integer),
    Column("result", JSON),  # {seats, ties, tally, ranking, tie_rule, excluded} once closed
)

view_candidacies = projection.table(
    "candidacies",
    Column("election_id", Id, primary_key=True),
    Column("candidate", Id, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("declared_on", Date, nullable=False),
    Column("statement", Text),
    Column("criteria", JSON),
    Column("withdrawn_on", Date),
)

view_ballots = projection.table(
    "ballots",
    Column("election_id", Id, primary_key=True),
    Column("voter", Id, primary_key=True),
    Column("choices", JSON, nullable=False),
    Column("cast_on", Date, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
@projection.on(topic(Election, "Opened"))
def opened(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_elections).values(
        id=str(e.originator_id), table_code=e.table, seats=list(e.seats), term_start=e.term_start,
        nominations_close=e.nominations_close, voting_closes=e.voting_closes, opened_on=e.effective_date,
    ))


@projection.on(topic(Election, "CandidacyDeclared"))
def candidacy_declared(s: Session, e: Any, position: int) -> None:
    eid = str(e.originator_id)
    c = view_candidacies
    s.execute(delete(c).where(c.c.election_id == eid, c.c.candidate == e.candidate))
    s.execute(insert(c).values(
        election_id=eid, candidate=e.candidate, seq=e.originator_version, declared_on=e.effective_date,
        statement=e.statement, criteria=e.criteria,
    ))


@projection.on(topic(Election, "CandidacyWithdrawn"))
def candidacy_withdrawn(s: Session, e: Any, position: int) -> None:
    c = view_candidacies
    s.execute(update(c).where(c.c.election_id == str(e.originator_id), c.c.candidate == e.candidate).values(withdrawn_on=e.effective_date))


@projection.on(topic(Election, "BallotCast"))
def ballot_cast(s: Session, e: Any, position: int) -> None:
    eid = str(e.originator_id)
    b = view_ballots
    s.execute(delete(b).where(b.c.election_id == eid, b.c.voter == e.voter))
    s.execute(insert(b).values(election_id=eid, voter=e.voter, choices=list(e.choices), cast_on=e.effective_date))


@projection.on(topic(Election, "Closed"))
def closed(s: Session, e: Any, position: int) -> None:
    result = {
        "seats": e.seats, "ties": e.ties, "tally": e.tally, "ranking": e.ranking, "tie_rule": e.tie_rule,
        "excluded": e.excluded, "settings_version": e.settings_version,
    }
    s.execute(update(view_elections).where(view_elections.c.id == str(e.originator_id)).values(
        closed_on=e.effective_date, ballots=e.ballots, quorum=e.quorum, result=result,
    ))


@projection.on(topic(Participant, "PersonalDataErased"))
def candidate_erased(s: Session, e: Any, position: int) -> None:
    # A rebuild reads the candidacy with its key gone (None): both end with the same rows.
    s.execute(update(view_candidacies).where(view_candidacies.c.candidate == str(e.originator_id)).values(statement=None, criteria=None))


# ---------------------------------------------------------------------------- queries
def elections(engine: Engine, table: str | None = None) -> list[dict[str, Any]]:
    """Every election (of ``table`` when given), the latest opened first."""
    q = select(view_elections).order_by(view_elections.c.opened_on.desc(), view_elections.c.term_start.desc())
    if table:
        q = q.where(view_elections.c.table_code == table)
    return rows(engine, q)


def election(engine: Engine, election_id: str) -> dict[str, Any] | None:
    if not is_id(election_id):
        return None
    found = rows(engine, select(view_elections).where(view_elections.c.id == election_id))
    return found[0] if found else None


def candidacies(engine: Engine, election_id: str) -> list[dict[str, Any]]:
    """The candidacies, in the order declared (withdrawn ones with their date)."""
    c = view_candidacies
    if not is_id(election_id):
        return []
    return rows(engine, select(c).where(c.c.election_id == election_id).order_by(c.c.seq))


def ballots(engine: Engine, election_id: str) -> list[dict[str, Any]]:
    """The latest ballot of each voter, in the order cast."""
    b = view_ballots
    if not is_id(election_id):
        return []
    return rows(engine, select(b).where(b.c.election_id == election_id).order_by(b.c.cast_on, b.c.voter))


def _profile(engine: Engine, participant_id: str) -> tuple[str, str] | None:
    """(subregion, sector) of a representative: their latest candidacy's answers, else their
    organisation's; None when neither is known (erased, no organisation)."""
    c = view_candidacies
    found = rows(engine, select(c.c.criteria).where(c.c.candidate == participant_id, c.c.criteria.is_not(None)).order_by(c.c.declared_on.desc()))
    if found and found[0]["criteria"]:
        return str(found[0]["criteria"]["subregion"]), str(found[0]["criteria"]["sector"])
    p, o = view_participants, view_organisations
    org = rows(engine, select(o.c.subregion, o.c.stakeholder_group).join(p, p.c.organisation_id == o.c.id).where(p.c.id == participant_id))
    return (org[0]["subregion"], org[0]["stakeholder_group"]) if org else None


def balance(engine: Engine, election_id: str) -> dict[str, Any]:
    """The Liaison Table's eight representative seats on the election's term start, with
    its result (its seats ``pending`` until it closes): counts of subregions and sectors,
    of vacant, pending and unknown seats, and whether each balance holds
    (:func:`domain.election.balance_holds`): the public sees only that. Never a person,
    never a gender."""
    found = election(engine, election_id)
    if found is None:
        return {}
    on: date = found["term_start"]
    r = view_representatives
    held = {x["seat"]: x["participant_id"] for x in rows(engine, select(r).where(r.c.term_start <= on, r.c.term_end >= on, (r.c.vacated_on.is_(None)) | (r.c.vacated_on > on)))}
    if found["result"]:
        held.update({s["seat"]: s["participant"] for s in found["result"]["seats"]})
    subregions: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    counts = {"vacant": 0, "pending": 0, "unknown": 0}
    for seat in representative_seats():
        if seat in found["seats"] and not found["result"]:
            counts["pending"] += 1
            continue
        holder = held.get(seat)
        profile = _profile(engine, holder) if holder else None
        if holder is None:
            counts["vacant"] += 1
        elif profile is None:
            counts["unknown"] += 1
        else:
            subregions[profile[0]] += 1
            sectors[profile[1]] += 1
    seats = len(representative_seats())
    return {
        "subregions": dict(sorted(subregions.items())), "sectors": dict(sorted(sectors.items())), **counts,
        "holds": {"subregions": balance_holds(subregions, seats), "sectors": balance_holds(sectors, seats)},
    }
