"""What waits for me: the actions a person's roles call for now (issue 10, ``/me``).

Read from the views for one person's :class:`application.roles.Roles` on a date:

- positions to state: agenda items not yet decided, in sessions not closed, of the tables
  the person is a member of, where they have stated no position;
- votes due: open endorsement rounds, not past their ``closes_on``, where a seat the person
  holds has not voted and the person is not an author of the proposal;
- amendments waiting for the person's decision on proposals they author or co-author;
- their drafts, and their proposals returned for revision;
- elections of the tables the person is a member of (issue 19): a candidacy to declare
  while nominations are open, they are not a candidate and the re-election limit does not
  bar them (``barred``, the application's rule, when the caller gives it), and a ballot to cast while
  voting is open, when they were a member on the day nominations closed and cast none;
- for the secretariat: submitted proposals to put on an agenda, decisions to record, adopted
  recommendations whose endorsement round is to be opened, rounds to close (past their
  date, or already holding the endorsements needed, or every seat voted), endorsed
  recommendations to publish, and requests for erasure;
- requests to join a table (issue 17): the pending requests of the tables where the person
  holds a seat in term, and of every table for the secretariat's staff.

Entries are plain data with the ids a page needs to link each one to its form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from application.roles import Roles
from domain.base import SECRETARIAT
from domain.reference import representative_seats
from projections import elections as election_views
from projections import join_requests as join_views
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import settings as settings_views
from projections import tables as table_views

EDITABLE = ("draft", "returned_for_revision")


@dataclass
class Waiting:
    """One person's list; each field a list of entries (see the module docstring)."""

    positions: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    returned: list[dict[str, Any]] = field(default_factory=list)
    candidacies: list[dict[str, Any]] = field(default_factory=list)
    ballots: list[dict[str, Any]] = field(default_factory=list)
    to_agenda: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    rounds_to_open: list[dict[str, Any]] = field(default_factory=list)
    rounds_to_close: list[dict[str, Any]] = field(default_factory=list)
    to_publish: list[dict[str, Any]] = field(default_factory=list)
    erasure_requests: list[dict[str, Any]] = field(default_factory=list)
    join_requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many entries call for an action (the count in the navigation)."""
        return sum(len(v) for v in vars(self).values())


def _item(p: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"proposal_id": p["id"], "reference": p["reference"], "title": p["title"], "table": p["table"], "status": p["status"], **extra}


def what_waits_for(
    roles: Roles, views: Engine, today: date, erasure_requests: list[dict[str, Any]] | None = None,
    *, barred: Callable[[str, str], bool] | None = None,
) -> Waiting:
    """The list of ``roles`` on ``today`` (``erasure_requests`` given by the caller from the
    accounts, shown to the secretariat; ``barred(election_id, participant_id)``: whether the
    re-election limit bars them from standing, as ``ElectionCommands.barred_from_standing``)."""
    w = Waiting()
    pid = roles.participant_id
    proposals = {p["id"]: p for p in proposal_views.list_recommendations(views)}
    open_sessions = [s for s in session_views.list_sessions(views) if not s["closed"]]
    agendas = {s["id"]: session_views.agenda(views, s["id"]) for s in open_sessions if roles.is_secretariat or s["table_code"] in roles.tables}
    for s in open_sessions:
        for item in agendas.get(s["id"], []):
            if item["decision"] is not None or item["status"] != "on_agenda":
                continue
            p = proposals[item["proposal_id"]]
            where = {"session_id": s["id"], "session_reference": s["reference"], "session_date": s["date"], "counts": item["counts"]}
            if pid and s["table_code"] in roles.tables and not any(x["member_id"] == pid for x in item["positions"]):
                w.positions.append(_item(p, **where))
            if roles.is_secretariat:
                w.decisions.append(_item(p, **where))
    if pid:
        _authored(w, pid, proposals, views)
        _elections(w, pid, roles.tables, views, today, barred or (lambda election_id, participant_id: False))
    rounds = liaison_views.endorsement_rounds(views, open_only=True) if roles.seats or roles.is_secretariat else []
    for r in rounds:
        p = proposals[r["proposal_id"]]
        voted = {v["seat"] for v in r["votes"]}
        for seat in roles.seats:
            if seat not in voted and r["closes_on"] >= today and pid not in _authors(p):
                w.votes.append(_item(p, seat=seat, closes_on=r["closes_on"], round_id=r["id"]))
    if roles.is_secretariat:
        _secretariat(w, proposals, rounds, views, today)
        w.erasure_requests = list(erasure_requests or [])
    w.join_requests = _join_requests(roles, views)
    return w


def _join_requests(roles: Roles, views: Engine) -> list[dict[str, Any]]:
    """Pending requests to join the tables ``roles`` decide on: those where they hold a
    seat in term; every table for staff of the secretariat."""
    if SECRETARIAT in roles.granted:
        tables = None
    else:
        tables = tuple(sorted({seat.split("-")[1] for seat in roles.seats}))
        if not tables:
            return []
    return [{"request_id": r["id"], "table": r["table_code"], "made_on": r["made_on"]} for r in join_views.pending_requests(views, tables)]


def _authors(p: dict[str, Any]) -> set[str]:
    return {p["author_id"], *(p["co_author_ids"] or [])}


def _authored(w: Waiting, pid: str, proposals: dict[str, dict[str, Any]], views: Engine) -> None:
    for p in proposals.values():
        if pid not in _authors(p):
            continue
        if p["status"] == "draft":
            w.drafts.append(_item(p))
        elif p["status"] == "returned_for_revision":
            w.returned.append(_item(p))
        if p["status"] in EDITABLE:
            for a in proposal_views.amendments_of(views, p["id"]):
                if a["status"] == "pending":
                    w.amendments.append(_item(p, amendment=a["reference"], field=a["field"], proposed_on=a["proposed_on"]))


def _elections(w: Waiting, pid: str, tables: Any, views: Engine, today: date, barred: Callable[[str, str], bool]) -> None:
    for e in election_views.elections(views):
        if e["closed_on"] is not None or e["table_code"] not in tables:
            continue
        entry = {"election_id": e["id"], "table": e["table_code"], "seats": list(e["seats"]), "nominations_close": e["nominations_close"], "voting_closes": e["voting_closes"]}
        if today <= e["nominations_close"]:
            standing = any(c["candidate"] == pid and c["withdrawn_on"] is None for c in election_views.candidacies(views, e["id"]))
            if not standing and not barred(str(e["id"]), pid):
                w.candidacies.append(entry)
        elif today <= e["voting_closes"]:
            since = next((m["joined_on"] for m in table_views.members(views, e["table_code"]) if m["participant_id"] == pid), None)
            voted = any(b["voter"] == pid for b in election_views.ballots(views, e["id"]))
            if since is not None and since <= e["nominations_close"] and not voted:
                w.ballots.append(entry)


def _secretariat(w: Waiting, proposals: dict[str, dict[str, Any]], rounds: list[dict[str, Any]], views: Engine, today: date) -> None:
    settings = settings_views.current_settings(views) or {}
    needed = int((settings.get("values") or {}).get("endorsement_min", 5))
    seats = len(representative_seats())
    for p in proposals.values():
        if p["status"] == "submitted":
            w.to_agenda.append(_item(p))
        elif p["status"] == "adopted":
            w.rounds_to_open.append(_item(p))
        elif p["status"] == "endorsed":
            w.to_publish.append(_item(p))
    for r in rounds:
        endorsements = r["counts"]["endorse"]
        if r["closes_on"] < today or endorsements >= needed or len(r["votes"]) >= seats:
            w.rounds_to_close.append(_item(proposals[r["proposal_id"]], closes_on=r["closes_on"], round_id=r["id"], counts=r["counts"]))
