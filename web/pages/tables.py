"""Working table pages: each table's members count, its representatives and their terms,
and its activity per quarter (was a session held: seed, "Functioning and activities",
quarterly meetings); the secretariat's forms to record an election and vacate a seat; a
participant's own tables, to join or leave one.

Seats are public offices, the people holding them are not public: names are shown only
to those who may see names (:mod:`application.access`); the public reads "representative
of RT1". The rules (parity, terms, re-election, quorum) are the application's
(docs/design.md, "WorkingTable"; docs/rules.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from domain.deliberation import quarter_of
from domain.reference import seat_codes
from projections import sessions as session_views
from projections import settings as settings_views
from projections import tables as table_views
from web.forms import TABLES, ElectionForm, SeatForm, TableMembershipForm, opts, opts_by_name
from web.i18n import day
from web.pages.common import (
    Outcome,
    Page,
    People,
    Viewer,
    command_id_of,
    engine,
    execute,
    form_errors,
    install,
    load_viewer,
    place_error,
    refusal,
    services,
    today,
)
from web.pages.confirm import confirmation_page, confirmed

bp = Blueprint("tables", __name__, url_prefix="/tables")
install(bp)



def _table_or_404(code: str) -> str:
    if code not in TABLES:
        abort(404)
    return code


def _activity(table: str | None = None) -> list[dict[str, Any]]:
    """Activity rows per quarter (every quarter with a session, and the current one)."""
    e = engine()
    quarters = {s["quarter"] for s in session_views.list_sessions(e)} | {quarter_of(today())}
    rows = session_views.table_activity(e, sorted(quarters))
    return [r for r in rows if table is None or r["table"] == table]


def _shape(form: Any) -> tuple[Outcome[Any] | None, dict[str, list[str]], int]:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs:
        return Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again.")), errs, 400
    return None, errs, 422


# ---------------------------------------------------------------------------- the tables
def render_index(status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """All working tables, the viewer's own tables (join, leave) and the rules in force;
    ``failed`` re-shows a refused join or leave: ``{"action", "item", "top"}``."""
    viewer = load_viewer()
    e = engine()
    on = today()
    holders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in table_views.representatives(e, on=on):
        holders[r["table_code"]].append(r)
    activity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in _activity():
        activity[a["table"]].append(a)
    tables = [
        {"code": t, "members": len(table_views.members(e, t)), "representatives": holders[t], "activity": activity[t]}
        for t in TABLES
    ]
    return render_template(
        "tables/tables.html", tables=tables, mine=viewer.tables if viewer.is_participant else [], failed=failed or {},
        settings=settings_views.settings_history(e),
    ), status


@bp.get("")
def index() -> Page:
    return render_index()


def _membership(action: str) -> Page:
    viewer = load_viewer()
    form = TableMembershipForm()
    item = form.table.data or None
    if not form.validate_on_submit() or item not in TABLES:
        top, _errs, status = _shape(form)
        return render_index(status if top else 422, {"action": action, "item": item, "top": top or refusal("unknown_table")})
    if not viewer.is_participant or viewer.participant_id is None:
        return render_index(422, {"action": action, "item": item, "top": refusal("no_participant")})
    pid, cid, table = viewer.participant_id, command_id_of(form), item
    app = services().app
    if action == "join":
        outcome = execute(cid, lambda: app.join_table(pid, table, command_id=cid))
        done = _("You are a member of %(table)s.", table=table)
    else:
        outcome = execute(cid, lambda: app.leave_table(pid, table, command_id=cid))
        done = _("You left %(table)s.", table=table)
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("tables.index") + "#mine-h")
    return render_index(outcome.status, {"action": action, "item": item, "top": outcome})


@bp.post("/join")
def join() -> Page:
    """The participant joins a working table (seed, "Membership")."""
    return _membership("join")


@bp.post("/leave")
def leave() -> Page:
    """The participant leaves a working table (a representative vacates their seat first)."""
    return _membership("leave")


# ---------------------------------------------------------------------------- one table
def _terms(code: str) -> list[dict[str, Any]]:
    """Every term of the table's seats, newest first."""
    terms = [r for r in table_views.representatives(engine()) if r["table_code"] == code]
    return sorted(terms, key=lambda r: (r["term_start"], r["seat"]), reverse=True)


def _election_form(code: str, viewer: Viewer, failed: dict[str, Any]) -> ElectionForm:
    form = failed["form"] if failed.get("action") == "elect" else ElectionForm(formdata=None, prefix="elect")
    if failed.get("action") != "elect":
        form.term_start.data = today()
    form.seat.choices = opts((s, s) for s in seat_codes(code))
    people = People(viewer)
    members = table_views.members(engine(), code)
    form.participant.choices = opts_by_name((m["participant_id"], people.name(m["participant_id"], code)) for m in members)
    sessions = [s for s in session_views.list_sessions(engine(), code) if not s["closed"]]
    form.session.choices = opts([("", _("none: the votes below")), *[(s["id"], f"{s['quarter']} · {day(s['date'])}{' · ' + s['reference'] if s['reference'] else ''}") for s in sessions]])
    return form


LATEST_SESSIONS = 5  # on the table's page; the sessions page lists them all


def render_table(code: str, status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """One working table; ``failed`` re-shows one refused form with its message and what
    the person typed: ``{"action", "item", "form", "top", "errs"}``."""
    viewer = load_viewer()
    e = engine()
    on = today()
    failed = failed or {}
    current = {r["seat"]: r for r in table_views.representatives(e, on=on) if r["table_code"] == code}
    seats = [(seat, current.get(seat)) for seat in seat_codes(code)]
    upcoming = {r["seat"] for r in _terms(code) if r["term_start"] > on and r["vacated_on"] is None}
    return render_template(
        "tables/table.html", code=code, members=len(table_views.members(e, code)), seats=seats, upcoming=upcoming,
        terms=_terms(code), activity=_activity(code), failed=failed,
        sessions=session_views.page_of_sessions(e, on=on, table=code, limit=LATEST_SESSIONS),
        next_session=session_views.next_session(e, code, on), left_open=session_views.sessions_left_open(e, code, on),
        election_form=_election_form(code, viewer, failed) if viewer.is_secretariat or failed.get("action") == "elect" else None,
        is_member=viewer.is_member(code),
    ), status


@bp.get("/<table:code>")
def show(code: str) -> Page:
    return render_table(_table_or_404(code))


def _after(outcome: Outcome[Any], code: str, action: str, form: Any, done: str, item: str | None = None, inline: set[str] | None = None) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("tables.show", code=code) + "#seats-h")
    top, errs = place_error(outcome, form, {"votes": "votes_for"}, inline=inline or set())
    return render_table(code, outcome.status, {"action": action, "item": item, "form": form, "top": top, "errs": errs})


@bp.post("/<table:code>/elections")
def elect(code: str) -> Page:
    """Record the table's election of a representative (the secretariat)."""
    _table_or_404(code)
    viewer = load_viewer()
    form = ElectionForm(prefix="elect")
    if not form.validate_on_submit():
        top, errs, status = _shape(form)
        return render_table(code, status, {"action": "elect", "form": form, "top": top, "errs": errs})
    if viewer.secretariat_actor is None:
        return render_table(code, 422, {"action": "elect", "form": form, "top": refusal("secretariat_only"), "errs": {}})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    session = form.session.data or None
    if session is not None:
        try:
            UUID(session)
        except ValueError:
            session = None
    outcome = execute(cid, lambda: services().app.elect_representative(
        table=code, seat=form.seat.data or "", participant_id=form.participant.data or "", term_start=form.term_start.data,
        session_id=session, votes=form.votes(), actor=actor, command_id=cid,
    ))
    inline = {"seat", "participant", "term_start", "session", "votes_for"}
    return _after(outcome, code, "elect", form, _("The election is recorded."), inline=inline)


@bp.post("/<table:code>/vacate")
def vacate(code: str) -> Page:
    """Vacate a seat of the table (the secretariat, or its holder resigning)."""
    _table_or_404(code)
    viewer = load_viewer()
    form = SeatForm()
    item = form.seat.data or None
    if not form.validate_on_submit():
        top, errs, status = _shape(form)
        return render_table(code, status, {"action": "vacate", "item": item, "form": form, "top": top, "errs": errs})
    if viewer.secretariat_actor is None:
        return render_table(code, 422, {"action": "vacate", "item": item, "form": form, "top": refusal("secretariat_only"), "errs": {}})
    if not confirmed():
        return confirmation_page(
            title=_("Vacate this seat?"),
            facts=[(_("Seat"), form.seat.data or ""), (_("Reason"), form.reason.data or "")],
            consequences=[
                _("The seat is vacant from today: its holder no longer votes for it at the Liaison Table."),
                _("A by-election fills the rest of the term."),
            ],
            action=url_for("tables.vacate", code=code), back=url_for("tables.show", code=code), button=_("Yes, vacate the seat"),
        )
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.vacate_seat(code, form.seat.data or "", form.reason.data or "", actor=actor, command_id=cid))
    return _after(outcome, code, "vacate", form, _("The seat is vacated; a by-election fills the rest of the term."), item)


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404
