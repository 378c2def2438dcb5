"""Follow-up and dialogues with governments: the follow-up entries on a state's
implementation of a recommendation (recorded from the proposal page), and the biannual
dialogues with governments facilitated by the Regional Network
(seed, "Other actors' involvement"), the governments invited and the recommendations
presented at each; the secretariat's forms to schedule one (one per half-year) and to
record that an endorsed recommendation was presented.

Everything on this page is public: dialogues, governments and recommendations name no
person.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from domain.reference import lac_states
from projections import follow_up as follow_up_views
from projections import proposals as proposal_views
from web.forms import FollowUpForm, GovernmentDialogueForm, PresentationForm, opts
from web.i18n import country_name
from web.pages.common import (
    Outcome,
    Page,
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
from web.pages.proposals import invalid_form, render_proposal
from web.pagination import Pager, asked_page
from web.query import choice_arg
from web.typed_text import shorten

bp = Blueprint("dialogues", __name__, url_prefix="/dialogues")
install(bp)
# The follow-up form lives on the proposal page (web.pages.proposals renders it).
follow_up_bp = Blueprint("follow_up", __name__)
install(follow_up_bp)

PRESENTABLE = ("endorsed", "published")
INLINE = {"schedule": {"period", "date", "title", "governments", "mode"}, "present": {"proposal", "note"}}


def _half_year() -> str:
    """The current half-year, e.g. ``2026-H1``."""
    d = today()
    return f"{d.year}-H{1 if d.month <= 6 else 2}"


def render_dialogues(status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """The dialogues page; ``failed`` re-shows one refused form with its message and what
    the person typed: ``{"action", "item", "form", "top", "errs"}``."""
    viewer = load_viewer()
    e = engine()
    failed = failed or {}
    dialogues = follow_up_views.government_dialogues(e)
    presentable = proposal_views.list_recommendations(e, status=PRESENTABLE) if viewer.is_secretariat else []
    forms: dict[str, PresentationForm] = {}
    for d in dialogues:
        here = failed.get("action") == "present" and failed.get("item") == d["id"]
        form = failed["form"] if here else PresentationForm(formdata=None)
        done = {p["proposal_id"] for p in d["presented"]}
        form.proposal.choices = opts((p["id"], f"{p['reference'] or p['id'][:8]} · {shorten(p['title'])}") for p in presentable if p["id"] not in done)
        forms[d["id"]] = form
    schedule = failed["form"] if failed.get("action") == "schedule" else GovernmentDialogueForm(formdata=None, prefix="dlg")
    if failed.get("action") != "schedule":
        schedule.period.data = _half_year()
    return render_template("dialogues/dialogues.html", dialogues=dialogues, forms=forms, schedule=schedule, failed=failed), status


@bp.get("")
def index() -> Page:
    """The dialogues with governments, latest last, with the recommendations presented."""
    return render_dialogues()


@bp.get("/responses")
def responses() -> Page:
    """The governments' responses to published recommendations, latest first, ten a page;
    ``?country=`` keeps one state's."""
    country = choice_arg("country", sorted(lac_states()), country_name)
    asked = Pager(asked_page(), 0)
    found, total = follow_up_views.page_of_government_responses(engine(), country=country, limit=asked.per_page, offset=asked.offset)
    pager = Pager.asked(total)
    if pager.number != asked.number:
        found, total = follow_up_views.page_of_government_responses(engine(), country=country, limit=pager.per_page, offset=pager.offset)
    return render_template("dialogues/responses.html", responses=found, pager=pager, country=country, countries=sorted(lac_states()))


def _after(outcome: Outcome[Any], action: str, form: Any, done: str, item: str | None = None) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("dialogues.index") + (f"#dialogue-{item}" if item else ""))
    top, errs = place_error(outcome, form, inline=INLINE[action])
    return render_dialogues(outcome.status, {"action": action, "item": item, "form": form, "top": top, "errs": errs})


def _refused_shape(action: str, form: Any, item: str | None = None) -> Page:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs:
        top = Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again."))
        return render_dialogues(400, {"action": action, "item": item, "form": form, "top": top, "errs": errs})
    return render_dialogues(422, {"action": action, "item": item, "form": form, "top": None, "errs": errs})


@bp.post("")
def schedule() -> Page:
    """Schedule the dialogue with governments of a half-year (the secretariat)."""
    viewer = load_viewer()
    form = GovernmentDialogueForm(prefix="dlg")
    if not form.validate_on_submit():
        return _refused_shape("schedule", form)
    if viewer.secretariat_actor is None:
        return render_dialogues(422, {"action": "schedule", "form": form, "top": refusal("secretariat_only"), "errs": {}})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.schedule_government_dialogue(
        period=(form.period.data or "").strip(), on=form.date.data, title=form.title.data or "",
        governments=list(form.governments.data or []), mode=form.mode.data or "virtual", actor=actor, command_id=cid,
    ))
    item = str(outcome.value) if outcome.applied and outcome.value else None
    return _after(outcome, "schedule", form, _("The dialogue with governments is scheduled."), item)


@bp.post("/<dialogue_id>/presentations")
def present(dialogue_id: str) -> Page:
    """Record that an endorsed recommendation was presented at the dialogue (the secretariat)."""
    try:
        UUID(dialogue_id)
    except ValueError:
        abort(404)
    if dialogue_id not in {d["id"] for d in follow_up_views.government_dialogues(engine())}:
        abort(404)
    viewer = load_viewer()
    form = PresentationForm()
    if not form.validate_on_submit():
        return _refused_shape("present", form, dialogue_id)
    if viewer.secretariat_actor is None:
        return render_dialogues(422, {"action": "present", "item": dialogue_id, "form": form, "top": refusal("secretariat_only"), "errs": {}})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.present_at_dialogue(dialogue_id, form.proposal.data or "", note=form.note.data or "", actor=actor, command_id=cid))
    return _after(outcome, "present", form, _("The presentation is recorded."), dialogue_id)


@bp.errorhandler(404)
@follow_up_bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404


# ---------------------------------------------------------------------------- follow-up
@follow_up_bp.post("/proposals/<proposal_id>/follow-ups")
def record_follow_up(proposal_id: str) -> Page:
    """Record a follow-up entry on a state's implementation (the secretariat), after that
    state's response."""
    p = found_or_404(proposal_views.get_proposal, proposal_id)
    viewer = load_viewer()
    form = FollowUpForm(prefix="follow")
    if not form.validate_on_submit():
        return invalid_form(p, "follow_up", form)
    if viewer.secretariat_actor is None:
        return render_proposal(p, 422, {"action": "follow_up", "form": form, "top": refusal("secretariat_only"), "errs": {}})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.record_follow_up(
        proposal_id, country=form.country.data or "", progress=form.progress.data or "", note=form.note.data or "",
        on=form.on.data, actor=actor, command_id=cid,
    ))
    if outcome.applied:
        flash(_("The follow-up entry is recorded."), "ok")
        return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#pub-h")
    top, errs = place_error(outcome, form, {"date": "on"}, inline={"country", "progress", "note", "on"})
    return render_proposal(found_or_404(proposal_views.get_proposal, proposal_id), outcome.status, {"action": "follow_up", "form": form, "top": top, "errs": errs})
