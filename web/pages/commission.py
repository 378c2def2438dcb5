"""The cross-cutting commission's page (issue 19, "The commission"): its reference, the date
it was established and its members (named to those who see names, counted for the public,
as people are elsewhere), and the indicators it defined, each linked to its recommendation.
The Liaison Table, through the secretariat, establishes it and appoints its members with the
form of this page (once: the application refuses a second), then appoints any further member
with the page's other form. A refused form comes back with what was typed and every problem
at once (:meth:`CommissionCommands.check_commission`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from projections import indicators as views
from projections import people as people_views
from projections import proposals as proposal_views
from web.commission_forms import AppointForm, CommissionForm
from web.forms import opts, opts_by_name
from web.pages.common import (
    Outcome,
    Page,
    Viewer,
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
)

bp = Blueprint("commission", __name__, url_prefix="/commission")
install(bp)


def expired(form: Any) -> Outcome[Any] | None:
    """The refusal of a form whose token expired or was damaged (what was typed is kept)."""
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs:
        return Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again."))
    return None


def _people(excluded: set[str]) -> list[tuple[str, str]]:
    """Everyone registered whose data was not erased, by name, but ``excluded``."""
    directory = people_views.directory(engine()).items()
    return [(pid, f"{p['name']} ({p['reference']})") for pid, p in directory if not p["erased"] and pid not in excluded]


def _establish_form(failed: dict[str, Any]) -> CommissionForm:
    form = failed["form"] if failed.get("action") == "establish" else CommissionForm(formdata=None, prefix="cct")
    form.members.choices = opts_by_name(_people(set()))
    return form


def _appoint_form(failed: dict[str, Any], found: dict[str, Any] | None) -> AppointForm:
    form = failed["form"] if failed.get("action") == "appoint" else AppointForm(formdata=None, prefix="appoint")
    members = {str(m["participant_id"]) for m in (found or {}).get("members", [])}
    form.member.choices = [*opts([("", _("Choose a person"))]), *opts_by_name(_people(members))]
    return form


def render_commission(status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """The page; ``failed`` re-shows the refused form: ``{"action", "form", "top", "errs"}``."""
    viewer = load_viewer()
    failed = failed or {}
    e = engine()
    found = views.commission(e)
    recommendations = {p["id"]: p for p in proposal_views.list_recommendations(e)}
    indicators = [{**i, "proposals": [recommendations[r] for r in i["recommendations"] if r in recommendations]} for i in views.indicators(e)]
    return render_template(
        "commission/commission.html", commission=found, indicators=indicators, failed=failed,
        member=views.is_member(e, viewer.participant_id if viewer.is_participant else None),
        # The forms list every registered person: shown to the secretariat only, even when
        # someone else's refused post comes back (that refusal is shown alone).
        form=_establish_form(failed) if viewer.is_secretariat and (found is None or failed.get("action") == "establish") else None,
        appoint=_appoint_form(failed, found) if viewer.is_secretariat and (found is not None or failed.get("action") == "appoint") else None,
    ), status


def _refused(form: Any, action: str, viewer: Viewer) -> Page | None:
    """The answer to the secretariat's form ``form`` when it expired or someone else sent it
    (None when it may go on)."""
    form.validate_on_submit()
    top = expired(form)
    if top is not None:
        return render_commission(400, {"action": action, "form": form, "top": top, "errs": form_errors(form)})
    if viewer.secretariat_actor is None:
        return render_commission(422, {"action": action, "form": form, "top": refusal("secretariat_only"), "errs": {}})
    return None


@bp.get("")
def show() -> Page:
    return render_commission()


@bp.post("")
def establish() -> Page:
    """The Liaison Table (the secretariat) establishes the commission with its members."""
    viewer = load_viewer()
    form = CommissionForm(prefix="cct")
    if (answer := _refused(form, "establish", viewer)) is not None:
        return answer
    reference, members = form.reference.data or "", list(form.members.data or [])
    errs = problems_by_field(form_errors(form), services().app.check_commission(reference=reference, members=members), {"commission": "reference"})
    if errs:
        return render_commission(422, {"action": "establish", "form": form, "top": None, "errs": errs})
    actor, cid = str(viewer.secretariat_actor), command_id_of(form)
    outcome = execute(cid, lambda: services().app.establish_commission(reference=reference, members=members, actor=actor, command_id=cid))
    if outcome.applied:
        flash(_("The cross-cutting commission is established."), "ok")
        return redirect(url_for("commission.show"))
    top, errs = place_error(outcome, form, {"commission": "reference"}, inline={"reference", "members"})
    return render_commission(outcome.status, {"action": "establish", "form": form, "top": top, "errs": errs})


@bp.post("/members")
def appoint() -> Page:
    """The Liaison Table (the secretariat) appoints one more member of the established commission."""
    viewer = load_viewer()
    form = AppointForm(prefix="appoint")
    if (answer := _refused(form, "appoint", viewer)) is not None:
        return answer
    failed: dict[str, Any] = {"action": "appoint", "form": form}
    member = form.member.data or ""
    if not member:
        return render_commission(422, {**failed, "top": None, "errs": {"member": [_("Choose the person to appoint.")]}})
    actor, cid = str(viewer.secretariat_actor), command_id_of(form)
    outcome = execute(cid, lambda: services().app.appoint_commission_member(member, actor=actor, command_id=cid))
    if outcome.applied:
        flash(_("The member is appointed."), "ok")
        return redirect(url_for("commission.show") + "#members-h")
    top, errs = place_error(outcome, form, inline={"member"})
    return render_commission(outcome.status, {**failed, "top": top, "errs": errs})
