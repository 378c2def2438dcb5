"""What notifies whom (issue 18, "What notifies whom"): the table of kinds.

A kind is one entry of :data:`KINDS`: the event topics it follows (none for a kind that
comes from the date, such as a reminder), how the event reads as plain facts (read from
the views: the proposal's authors, the session's table…), who those facts concern, and
its default frequency. The words of each kind (its message template) are the web
layer's (``web/notification_words.py``), under the kind's name. A new kind — comments,
join requests — is one more entry here and its words there.

Facts are plain JSON values (dates as ISO strings) and hold what the person notified may
read: titles, references, tables, dates, never another person's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from application.roles import Roles
from application.waiting import Waiting
from domain.base import SECRETARIAT
from projections import discussion as discussion_views
from projections import join_requests as join_views
from projections import proposals as proposal_views
from projections import sessions as session_views

IMMEDIATE, DAILY, WEEKLY, NONE = "immediate", "daily", "weekly", "none"
FREQUENCIES = (IMMEDIATE, DAILY, WEEKLY, NONE)
POSITIONS_DUE_DAYS = 3  # issue 18: "three days before the session date"
VOTE_REMINDER_DAYS = 2  # issue 18: "two days before it closes if I have not voted"

Facts = dict[str, Any]


def _topic(name: str) -> str:
    return f"domain.{name}"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ---------------------------------------------------------------------------- facts of events
def _proposal_facts(views: Engine, proposal_id: str, **extra: Any) -> Facts | None:
    p = proposal_views.get_proposal(views, proposal_id)
    if p is None:
        return None
    return {
        "proposal_id": p["id"], "reference": p["reference"], "title": p["title"], "table": p["table"],
        "authors": sorted({p["author_id"], *(p["co_author_ids"] or [])}), **extra,
    }


def _of_proposal(e: Any, views: Engine) -> Facts | None:
    extra: dict[str, Any] = {}
    for name in ("country", "amendment", "co_author"):
        if hasattr(e, name):
            extra[name] = getattr(e, name)
    extra["event"] = type(e).__name__
    return _proposal_facts(views, str(e.originator_id), **extra)


def _of_session(e: Any, views: Engine) -> Facts | None:
    s = session_views.get_session(views, str(e.originator_id))
    if s is None:
        return None
    facts: Facts = {"session_id": s["id"], "table": s["table_code"], "session_date": _iso(s["date"]), "session_reference": s["reference"]}
    if hasattr(e, "proposal_id"):
        p = _proposal_facts(views, str(e.proposal_id))
        if p is None:
            return None
        facts |= {k: p[k] for k in ("proposal_id", "reference", "title")}
    return facts


def _of_round(e: Any, views: Engine) -> Facts | None:
    return _proposal_facts(views, str(e.proposal_id), round_id=str(e.originator_id), closes_on=_iso(e.closes_on))


def _of_call(e: Any, views: Engine) -> Facts | None:
    return {"call_id": str(e.originator_id), "input_id": e.input_id}


def _of_comment(e: Any, views: Engine) -> Facts | None:
    proposal_id = discussion_views.proposal_of_discussion(views, str(e.originator_id))
    if proposal_id is None:
        return None
    parent = discussion_views.get_comment(views, e.reply_to) if e.reply_to else None
    return _proposal_facts(views, proposal_id, comment_id=e.comment_id, parent_author=parent["author_id"] if parent else None)


def _of_join_request(e: Any, views: Engine) -> Facts | None:
    return {"table": join_views.table_of(e.originator_id), "request_id": e.request_id, "join_request": True}


# ---------------------------------------------------------------------------- who is concerned
def members(f: Facts, roles: Roles) -> bool:
    """The members of the table the facts are about."""
    return f.get("table") in roles.tables


def authors(f: Facts, roles: Roles) -> bool:
    """The author and co-authors of the proposal (a new co-author included)."""
    pid = roles.participant_id
    return pid is not None and (pid in f.get("authors", ()) or pid == f.get("co_author"))


def readers_of_comment(f: Facts, roles: Roles) -> bool:
    """The authors of the proposal commented on, and the author of the comment replied to."""
    return authors(f, roles) or (roles.participant_id is not None and roles.participant_id == f.get("parent_author"))


def seat_holders(f: Facts, roles: Roles) -> bool:
    """Whoever holds a seat of the Liaison Table, unless they wrote the proposal."""
    return bool(roles.seats) and roles.participant_id not in f.get("authors", ())


def secretariat(f: Facts, roles: Roles) -> bool:
    return roles.is_secretariat


def table_deciders(f: Facts, roles: Roles) -> bool:
    """Who decides on a request to join the table: its representatives in term and the
    secretariat's staff (issue 17; issue 18, "join requests")."""
    return SECRETARIAT in roles.granted or roles.facilitates(str(f.get("table")))


# ---------------------------------------------------------------------------- kinds from the date
Derived = Callable[[Waiting, date], list[tuple[str, date, Facts]]]


def _entry(x: dict[str, Any], *names: str) -> Facts:
    """The facts of a waiting-list entry: its proposal and the fields ``names`` (dates as ISO)."""
    facts = {k: x[k] for k in ("proposal_id", "reference", "title", "table")}
    for k in names:
        facts[k] = _iso(x[k]) if isinstance(x[k], date) else x[k]
    return facts


def _positions_due(w: Waiting, today: date) -> list[tuple[str, date, Facts]]:
    due = [(x, x["session_date"] - timedelta(days=POSITIONS_DUE_DAYS)) for x in w.positions]
    return [(f"{x['session_id']}:{x['proposal_id']}", on, _entry(x, "session_id", "session_date")) for x, on in due if on <= today]


def _vote_reminders(w: Waiting, today: date) -> list[tuple[str, date, Facts]]:
    due = [(x, x["closes_on"] - timedelta(days=VOTE_REMINDER_DAYS)) for x in w.votes]
    return [(f"{x['round_id']}:{x['seat']}", on, _entry(x, "round_id", "seat", "closes_on")) for x, on in due if on <= today]


def _rounds_past_date(w: Waiting, today: date) -> list[tuple[str, date, Facts]]:
    return [(x["round_id"], x["closes_on"] + timedelta(days=1), _entry(x, "round_id", "closes_on")) for x in w.rounds_to_close if x["closes_on"] < today]


# ---------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Kind:
    """One kind of notification: ``topics`` and ``facts`` for a kind that follows events,
    ``derived`` for one that comes from the date; ``concerns`` says who is told."""

    name: str
    concerns: Callable[[Facts, Roles], bool]
    default: str = DAILY
    topics: tuple[str, ...] = ()
    facts: Callable[[Any, Engine], Facts | None] | None = None
    derived: Derived | None = None
    secretariat_only: bool = False


KINDS: tuple[Kind, ...] = (
    Kind("session_scheduled", members, topics=(_topic("deliberation:TableDeliberation.Scheduled"),), facts=_of_session),
    Kind("agenda_item_added", members, topics=(_topic("deliberation:TableDeliberation.AgendaItemAdded"),), facts=_of_session),
    Kind("positions_due", members, derived=_positions_due),
    Kind("amendment_proposed", authors, topics=(_topic("proposal:Proposal.AmendmentProposed"),), facts=_of_proposal),
    Kind("co_author_added", authors, topics=(_topic("proposal:Proposal.CoAuthorAdded"),), facts=_of_proposal),
    Kind("proposal_decided", authors, topics=tuple(_topic(f"proposal:Proposal.{n}") for n in ("Adopted", "ReturnedForRevision", "Rejected")), facts=_of_proposal),
    Kind("proposal_endorsement", authors, topics=tuple(_topic(f"proposal:Proposal.{n}") for n in ("Endorsed", "NotEndorsed")), facts=_of_proposal),
    Kind("proposal_published", authors, topics=(_topic("proposal:Proposal.PublishedToGovernments"),), facts=_of_proposal),
    Kind("round_opened", seat_holders, default=IMMEDIATE, topics=(_topic("endorsement:LiaisonEndorsement.Opened"),), facts=_of_round),
    Kind("vote_reminder", seat_holders, default=IMMEDIATE, derived=_vote_reminders),
    Kind("government_response", authors, topics=(_topic("proposal:Proposal.GovernmentResponseRecorded"),), facts=_of_proposal),
    Kind("comment_posted", readers_of_comment, topics=(_topic("discussion:Discussion.CommentPosted"),), facts=_of_comment),
    Kind("inputs_to_moderate", secretariat, default=IMMEDIATE, topics=(_topic("open_call:OpenCall.InputSubmitted"),), facts=_of_call, secretariat_only=True),
    Kind("join_requests", table_deciders, default=IMMEDIATE, topics=(_topic("join_request:JoinRequests.RequestMade"),), facts=_of_join_request, secretariat_only=True),
    Kind("rounds_past_date", secretariat, default=IMMEDIATE, derived=_rounds_past_date, secretariat_only=True),
)
BY_NAME = {k.name: k for k in KINDS}
BY_TOPIC = {t: k for k in KINDS for t in k.topics}
TOPICS = tuple(BY_TOPIC)


def kinds_for(roles: Roles) -> list[Kind]:
    """The kinds a person may be told of (the secretariat's queues only to the secretariat)."""
    return [k for k in KINDS if roles.is_secretariat or not k.secretariat_only]
