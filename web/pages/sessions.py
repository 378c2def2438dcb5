"""Table session pages: the sessions of each working table, and one session's agenda
(each proposal at the version put on it), the latest positions and their counts, the
members' position form, and the forms of the secretariat and of the table's
facilitators (its representatives holding a seat that day): schedule (the secretariat),
open the meeting, add to the agenda, record the table's decision on an item, close with
minutes (required: ``minutes_required``).

Who said what is shown only to members of that table and to auditors; everyone else sees
the counts and the decision (docs/design.md, "Participant"; seed, "Transparency").
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from domain.ids import created_id
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import settings as settings_views
from projections import tables as table_views
from web.forms import (
    TABLES,
    AgendaForm,
    CloseSessionForm,
    CommandForm,
    DecisionForm,
    PositionForm,
    ScheduleSessionForm,
)
from web.i18n import day, word
from web.pages.common import (
    Outcome,
    Page,
    check,
    command_id_of,
    engine,
    execute,
    form_errors,
    found_or_404,
    install,
    load_viewer,
    place_error,
    refusal,
    services,
    today,
)
from web.pages.confirm import confirmation_page, confirmed
from web.pagination import Pager, asked_page
from web.query import choice_arg

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
install(bp)



def _session_or_404(session_id: str) -> dict[str, Any]:
    return found_or_404(session_views.get_session, session_id)


def _shape(form: Any) -> tuple[Outcome[Any] | None, dict[str, list[str]], int]:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs or "proposal_id" in errs:
        return Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again.")), errs, 400
    return None, errs, 422


# ---------------------------------------------------------------------------- list and scheduling
SESSIONS_PER_PAGE = 20  # one line each


def _index_page(form: ScheduleSessionForm, top: Outcome[Any] | None = None, errs: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    """The sessions, latest first, ``?table=`` to keep one table's, ``?page=N``."""
    table = choice_arg("table", TABLES)
    asked = Pager(asked_page(), 0, SESSIONS_PER_PAGE)
    found, total = session_views.page_of_sessions(engine(), on=today(), table=table, limit=asked.per_page, offset=asked.offset)
    pager = Pager.asked(total, SESSIONS_PER_PAGE)
    if pager.number != asked.number:
        found, total = session_views.page_of_sessions(engine(), on=today(), table=table, limit=pager.per_page, offset=pager.offset)
    return render_template(
        "sessions/sessions.html", sessions=found, pager=pager, table=table, tables=TABLES, form=form, top=top, errs=errs or {},
    ), status


@bp.get("")
def index() -> Page:
    """The sessions of each working table, oldest first."""
    return _index_page(ScheduleSessionForm(formdata=None))


@bp.post("")
def schedule() -> Page:
    """Schedule a session (the secretariat)."""
    viewer = load_viewer()
    form = ScheduleSessionForm()
    if not form.validate_on_submit():
        top, errs, status = _shape(form)
        return _index_page(form, top, errs, status)
    if viewer.secretariat_actor is None:
        return _index_page(form, refusal("secretariat_only"), {}, 422)
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    sid = created_id("session", cid)
    outcome = execute(cid, lambda: services().app.schedule_session(
        table=form.table.data or "", on=form.date.data, mode=form.mode.data or "virtual",
        id=sid, actor=actor, command_id=cid,
    ))
    if outcome.applied:
        flash(_("The session is scheduled."), "ok")
        return redirect(url_for("sessions.show", session_id=str(sid)))
    top, errs = place_error(outcome, form)
    return _index_page(form, top, errs, outcome.status)


# ---------------------------------------------------------------------------- one session
def render_session(s: dict[str, Any], status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """The session page; ``failed`` re-shows one refused form with its message and what
    the person typed: ``{"action", "item", "form", "top", "errs"}``."""
    viewer = load_viewer()
    e = engine()
    items = session_views.agenda(e, s["id"])
    facilitates = _facilitates(viewer, s["table_code"])
    submitted = []
    if facilitates and not s["closed"]:
        on_agenda = {i["proposal_id"] for i in items}
        submitted = [p for p in proposal_views.list_recommendations(e, status="submitted", table=s["table_code"]) if p["id"] not in on_agenda]
    mine: dict[str, str] = {}
    if viewer.is_participant:
        for it in items:
            for pos in it["positions"]:
                if pos["member_id"] == viewer.participant_id:
                    mine[it["proposal_id"]] = pos["position"]
    opened_on = session_views.session_opened_on(e, s["id"])
    return render_template(
        "sessions/session.html", s=s, items=items, submitted=submitted, mine=mine, failed=failed or {},
        sees_positions=viewer.sees_positions(s["table_code"]), is_member=viewer.is_member(s["table_code"]),
        quorum=(settings_views.current_settings(e) or {}).get("values", {}).get("quorum", 5),
        facilitates=facilitates, opened_on=opened_on,
        stage=session_views.stage({**s, "opened_on": opened_on}, today()),
    ), status


def _facilitates(viewer: Any, table: str) -> bool:
    """Whether to offer the viewer the facilitators' forms: the secretariat, or a
    representative of ``table`` holding a seat today (the application decides)."""
    if viewer.is_secretariat:
        return True
    if not viewer.is_participant:
        return False
    return any(r["table_code"] == table and r["participant_id"] == viewer.participant_id for r in table_views.representatives(engine(), on=today()))


@bp.get("/<session_id>")
def show(session_id: str) -> Page:
    return render_session(_session_or_404(session_id))


def _after(outcome: Outcome[Any], s: dict[str, Any], action: str, form: Any, done: str, item: str | None = None) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("sessions.show", session_id=s["id"]) + (f"#item-{item}" if item else ""))
    top, errs = place_error(outcome, form, inline={"position", "minutes"})
    code = outcome.error.code if outcome.error else None
    return render_session(_session_or_404(s["id"]), outcome.status, {"action": action, "item": item, "form": form, "top": top, "errs": errs, "code": code})


def _refused_shape(s: dict[str, Any], action: str, form: Any, item: str | None = None) -> Page:
    top, errs, status = _shape(form)
    return render_session(s, status, {"action": action, "item": item, "form": form, "top": top, "errs": errs})


def _refused_actor(s: dict[str, Any], action: str, form: Any, code: str, item: str | None = None) -> Page:
    return render_session(s, 422, {"action": action, "item": item, "form": form, "top": refusal(code), "errs": {}})


@bp.post("/<session_id>/agenda")
def add_to_agenda(session_id: str) -> Page:
    s = _session_or_404(session_id)
    viewer = load_viewer()
    form = AgendaForm()
    if not form.validate_on_submit():
        return _refused_shape(s, "agenda", form)
    if viewer.secretariat_actor is None:
        return _refused_actor(s, "agenda", form, "secretariat_only")
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.add_to_agenda(session_id, form.proposal.data or "", actor=actor, command_id=cid))
    return _after(outcome, s, "agenda", form, _("The proposal is on the agenda."))


@bp.post("/<session_id>/positions")
def record_position(session_id: str) -> Page:
    """A member states their position on an agenda item (a later one replaces it)."""
    s = _session_or_404(session_id)
    viewer = load_viewer()
    form = PositionForm()
    item = form.proposal_id.data or None
    if not form.validate_on_submit():
        return _refused_shape(s, "position", form, item)
    if not viewer.is_participant or viewer.participant_id is None:
        return _refused_actor(s, "position", form, "no_participant", item)
    member, cid = viewer.participant_id, command_id_of(form)
    outcome = execute(cid, lambda: services().app.record_position(
        session_id, form.proposal_id.data, member=member, position=form.position.data or "", reason=form.reason.data or "", command_id=cid,
    ))
    return _after(outcome, s, "position", form, _("Your position is recorded."), item)


@bp.post("/<session_id>/decisions")
def decide(session_id: str) -> Page:
    """Record the table's decision on an item (the secretariat), checked against quorum
    and the positions."""
    s = _session_or_404(session_id)
    viewer = load_viewer()
    form = DecisionForm()
    item = form.proposal_id.data or None
    if not form.validate_on_submit():
        return _refused_shape(s, "decision", form, item)
    if viewer.secretariat_actor is None:
        return _refused_actor(s, "decision", form, "secretariat_only", item)
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    if not confirmed():
        asked = check(cid, lambda: services().app.check_decision(session_id, form.proposal_id.data, form.decision.data or "", actor=actor))
        if not asked.applied:
            return _after(asked, s, "decision", form, "", item)
        return _confirm_decision(s, form.proposal_id.data, form.decision.data or "")
    outcome = execute(cid, lambda: services().app.decide(session_id, form.proposal_id.data, form.decision.data or "", actor=actor, command_id=cid))
    return _after(outcome, s, "decision", form, _("The table's decision is recorded."), item)


def _confirm_decision(s: dict[str, Any], proposal_id: str, decision: str) -> Page:
    p = proposal_views.get_proposal(engine(), proposal_id) or {}
    what = {
        "adopt": _("The proposal becomes a recommendation adopted by %(table)s; the secretariat can then put it to the Liaison Table for endorsement.", table=s["table_code"]),
        "return_for_revision": _("The proposal goes back to its authors, who revise it and may submit it again for a later session."),
        "reject": _("The proposal is rejected and takes no further step."),
    }
    return confirmation_page(
        title=_("Record the decision of the table?"),
        facts=[
            (_("Proposal"), f"{p.get('reference') or proposal_id[:8]} · {p.get('title', '')}"),
            (_("Session"), f"{s['table_code']} · {day(s['date'])}"),
            (_("Decision of the table"), word(decision)),
        ],
        consequences=[what.get(decision, ""), _("The decision is recorded in the log with the positions stated so far; no more positions are taken on this item.")],
        action=url_for("sessions.decide", session_id=s["id"]),
        back=url_for("sessions.show", session_id=s["id"]) + f"#item-{proposal_id}",
        button=_("Yes, record this decision"),
    )


@bp.post("/<session_id>/open")
def open_session(session_id: str) -> Page:
    """Record that the session's meeting started (the secretariat or a facilitator; on or
    after its date, once). Positions and decisions do not wait for it."""
    s = _session_or_404(session_id)
    viewer = load_viewer()
    form = CommandForm()
    if not form.validate_on_submit():
        return _refused_shape(s, "open", form)
    if viewer.secretariat_actor is None:
        return _refused_actor(s, "open", form, "not_a_facilitator")
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.open_session(session_id, actor=actor, command_id=cid))
    return _after(outcome, s, "open", form, _("The session is open: its meeting started."))


@bp.post("/<session_id>/close")
def close(session_id: str) -> Page:
    """Close the session with its minutes (the secretariat or a facilitator); blank
    minutes are refused (``minutes_required``) and the typed text is kept."""
    s = _session_or_404(session_id)
    viewer = load_viewer()
    form = CloseSessionForm()
    if not form.validate_on_submit():
        return _refused_shape(s, "close", form)
    if viewer.secretariat_actor is None:
        return _refused_actor(s, "close", form, "secretariat_only")
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.close_session(session_id, form.minutes.data or "", actor=actor, command_id=cid))
    return _after(outcome, s, "close", form, _("The session is closed."))


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404
