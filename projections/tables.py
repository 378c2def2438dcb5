"""Working tables and their representatives (the ``WorkingTable`` aggregate): who is a
member of which table since when, and every representative's term (elected, by-election,
vacated).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, Engine, String, delete, or_, select, update
from sqlalchemy.orm import Session

from domain.ids import table_code_of
from domain.working_table import WorkingTable
from projections.base import Id, Projection, rows, topic
from projections.statements import insert_row

projection = Projection("tables", version=1)

view_memberships = projection.table(
    "memberships",
    Column("table_code", String(8), primary_key=True),
    Column("participant_id", Id, primary_key=True),
    Column("joined_on", Date, nullable=False),
)

view_representatives = projection.table(
    "representatives",
    Column("seat", String(16), primary_key=True),
    Column("term_start", Date, primary_key=True),
    Column("table_code", String(8), nullable=False),
    Column("participant_id", Id, nullable=False),
    Column("term_end", Date, nullable=False),
    Column("vacated_on", Date),
    Column("by_election", Boolean, nullable=False, default=False),
    Column("parity_check", String(16), nullable=False),
    Column("session_id", Id),
)


# ---------------------------------------------------------------------------- handlers
def _table_code(e: Any) -> str:
    return table_code_of(e.originator_id)


@projection.on(topic(WorkingTable, "Registered"))
def table_registered(s: Session, e: Any, position: int) -> None:
    pass


@projection.on(topic(WorkingTable, "MemberJoined"))
def member_joined(s: Session, e: Any, position: int) -> None:
    insert_row(s, view_memberships, table_code=_table_code(e), participant_id=e.participant, joined_on=e.effective_date)


@projection.on(topic(WorkingTable, "MemberLeft"))
def member_left(s: Session, e: Any, position: int) -> None:
    s.execute(delete(view_memberships).where(view_memberships.c.table_code == _table_code(e), view_memberships.c.participant_id == e.participant))


@projection.on(topic(WorkingTable, "RepresentativeElected"))
def representative_elected(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_representatives,
        seat=e.seat, term_start=e.term_start, table_code=_table_code(e), participant_id=e.participant, term_end=e.term_end,
        by_election=e.by_election, parity_check=e.parity_check, session_id=e.session_id,
    )


@projection.on(topic(WorkingTable, "SeatVacated"))
def seat_vacated(s: Session, e: Any, position: int) -> None:
    r = view_representatives
    if getattr(e, "term_start", None) is not None:  # version 2: names the term (it may not have started)
        term = (r.c.seat == e.seat, r.c.term_start == e.term_start, r.c.vacated_on.is_(None))
        if e.effective_date <= e.term_start:
            # Vacated before its first day: never served, and a by-election may start that same day.
            s.execute(delete(r).where(*term))
        else:
            s.execute(update(r).where(*term).values(vacated_on=e.effective_date))
        return
    s.execute(update(r).where(
        r.c.seat == e.seat, r.c.participant_id == e.participant,
        r.c.vacated_on.is_(None), r.c.term_start <= e.effective_date,
        r.c.term_end >= e.effective_date,
    ).values(vacated_on=e.effective_date))


# ---------------------------------------------------------------------------- queries
def members(engine: Engine, table: str) -> list[dict[str, Any]]:
    return rows(engine, select(view_memberships).where(view_memberships.c.table_code == table).order_by(view_memberships.c.joined_on))


def member_tables(engine: Engine, participant_id: str) -> list[str]:
    found = rows(engine, select(view_memberships.c.table_code).where(view_memberships.c.participant_id == participant_id).order_by(view_memberships.c.table_code))
    return [r["table_code"] for r in found]


def representatives(engine: Engine, on: Any = None) -> list[dict[str, Any]]:
    """Terms of the representatives (all, or those in force on date ``on``), by seat.

    A term is in force from its start to its end, or to the day before its seat was
    vacated (``vacated_on`` is the first day the seat was empty).
    """
    q = select(view_representatives).order_by(view_representatives.c.seat, view_representatives.c.term_start)
    if on is not None:
        q = q.where(
            view_representatives.c.term_start <= on, view_representatives.c.term_end >= on,
            or_(view_representatives.c.vacated_on.is_(None), view_representatives.c.vacated_on > on),
        )
    return rows(engine, q)
