"""The Liaison Table page: its 10 seats (the 8 representatives elected by the tables and
the 2 UN agency seats with their nominated agency: seed, "Architecture"), the open
endorsement rounds with their closing dates, the vote of each seat and the UN agencies'
advice, the seat holders' vote form, and the secretariat's forms (nominate a UN agency
by consensus of the WG-CS, end a nomination, record a UN agency's advice on a round,
open a round on an adopted recommendation, close a round early, publish an endorsed
recommendation to governments, record a government's response).

Votes are those of Liaison Table seats, public offices; the holders' names are shown
only to those who may see names. The application checks that a voter holds the seat on
the day and did not author the proposal (docs/design.md, "LiaisonEndorsement").
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from projections import liaison as liaison_views
from projections import people as people_views
from projections import proposals as proposal_views
from projections import settings as settings_views
from web.forms import (
    AdviceForm,
    NominationForm,
    OpenRoundForm,
    ProposalCommandForm,
    PublishForm,
    ResponseForm,
    SeatForm,
    VoteForm,
    opts,
    opts_by_name,
)
from web.i18n import target_label
from web.pages.common import (
    Outcome,
    Page,
    command_id_of,
    engine,
    execute,
    form_errors,
    install,
    load_viewer,
    place_error,
    problems_by_field,
    refusal,
    services,
    today,
)
from web.pages.confirm import confirmation_page, confirmed
from web.typed_text import shorten

bp = Blueprint("liaison", __name__, url_prefix="/liaison")
install(bp)

# The fields next to which each form of the page shows a refusal (others at the top).
INLINE_ERRORS = {
    "vote": {"seat", "vote"},
    "open": {"proposal", "closes_on"},
    "response": {"proposal", "country", "status", "response", "language", "responding_entity", "response_date"},
    "nominate": {"seat", "agency", "consensus_record", "objections", "focal_point"},
    "advice": {"seat", "advice"},
}


def render_liaison(status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """The Liaison Table page; ``failed`` re-shows one refused form with its message and
    what the person typed: ``{"action", "item", "form", "top", "errs"}``."""
    viewer = load_viewer()
    e = engine()
    on = today()
    seats = liaison_views.liaison_table(e, on)
    my_seats = [
        s["seat"] for s in seats if s["kind"] == "representative" and viewer.is_participant and s["participant_id"] == viewer.participant_id
    ]
    rounds = liaison_views.endorsement_rounds(e)
    advice: dict[str, list[dict[str, Any]]] = {}
    for a in liaison_views.un_advice(e):
        advice.setdefault(a["round_id"], []).append(a)
    for r in rounds:
        r["advice"] = advice.get(r["id"], [])
    open_rounds = [r for r in rounds if r["outcome"] is None]
    closed_rounds = sorted((r for r in rounds if r["outcome"] is not None), key=lambda r: r["closed_on"], reverse=True)
    adopted = proposal_views.list_recommendations(e, status="adopted")
    endorsed = proposal_views.list_recommendations(e, status="endorsed")
    published = proposal_views.list_recommendations(e, status="published")
    failed = failed or {}
    response_form = failed["form"] if failed.get("action") == "response" else ResponseForm(formdata=None, prefix="response")
    response_form.proposal.choices = opts([(p["id"], f"{p['reference'] or p['id'][:8]} · {shorten(p['title'])}") for p in published])
    open_form = failed["form"] if failed.get("action") == "open" else OpenRoundForm(formdata=None, prefix="round")
    open_form.proposal.choices = opts([(p["id"], f"{p['reference'] or p['id'][:8]} · {shorten(p['title'])}") for p in adopted])
    nominate_form = failed["form"] if failed.get("action") == "nominate" else NominationForm(formdata=None, prefix="un")
    if viewer.is_secretariat:
        people = [p for p in people_views.participants(e) if not p["erased"]]
        nominate_form.focal_point.choices = [*opts([("", _("none"))]), *opts_by_name((p["id"], f"{p['name']} · {p['reference']}") for p in people)]
    settings = (settings_views.current_settings(e) or {}).get("values", {})
    return render_template(
        "liaison/liaison.html", seats=seats, my_seats=my_seats, open_rounds=open_rounds,
        closed_rounds=closed_rounds[:20], endorsed=endorsed, failed=failed, response_form=response_form, open_form=open_form,
        nominate_form=nominate_form, held_un_seats=[s["seat"] for s in seats if s["kind"] == "un_agency" and s["agency"]],
        advice_seats=[
            s["seat"] for s in seats if s["kind"] == "un_agency" and s["agency"]
            and (viewer.is_secretariat or (viewer.is_participant and s["participant_id"] == viewer.participant_id))
        ],
        un_agencies_vote=bool(settings.get("un_agencies_vote")), all_un_seats=[s["seat"] for s in seats if s["kind"] == "un_agency"],
    ), status


@bp.get("")
def index() -> Page:
    return render_liaison()


def _after(outcome: Outcome[Any], action: str, form: Any, done: str, item: str | None = None) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("liaison.index") + (f"#round-{item}" if item else ""))
    top, errs = place_error(outcome, form, inline=INLINE_ERRORS.get(action, set()))
    return render_liaison(outcome.status, {"action": action, "item": item, "form": form, "top": top, "errs": errs})


def _refused_shape(action: str, form: Any, item: str | None = None) -> Page:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs or "proposal_id" in errs:
        top = Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again."))
        return render_liaison(400, {"action": action, "item": item, "form": form, "top": top, "errs": errs})
    return render_liaison(422, {"action": action, "item": item, "form": form, "top": None, "errs": errs})


def _expired_shape(form: Any) -> bool:
    """Whether a refused form's token expired or was damaged (then nothing else is checked)."""
    errs = form_errors(form)
    return "csrf_token" in errs or "command_id" in errs or "proposal_id" in errs


def _refused_actor(action: str, form: Any, code: str, item: str | None = None) -> Page:
    return render_liaison(422, {"action": action, "item": item, "form": form, "top": refusal(code), "errs": {}})


@bp.post("/rounds")
def open_round() -> Page:
    """Open an endorsement round on an adopted recommendation (the secretariat)."""
    viewer = load_viewer()
    form = OpenRoundForm(prefix="round")
    if not form.validate_on_submit():
        return _refused_shape("open", form)
    if viewer.secretariat_actor is None:
        return _refused_actor("open", form, "secretariat_only")
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.open_endorsement(form.proposal.data or "", form.closes_on.data, actor=actor, command_id=cid))
    return _after(outcome, "open", form, _("The endorsement round is open."))


@bp.post("/votes")
def vote() -> Page:
    """A seat holder endorses or objects, with a reason (a later vote replaces it)."""
    viewer = load_viewer()
    form = VoteForm()
    item = form.proposal_id.data or None
    if not form.validate_on_submit():
        return _refused_shape("vote", form, item)
    if not viewer.is_participant or viewer.participant_id is None:
        return _refused_actor("vote", form, "no_participant", item)
    pid, cid = viewer.participant_id, command_id_of(form)
    outcome = execute(cid, lambda: services().app.vote_on_endorsement(
        form.proposal_id.data, seat=form.seat.data or "", participant_id=pid, vote=form.vote.data or "", reason=form.reason.data or "", command_id=cid,
    ))
    return _after(outcome, "vote", form, _("Your vote is recorded."), item)


@bp.post("/close")
def close_early() -> Page:
    """Close a round before its date, by its tally (the secretariat)."""
    viewer = load_viewer()
    form = ProposalCommandForm()
    item = form.proposal_id.data or None
    if not form.validate_on_submit():
        return _refused_shape("close", form, item)
    if viewer.secretariat_actor is None:
        return _refused_actor("close", form, "secretariat_only", item)
    if not confirmed():
        return confirmation_page(
            title=_("Close the endorsement round now?"),
            facts=[(_("Recommendation"), _proposal_name(form.proposal_id.data))],
            consequences=[
                _("The round closes today, before its closing date, and is decided by the votes recorded so far."),
                _("Representatives who have not voted can no longer vote in this round."),
            ],
            action=url_for("liaison.close_early"), back=url_for("liaison.index"), button=_("Yes, close the round now"),
        )
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.close_endorsement(form.proposal_id.data, early=True, actor=actor, command_id=cid))
    return _after(outcome, "close", form, _("The round is closed."), item)


def _proposal_name(proposal_id: str) -> str:
    p = proposal_views.get_proposal(engine(), proposal_id) or {}
    return f"{p.get('reference') or proposal_id[:8]} · {p.get('title', '')}"


@bp.post("/publish")
def publish() -> Page:
    """Publish an endorsed recommendation; without a choice, to its addressees."""
    viewer = load_viewer()
    form = PublishForm()
    item = form.proposal_id.data or None
    if not form.validate_on_submit():
        return _refused_shape("publish", form, item)
    if viewer.secretariat_actor is None:
        return _refused_actor("publish", form, "secretariat_only", item)
    recipients = list(form.recipients.data or []) or None
    if not confirmed():
        p = proposal_views.get_proposal(engine(), form.proposal_id.data) or {}
        to = recipients or list(p.get("targets") or [])
        return confirmation_page(
            title=_("Publish the recommendation to governments?"),
            facts=[(_("Recommendation"), _proposal_name(form.proposal_id.data)), (_("Recipients"), ", ".join(target_label(t) for t in to))],
            consequences=[
                _("The recommendation is published to the recipients listed: each of them can then record its response."),
                _("Its document for governments is available to everyone in the four languages."),
            ],
            action=url_for("liaison.publish"), back=url_for("liaison.index"), button=_("Yes, publish it"),
        )
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.publish_to_governments(form.proposal_id.data, recipients, actor=actor, command_id=cid))
    return _after(outcome, "publish", form, _("The recommendation is published to governments."), item)


@bp.post("/responses")
def record_response() -> Page:
    """Record a government's response to a published recommendation (the secretariat)."""
    viewer = load_viewer()
    form = ResponseForm(prefix="response")
    if not form.validate_on_submit() and _expired_shape(form):
        return _refused_shape("response", form)
    if viewer.secretariat_actor is None:
        return _refused_actor("response", form, "secretariat_only")
    proposal = form.proposal.data or ""
    content: dict[str, Any] = {
        "country": form.country.data or "", "status": form.status.data or "", "response": form.response.data or "",
        "language": form.language.data or "es", "responding_entity": form.responding_entity.data or "", "response_date": form.response_date.data,
    }
    errs = problems_by_field(form_errors(form), services().app.check_government_response(proposal, **content), {})
    if errs:  # every problem at once, what was typed kept
        return render_liaison(422, {"action": "response", "item": None, "form": form, "top": None, "errs": errs})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.record_government_response(proposal, actor=actor, command_id=cid, **content))
    return _after(outcome, "response", form, _("The government's response is recorded."))


@bp.post("/un-seats")
def nominate() -> Page:
    """Record the WG-CS's consensus nomination of a UN agency to a UN seat (the secretariat)."""
    viewer = load_viewer()
    form = NominationForm(prefix="un")
    if not form.validate_on_submit():
        return _refused_shape("nominate", form)
    if viewer.secretariat_actor is None:
        return _refused_actor("nominate", form, "secretariat_only")
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    objections = form.objections.data if form.objections.data is not None else 0
    outcome = execute(cid, lambda: services().app.nominate_un_agency(
        seat=form.seat.data or "", agency=form.agency.data or "", consensus_record=form.consensus_record.data or "",
        objections=objections, focal_point=form.focal_point.data or None, actor=actor, command_id=cid,
    ))
    return _after(outcome, "nominate", form, _("The UN agency's nomination is recorded."))


@bp.post("/un-seats/vacate")
def vacate_un_seat() -> Page:
    """End a UN agency's nomination today (the secretariat)."""
    viewer = load_viewer()
    form = SeatForm()
    item = form.seat.data or None
    if not form.validate_on_submit():
        return _refused_shape("vacate", form, item)
    if viewer.secretariat_actor is None:
        return _refused_actor("vacate", form, "secretariat_only", item)
    if not confirmed():
        return confirmation_page(
            title=_("End this UN agency's nomination?"),
            facts=[(_("Seat"), form.seat.data or "")],
            consequences=[_("The seat is vacant from today: the agency no longer advises or votes for it until a new nomination.")],
            action=url_for("liaison.vacate_un_seat"), back=url_for("liaison.index") + "#seats-h", button=_("Yes, vacate the seat"),
        )
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.vacate_seat("UN", form.seat.data or "", form.reason.data or "", actor=actor, command_id=cid))
    if outcome.applied:
        flash(_("The UN seat is vacant."), "ok")
        return redirect(url_for("liaison.index") + "#seats-h")
    return render_liaison(outcome.status, {"action": "vacate", "item": item, "form": form, "top": outcome, "errs": {}})


@bp.post("/advice")
def record_advice() -> Page:
    """Record a UN agency's technical advice on an open round (the secretariat, or the
    agency's focal point)."""
    viewer = load_viewer()
    form = AdviceForm()
    item = form.proposal_id.data or None
    if not form.validate_on_submit():
        return _refused_shape("advice", form, item)
    if viewer.secretariat_actor is None:
        return _refused_actor("advice", form, "secretariat_only", item)
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.record_un_advice(
        form.proposal_id.data, seat=form.seat.data or "", advice=form.advice.data or "", actor=actor, command_id=cid,
    ))
    return _after(outcome, "advice", form, _("The UN agency's advice is recorded."), item)
