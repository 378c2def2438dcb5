"""Requests to join the mechanism through a working table (issue 17, "Requests to join the
mechanism through a table"): one row per request with its status and its decision (the
``JoinRequests`` aggregate).

No personal field is ever written here: the requester's name, organisation, motivation and
contact address are sealed personal fields of ``RequestMade`` (the handlers never read
them). Those who decide read them from the aggregate (``DialogueApplication.join_requests``);
this view says which requests exist, when they were made, and what became of them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Column, Date, Engine, String, Text, insert, select, update
from sqlalchemy.orm import Session

from domain.join_request import JoinRequests, join_requests_id
from domain.reference import table_objectives
from projections.base import BigInt, Id, Projection, is_id, rows, topic

projection = Projection("join_requests", version=1)

view_join_requests = projection.table(
    "join_requests",
    Column("id", Id, primary_key=True),
    Column("table_code", String(8), nullable=False, index=True),
    Column("made_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("ground", String(24), nullable=True),
    Column("reason", Text, nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("participant_id", Id, nullable=True),
    Column("erased", Boolean, nullable=False, default=False),
    Column("position", BigInt, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
@projection.on(topic(JoinRequests, "RequestMade"))
def request_made(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_join_requests).values(
        id=e.request_id, table_code=table_of(e.originator_id), made_on=e.effective_date, status="pending", erased=False, position=position,
    ))


@projection.on(topic(JoinRequests, "RequestDecided"))
def request_decided(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_join_requests).where(view_join_requests.c.id == e.request_id).values(
        status="accepted" if e.decision == "accept" else "declined", ground=e.ground, reason=e.reason or None,
        decided_on=e.effective_date, participant_id=e.participant,
    ))


@projection.on(topic(JoinRequests, "RequesterErased"))
def requester_erased(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_join_requests).where(view_join_requests.c.id == e.request_id).values(erased=True))


def table_of(requests_id: Any) -> str:
    """The table whose requests have the aggregate id ``requests_id`` (derived from the
    table's code: read back from the ids of the known tables)."""
    for code in table_objectives():
        if join_requests_id(code) == UUID(str(requests_id)):
            return code
    raise ValueError(f"join requests {requests_id} of no known table")


# ---------------------------------------------------------------------------- queries
def requests_of_table(engine: Engine, table: str, status: str | None = None) -> list[dict[str, Any]]:
    """The requests made to ``table`` (of ``status`` if given), oldest first."""
    q = select(view_join_requests).where(view_join_requests.c.table_code == table)
    if status is not None:
        q = q.where(view_join_requests.c.status == status)
    return rows(engine, q.order_by(view_join_requests.c.position))


def pending_requests(engine: Engine, tables: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Pending requests of ``tables`` (every table when None), oldest first."""
    q = select(view_join_requests).where(view_join_requests.c.status == "pending")
    if tables is not None:
        q = q.where(view_join_requests.c.table_code.in_(tables))
    return rows(engine, q.order_by(view_join_requests.c.position))


def get_request(engine: Engine, request_id: str) -> dict[str, Any] | None:
    if not is_id(request_id):
        return None
    found = rows(engine, select(view_join_requests).where(view_join_requests.c.id == request_id))
    return found[0] if found else None

