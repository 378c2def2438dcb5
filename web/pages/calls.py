"""Open calls for input (issue 17): the list of calls and the secretariat's form to open
one, a call's public page (its accepted inputs without contact, the rejected ones counted
by category) with the input form for anyone, the moderation queue of the secretariat (the
representatives in term among them, who facilitate their tables) and auditors, the
per-objective summary, and the link from a proposal to the inputs it draws on (its
authors, on the proposal page).

Inputs not accepted are shown to moderators and auditors only; a contact address is never
shown. The input form carries a trap field for robots (``website``), sizes checked by the
application, and a limit per network address (:mod:`web.limits`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from domain.base import PUBLIC
from projections import calls as call_views
from projections import proposals as proposal_views
from web.call_forms import InputForm, LinkInputForm, ModerationForm, OpenCallForm
from web.forms import LANGUAGE_LABELS, opts
from web.i18n import country_options
from web.labels import category_label, participation_label
from web.pages.common import (
    Outcome,
    Page,
    command_id_of,
    engine,
    execute,
    form_errors,
    found_or_404,
    install,
    kept_of_proposal,
    load_viewer,
    place_error,
    problems_by_field,
    refusal,
    services,
    today,
)
from web.pages.proposals import invalid_form, render_proposal
from web.typed_text import shorten

bp = Blueprint("calls", __name__, url_prefix="/calls")
install(bp)
# The link form lives on the proposal page (web.pages.proposals renders it).
links_bp = Blueprint("input_links", __name__)
install(links_bp)

# Per network address, besides every form's limit (docs/rules.md, "Anti-abuse"): the inputs and
# requests to join taken, and apart those refused, so that a typo never uses up the first.
INPUTS_LIMIT = "5 per minute;100 per day"
REFUSED_INPUTS_LIMIT = "10 per minute;100 per hour"
INLINE = {"text", "organisation_name", "country", "stakeholder_group", "language", "contact"}


def _call_or_404(call_id: str) -> dict[str, Any]:
    return found_or_404(lambda e, i: call_views.get_call(e, i, today()), call_id)


def _expired(form: Any) -> Outcome[Any] | None:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs:
        return Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again."))
    return None


# ---------------------------------------------------------------------------- list and opening
def render_index(status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    failed = failed or {}
    form = failed.get("form") or OpenCallForm(formdata=None, prefix="call")
    return render_template("calls/index.html", calls=call_views.list_calls(engine(), today()), form=form, failed=failed), status


@bp.get("")
def index() -> Page:
    """Every call for inputs, latest first."""
    return render_index()


@bp.post("")
def open_call() -> Page:
    """Open a call (the secretariat; a table's representatives act as it)."""
    viewer = load_viewer()
    form = OpenCallForm(prefix="call")
    form.validate_on_submit()
    if (top := _expired(form)) is not None:
        return render_index(400, {"form": form, "top": top, "errs": form_errors(form)})
    if viewer.secretariat_actor is None:
        return render_index(422, {"form": form, "top": refusal("secretariat_only"), "errs": {}})
    content: dict[str, Any] = {
        "title": form.title.data or "", "text": form.text.data or "", "objectives": list(form.objectives.data or []),
        "table": form.table.data or None, "languages": list(form.languages.data or []), "opens_on": form.opens_on.data,
        "closes_on": form.closes_on.data,
    }
    errs = problems_by_field(form_errors(form), services().app.check_call(**content), {})
    if errs:  # every problem at once, what was typed kept
        return render_index(422, {"form": form, "top": None, "errs": errs})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.open_call(reference=f"call-{cid[-8:]}", actor=actor, command_id=cid, **content))
    if outcome.applied and outcome.value:
        flash(_("The call is open."), "ok")
        return redirect(url_for("calls.show", call_id=str(outcome.value)))
    top, errs = place_error(outcome, form, inline={"title", "text", "objectives", "table", "languages", "opens_on", "closes_on"})
    return render_index(outcome.status, {"form": form, "top": top, "errs": errs})


# ---------------------------------------------------------------------------- a call and its inputs
def render_call(call: dict[str, Any], status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    failed = failed or {}
    form = failed.get("form") or InputForm(formdata=None, prefix="in")
    form.language.choices = opts((c, LANGUAGE_LABELS.get(c, c)) for c in call["languages"])
    form.country.choices = opts(country_options())
    e = engine()
    return render_template(
        "calls/call.html", call=call, inputs=call_views.accepted_inputs(e, call["id"]), rejected=call_views.rejected_by_category(e, call["id"]),
        form=form, failed=failed,
    ), status


@bp.get("/<call_id>")
def show(call_id: str) -> Page:
    """A call: what it asks, its accepted inputs, the rejected ones by category, the input form."""
    return render_call(_call_or_404(call_id))


@bp.post("/<call_id>/inputs")
def send_input(call_id: str) -> Page:
    """Send an input (anyone: a participant under their id, anyone else as the public)."""
    call = _call_or_404(call_id)
    viewer = load_viewer()
    form = InputForm(prefix="in")
    form.language.choices = opts((c, LANGUAGE_LABELS.get(c, c)) for c in call["languages"])
    if form.website.data:
        current_app.logger.info("input to call %s dropped: the trap field was filled", call_id)
        flash(_("Thank you: your input was received and waits for moderation."), "ok")
        return redirect(url_for("calls.show", call_id=call_id))
    form.validate_on_submit()
    if (top := _expired(form)) is not None:
        return render_call(call, 400, {"form": form, "top": top, "errs": form_errors(form)})
    content: dict[str, Any] = {
        "text": form.text.data or "", "organisation_name": form.organisation_name.data or "", "country": form.country.data or "",
        "stakeholder_group": form.stakeholder_group.data or "", "language": form.language.data or "",
        "contact": None if viewer.is_participant else (form.contact.data or None),
    }
    errs = problems_by_field(form_errors(form), services().app.check_input(call_id, public=not viewer.is_participant, **content), {})
    if errs:  # every problem at once, what was typed kept
        return render_call(call, 422, {"form": form, "top": None, "errs": errs})
    actor = str(viewer.participant_id) if viewer.is_participant else PUBLIC
    cid = command_id_of(form)
    outcome = execute(cid, lambda: services().app.submit_input(call_id, actor=actor, command_id=cid, **content))
    if outcome.applied:
        flash(_("Thank you: your input was received and waits for moderation."), "ok")
        return redirect(url_for("calls.show", call_id=call_id))
    top, errs = place_error(outcome, form, inline=INLINE)
    return render_call(call, outcome.status, {"form": form, "top": top, "errs": errs})


# ---------------------------------------------------------------------------- moderation
def render_moderation(call: dict[str, Any], status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    viewer = load_viewer()
    if not viewer.sees_unaccepted_inputs:
        return render_template("common/error.html", code=403, message=_("Only the secretariat, the call's table's facilitators and auditors see inputs before moderation.")), 403
    failed = failed or {}
    forms = {}
    inputs = call_views.inputs_of_call(engine(), call["id"])
    for i in inputs:
        here = failed.get("item") == i["id"]
        forms[i["id"]] = failed["form"] if here else ModerationForm(formdata=None)
    return render_template("calls/moderation.html", call=call, inputs=inputs, forms=forms, failed=failed), status


@bp.get("/<call_id>/moderation")
def moderation(call_id: str) -> Page:
    """Every input of a call with its status; the pending ones with the moderation form."""
    return render_moderation(_call_or_404(call_id))


@bp.post("/inputs/<input_id>/moderation")
def moderate(input_id: str) -> Page:
    """Accept or reject an input (the secretariat, the call's table's facilitators)."""
    found = found_or_404(call_views.get_input, input_id)
    call = _call_or_404(found["call_id"])
    viewer = load_viewer()
    form = ModerationForm()
    if not form.validate_on_submit():
        return render_moderation(call, 400 if _expired(form) else 422, {"item": input_id, "form": form, "top": _expired(form), "errs": form_errors(form)})
    if viewer.secretariat_actor is None:
        return render_moderation(call, 422, {"item": input_id, "form": form, "top": refusal("not_a_moderator"), "errs": {}})
    content: dict[str, Any] = {"decision": form.decision.data or "", "reason": form.reason.data or "", "category": form.category.data or None}
    errs = problems_by_field({}, services().app.check_moderation(**content), {})
    if errs:  # every problem at once, what was typed kept
        return render_moderation(call, 422, {"item": input_id, "form": form, "top": None, "errs": errs})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.moderate_input(
        input_id, allow_more=bool(form.allow_more.data), actor=actor, command_id=cid, **content,
    ))
    if outcome.applied:
        flash(_("The moderation is recorded."), "ok")
        return redirect(url_for("calls.moderation", call_id=call["id"]) + f"#input-{input_id}")
    top, errs = place_error(outcome, form, inline={"decision", "category", "reason"})
    return render_moderation(call, outcome.status, {"item": input_id, "form": form, "top": top, "errs": errs})


@bp.get("/<call_id>/summary")
def summary(call_id: str) -> Page:
    """A call's figures: inputs received, accepted and rejected, and per GCM objective the
    accepted inputs that feed a proposal on it."""
    call = _call_or_404(call_id)
    return render_template("calls/summary.html", call=call, summary=call_views.summary(engine(), call_id))


@bp.errorhandler(404)
@links_bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404


# ---------------------------------------------------------------------------- links from proposals
def drawn_inputs(proposal_id: str) -> list[dict[str, Any]]:
    """The accepted inputs the proposal draws on (the proposal page's "draws on inputs")."""
    return kept_of_proposal(call_views.inputs_of_proposal, proposal_id)


def link_form(p: dict[str, Any], failed: dict[str, Any] | None = None) -> LinkInputForm | None:
    """The form to link an accepted input to proposal ``p``: for its authors, with the
    accepted inputs of calls on its objectives not linked yet (None for anyone else)."""
    viewer = load_viewer()
    if viewer.participant_id not in (p["author_id"], *p["co_author_ids"]):
        return None
    done = {i["id"] for i in drawn_inputs(p["id"])}
    here = failed and failed.get("action") == "link_input"
    form = failed["form"] if here and failed else LinkInputForm(formdata=None, prefix="link")
    form.input.choices = opts(
        (i["id"], f"{shorten(i['call_title'], 60)} · {(i['organisation_name'] or participation_label(i['stakeholder_group']))} · {shorten(i['text'])}")
        for i in call_views.linkable_inputs(engine(), p["objectives"]) if i["id"] not in done
    )
    return form


bp.add_app_template_global(drawn_inputs, "drawn_inputs")
bp.add_app_template_global(link_form, "input_link_form")
bp.add_app_template_global(category_label, "category_label")
bp.add_app_template_global(participation_label, "group_label")


@links_bp.post("/proposals/<proposal_id>/inputs")
def link_input(proposal_id: str) -> Page:
    """Link an accepted input to the proposal (its author or a co-author)."""
    p = found_or_404(proposal_views.get_proposal, proposal_id)
    viewer = load_viewer()
    form = LinkInputForm(prefix="link")
    if not form.validate_on_submit():
        return invalid_form(p, "link_input", form)
    try:
        UUID(str(form.input.data))
    except ValueError:
        abort(404)
    if not viewer.is_participant:
        return render_proposal(p, 422, {"action": "link_input", "form": form, "top": refusal("not_an_author"), "errs": {}})
    actor, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.link_input(form.input.data or "", proposal_id, actor=actor, command_id=cid))
    if outcome.applied:
        flash(_("The proposal now draws on this input."), "ok")
        return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#inputs-h")
    return render_proposal(p, outcome.status, {"action": "link_input", "form": form, "top": outcome, "errs": {}})
