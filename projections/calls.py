"""Open calls for input (issue 17): the calls, their inputs with their moderation, and the
proposals that draw on them (the ``OpenCall`` aggregate).

No contact address is ever written here (it is a sealed personal field of the contributor;
the handlers never read it). What an input says is in ``view_call_inputs`` whatever its
status: the queries say which rows are public (accepted inputs, counts of rejected ones by
category) and which are for moderators and auditors (every input).
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
    Index,
    String,
    Text,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.open_call import REJECTION_CATEGORIES, OpenCall
from projections.base import BigInt, Id, Projection, is_id, rows, topic
from projections.proposals import view_proposals

# Version 2: the links from proposals are indexed by proposal (a proposal page reads its own).
projection = Projection("calls", version=2)

view_calls = projection.table(
    "calls",
    Column("id", Id, primary_key=True),
    Column("reference", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("table_code", String(8), nullable=True),
    Column("languages", JSON, nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("position", BigInt, nullable=False),
)

view_call_inputs = projection.table(
    "call_inputs",
    Column("id", Id, primary_key=True),
    Column("call_id", Id, nullable=False, index=True),
    Column("participant_id", Id, nullable=True),
    Column("from_public", Boolean, nullable=False),
    Column("text", Text, nullable=False),
    Column("organisation_name", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("stakeholder_group", String(40), nullable=False),
    Column("language", String(8), nullable=False),
    Column("submitted_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("category", String(20), nullable=True),
    Column("reason", Text, nullable=True),
    Column("moderated_on", Date, nullable=True),
    Column("contact_erased", Boolean, nullable=False, default=False),
    Column("position", BigInt, nullable=False),
)

view_input_links = projection.table(
    "input_links",
    Column("input_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("call_id", Id, nullable=False),
    Column("linked_on", Date, nullable=False),
    Index(f"ix_{projection.table_name('input_links')}_proposal", "proposal_id"),
)


# ---------------------------------------------------------------------------- handlers
@projection.on(topic(OpenCall, "Opened"))
def call_opened(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_calls).values(
        id=str(e.originator_id), reference=e.reference, title=e.title, text=e.text, objectives=list(e.objectives),
        table_code=e.table, languages=list(e.languages), opens_on=e.opens_on, closes_on=e.closes_on,
        opened_on=e.effective_date, closed_on=None, position=position,
    ))


@projection.on(topic(OpenCall, "InputSubmitted"))
def input_submitted(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_call_inputs).values(
        id=e.input_id, call_id=str(e.originator_id), participant_id=e.participant, from_public=e.participant is None,
        text=e.text, organisation_name=e.organisation_name, country=e.country, stakeholder_group=e.stakeholder_group,
        language=e.language, submitted_on=e.effective_date, status="pending", contact_erased=False, position=position,
    ))


@projection.on(topic(OpenCall, "InputModerated"))
def input_moderated(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_call_inputs).where(view_call_inputs.c.id == e.input_id).values(
        status="accepted" if e.decision == "accept" else "rejected", category=e.category, reason=e.reason,
        moderated_on=e.effective_date,
    ))


@projection.on(topic(OpenCall, "InputLinked"))
def input_linked(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_input_links).values(
        input_id=e.input_id, proposal_id=e.proposal_id, call_id=str(e.originator_id), linked_on=e.effective_date,
    ))


@projection.on(topic(OpenCall, "Closed"))
def call_closed(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_calls).where(view_calls.c.id == str(e.originator_id)).values(closed_on=e.effective_date))


@projection.on(topic(OpenCall, "ContributorErased"))
def contributor_erased(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_call_inputs).where(view_call_inputs.c.id == e.input_id).values(contact_erased=True))


# ---------------------------------------------------------------------------- queries
def _call(row: dict[str, Any], on: date | None) -> dict[str, Any]:
    row["table"] = row.pop("table_code")
    row["open"] = row["closed_on"] is None and (on is None or row["opens_on"] <= on <= row["closes_on"])
    return row


def list_calls(engine: Engine, on: date | None = None) -> list[dict[str, Any]]:
    """Every call, latest opened first; ``open`` says whether it takes inputs on ``on``."""
    found = rows(engine, select(view_calls).order_by(view_calls.c.position.desc()))
    return [_call(r, on) for r in found]


def get_call(engine: Engine, call_id: str, on: date | None = None) -> dict[str, Any] | None:
    if not is_id(call_id):
        return None
    found = rows(engine, select(view_calls).where(view_calls.c.id == call_id))
    return _call(found[0], on) if found else None


def _with_links(engine: Engine, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not inputs:
        return inputs
    ids = [i["id"] for i in inputs]
    q = (
        select(view_input_links.c.input_id, view_proposals.c.id, view_proposals.c.reference, view_proposals.c.title)
        .join(view_proposals, view_proposals.c.id == view_input_links.c.proposal_id)
        .where(view_input_links.c.input_id.in_(ids))
        .order_by(view_input_links.c.linked_on, view_proposals.c.reference)
    )
    links: dict[str, list[dict[str, Any]]] = {}
    for r in rows(engine, q):
        links.setdefault(r["input_id"], []).append({"proposal_id": r["id"], "reference": r["reference"], "title": r["title"]})
    for i in inputs:
        i["proposals"] = links.get(i["id"], [])
    return inputs


def accepted_inputs(engine: Engine, call_id: str) -> list[dict[str, Any]]:
    """The accepted inputs of a call (what the public sees), oldest first, with the
    proposals that draw on each; moderation reasons are not in them."""
    cols = [c for c in view_call_inputs.c if c.name not in ("reason", "participant_id")]
    q = select(*cols).where(and_(view_call_inputs.c.call_id == call_id, view_call_inputs.c.status == "accepted"))
    return _with_links(engine, rows(engine, q.order_by(view_call_inputs.c.position)))


def rejected_by_category(engine: Engine, call_id: str) -> dict[str, int]:
    """How many inputs of a call were rejected, by category (every category, 0 included)."""
    q = (
        select(view_call_inputs.c.category, func.count())
        .where(and_(view_call_inputs.c.call_id == call_id, view_call_inputs.c.status == "rejected"))
        .group_by(view_call_inputs.c.category)
    )
    with engine.connect() as c:
        found = {str(k): int(n) for k, n in c.execute(q)}
    return {cat: found.get(cat, 0) for cat in REJECTION_CATEGORIES}


def inputs_of_call(engine: Engine, call_id: str, status: str | None = None) -> list[dict[str, Any]]:
    """Every input of a call (moderators and auditors), oldest first; ``status`` keeps one."""
    if not is_id(call_id):
        return []
    q = select(view_call_inputs).where(view_call_inputs.c.call_id == call_id)
    if status:
        q = q.where(view_call_inputs.c.status == status)
    return _with_links(engine, rows(engine, q.order_by(view_call_inputs.c.position)))


def get_input(engine: Engine, input_id: str) -> dict[str, Any] | None:
    if not is_id(input_id):
        return None
    found = rows(engine, select(view_call_inputs).where(view_call_inputs.c.id == input_id))
    return found[0] if found else None


# The inputs a proposal draws on, built once (bound parameter): its page reads them.
_INPUTS_OF_PROPOSAL = (
    select(
        view_call_inputs.c.id, view_call_inputs.c.text, view_call_inputs.c.organisation_name, view_call_inputs.c.country,
        view_call_inputs.c.language, view_calls.c.id.label("call_id"), view_calls.c.title.label("call_title"),
    )
    .join(view_input_links, view_input_links.c.input_id == view_call_inputs.c.id)
    .join(view_calls, view_calls.c.id == view_call_inputs.c.call_id)
    .where(and_(view_input_links.c.proposal_id == bindparam("proposal_id"), view_call_inputs.c.status == "accepted"))
    .order_by(view_input_links.c.linked_on, view_call_inputs.c.position)
)


def inputs_of_proposal(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    """The accepted inputs a proposal draws on, with their call's title, oldest link first."""
    return rows(engine, _INPUTS_OF_PROPOSAL, {"proposal_id": proposal_id})


def linkable_inputs(engine: Engine, objectives: list[int]) -> list[dict[str, Any]]:
    """Accepted inputs of calls on any of ``objectives`` (what an author may link)."""
    wanted = set(objectives)
    calls = [c for c in list_calls(engine) if wanted & set(c["objectives"])]
    out: list[dict[str, Any]] = []
    for c in calls:
        for i in accepted_inputs(engine, c["id"]):
            out.append({**i, "call_title": c["title"]})
    return out


def summary(engine: Engine, call_id: str) -> dict[str, Any]:
    """A call's figures: inputs received, accepted, rejected and pending, and, for each of
    its GCM objectives, how many accepted inputs feed a proposal on that objective."""
    call = get_call(engine, call_id)
    if call is None:
        return {}
    with engine.connect() as c:
        by_status = {str(k): int(n) for k, n in c.execute(
            select(view_call_inputs.c.status, func.count()).where(view_call_inputs.c.call_id == call_id).group_by(view_call_inputs.c.status)
        )}
        links = c.execute(
            select(view_input_links.c.input_id, view_proposals.c.objectives)
            .join(view_proposals, view_proposals.c.id == view_input_links.c.proposal_id)
            .where(view_input_links.c.call_id == call_id)
        ).all()
    linked: dict[int, set[str]] = {n: set() for n in call["objectives"]}
    for input_id, proposal_objectives in links:
        for n in proposal_objectives or []:
            if int(n) in linked:
                linked[int(n)].add(str(input_id))
    return {
        "received": sum(by_status.values()), "accepted": by_status.get("accepted", 0),
        "rejected": by_status.get("rejected", 0), "pending": by_status.get("pending", 0),
        "linked": len({str(i) for i, _ in links}),
        "objectives": [{"objective": n, "linked": len(linked[n])} for n in call["objectives"]],
    }


def pending_count(engine: Engine, tables: list[str] | None = None) -> int:
    """How many inputs wait for moderation: of every call (``tables`` None), or of the
    calls of ``tables`` only."""
    q = select(func.count()).select_from(view_call_inputs.join(view_calls, view_calls.c.id == view_call_inputs.c.call_id)).where(
        view_call_inputs.c.status == "pending"
    )
    if tables is not None:
        q = q.where(view_calls.c.table_code.in_(tables))
    with engine.connect() as c:
        return int(c.execute(q).scalar() or 0)
