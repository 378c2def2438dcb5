"""Follow-up and dialogues with governments: the governments' responses to published
recommendations and the follow-up of their implementation (``Proposal`` events), and the
biannual dialogues with governments where recommendations are presented (the
``GovernmentDialogue`` aggregate).
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
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from domain.government_dialogue import GovernmentDialogue
from domain.proposal import Proposal
from projections.base import BigInt, Id, Projection, rows, topic
from projections.proposals import view_proposals

projection = Projection("follow_up", version=1)

view_government_responses = projection.table(
    "government_responses",
    Column("proposal_id", Id, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("country", String(2), nullable=False),
    Column("status", String(32), nullable=False),
    Column("response", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("responding_entity", Text, nullable=False, default=""),
    Column("response_date", Date, nullable=False),
)

view_follow_ups = projection.table(
    "follow_ups",
    Column("proposal_id", Id, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("country", String(2), nullable=False),
    Column("progress", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("progress_date", Date, nullable=False),
    Column("recorded_on", Date, nullable=False),
)

view_government_dialogues = projection.table(
    "government_dialogues",
    Column("id", Id, primary_key=True),
    Column("period", String(8), nullable=False, unique=True),
    Column("date", Date, nullable=False),
    Column("title", Text, nullable=False),
    Column("governments", JSON, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("facilitator", Text, nullable=False),
)

view_dialogue_presentations = projection.table(
    "dialogue_presentations",
    Column("dialogue_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("presented_on", Date, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
def _pid(e: Any) -> str:
    return str(e.originator_id)


@projection.on(topic(Proposal, "GovernmentResponseRecorded"))
def government_response(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_government_responses).values(
        proposal_id=_pid(e), position=position, country=e.country, status=e.status, response=e.response,
        language=e.language, responding_entity=e.responding_entity, response_date=e.response_date,
    ))


@projection.on(topic(Proposal, "FollowUpRecorded"))
def follow_up_recorded(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_follow_ups).values(
        proposal_id=_pid(e), position=position, country=e.country, progress=e.progress, note=e.note,
        progress_date=e.progress_date, recorded_on=e.effective_date,
    ))


@projection.on(topic(GovernmentDialogue, "Scheduled"))
def government_dialogue_scheduled(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_government_dialogues).values(
        id=_pid(e), period=e.period, date=e.date, title=e.title, governments=list(e.governments), mode=e.mode, facilitator=e.facilitator,
    ))


@projection.on(topic(GovernmentDialogue, "RecommendationPresented"))
def recommendation_presented(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_dialogue_presentations).values(
        dialogue_id=_pid(e), proposal_id=e.proposal_id, version=e.version, note=e.note, presented_on=e.effective_date,
    ))


# ---------------------------------------------------------------------------- queries
# The responses and the follow-up with their recommendation's reference and title, oldest
# first; one proposal's built once (bound parameters): its page reads them.
_RESPONSES = (
    select(view_government_responses, view_proposals.c.reference, view_proposals.c.title)
    .join(view_proposals, view_proposals.c.id == view_government_responses.c.proposal_id)
    .order_by(view_government_responses.c.response_date, view_government_responses.c.position)
)
_RESPONSES_OF = _RESPONSES.where(view_government_responses.c.proposal_id == bindparam("proposal_id"))
_RESPONSES_OF_ANY = _RESPONSES.where(view_government_responses.c.proposal_id.in_(bindparam("proposal_ids", expanding=True)))
_FOLLOW_UPS = (
    select(view_follow_ups, view_proposals.c.reference, view_proposals.c.title)
    .join(view_proposals, view_proposals.c.id == view_follow_ups.c.proposal_id)
    .order_by(view_follow_ups.c.progress_date, view_follow_ups.c.position)
)
_FOLLOW_UPS_OF = _FOLLOW_UPS.where(view_follow_ups.c.proposal_id == bindparam("proposal_id"))


def government_responses(engine: Engine, proposal_id: str | None = None, *, proposal_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Government responses, oldest first: every one, one proposal's, or those of ``proposal_ids`` (a page's)."""
    if proposal_id and proposal_ids is None:
        return rows(engine, _RESPONSES_OF, {"proposal_id": proposal_id})
    if proposal_ids is not None and not proposal_id:
        return rows(engine, _RESPONSES_OF_ANY, {"proposal_ids": list(proposal_ids)}) if proposal_ids else []
    r, q = view_government_responses, _RESPONSES
    if proposal_id:
        q = q.where(r.c.proposal_id == proposal_id)
    if proposal_ids is not None:
        q = q.where(r.c.proposal_id.in_(proposal_ids))
    return rows(engine, q)


def page_of_government_responses(engine: Engine, *, country: str | None = None, limit: int = 10, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """One page of the government responses (of ``country``, or of every state), the latest
    response first (then the log's order), each with the recommendation's reference and
    title; and how many there are."""
    r, p = view_government_responses, view_proposals
    where = [r.c.country == country] if country else []
    q = select(r, p.c.reference, p.c.title, p.c.language.label("proposal_language")).join(p, p.c.id == r.c.proposal_id).where(*where)
    with engine.connect() as c:
        total = int(c.execute(select(func.count()).select_from(r).where(*where)).scalar_one())
        found = [dict(x) for x in c.execute(q.order_by(r.c.response_date.desc(), r.c.position.desc()).limit(limit).offset(offset)).mappings()]
    return found, total


def follow_ups(engine: Engine, proposal_id: str | None = None) -> list[dict[str, Any]]:
    """Follow-up entries (implementation progress per state), oldest first, with the
    recommendation's reference and title."""
    if proposal_id:
        return rows(engine, _FOLLOW_UPS_OF, {"proposal_id": proposal_id})
    return rows(engine, _FOLLOW_UPS)


def government_dialogues(engine: Engine) -> list[dict[str, Any]]:
    """Biannual dialogues with governments, by date, each with ``presented``: the
    recommendations presented (``proposal_id, reference, title, version, presented_on``)."""
    d, pr, p = view_government_dialogues, view_dialogue_presentations, view_proposals
    dialogues = rows(engine, select(d).order_by(d.c.date))
    presented = rows(engine, select(pr, p.c.reference, p.c.title).join(p, p.c.id == pr.c.proposal_id).order_by(p.c.reference))
    for dialogue in dialogues:
        dialogue["presented"] = [x for x in presented if x["dialogue_id"] == dialogue["id"]]
    return dialogues
