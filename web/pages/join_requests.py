"""Requests to join the mechanism through a working table (issue 17, "Requests to join the
mechanism through a table"; seed, "Membership": actors join "by contacting the Working
Table(s) directly").

- ``/tables/<code>/join``: the request form for someone without an account (a trap field
  for robots, sizes, a limit per network address as the input form of an open call), and
  its confirmation page;
- ``/tables/<code>/join-requests``: the queue of the table's representatives in term and
  the secretariat: the pending requests with the requesters' details (read decrypted from
  the aggregate, for them only), the forms to accept or decline, and the requests decided.

Anyone else gets the 403 page. The rules are the application's
(:mod:`application.commands.join_requests`); an acceptance's invitation is
:func:`application.joining.decide_join_request`'s.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from application.joining import JoinDecision, decide_join_request
from application.mail import MailError
from domain.base import PUBLIC
from projections import join_requests as join_views
from web.forms import TABLES, opts
from web.i18n import country_options
from web.join_forms import GROUND_LABELS, JoinDecisionForm, JoinRequestForm
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
    services,
)

bp = Blueprint("join_requests", __name__, url_prefix="/tables")
install(bp)

REQUEST_FIELDS = {"motivation", "display_name", "organisation_name", "country", "stakeholder_group", "language", "contact"}
DECISION_FIELDS = {"decision", "participant_reference", "ground", "reason"}


def _table_or_404(code: str) -> str:
    if code not in TABLES:
        abort(404)
    return code


def _expired(form: Any) -> Outcome[Any] | None:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs:
        return Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again."))
    return None


def ground_label(code: str | None) -> str:
    """A listed ground of a decline as the reader says it."""
    return str(GROUND_LABELS.get(code or "", code or ""))


bp.add_app_template_global(ground_label, "ground_label")


# ---------------------------------------------------------------------------- the request
def render_request(code: str, status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    failed = failed or {}
    form = failed.get("form") or JoinRequestForm(formdata=None, prefix="join")
    form.country.choices = opts(country_options())
    return render_template("join_requests/request.html", code=code, form=form, failed=failed), status


@bp.get("/<table:code>/join")
def ask(code: str) -> Page:
    """The form to ask to join table ``code`` (someone without an account)."""
    return render_request(_table_or_404(code))


@bp.post("/<table:code>/join")
def send(code: str) -> Page:
    """Send a request to join ``code``: every shape error at once, then the application's
    rules (one pending request per address and table); a confirmation page once stored."""
    _table_or_404(code)
    form = JoinRequestForm(prefix="join")
    if form.website.data:
        current_app.logger.info("request to join %s dropped: the trap field was filled", code)
        return redirect(url_for("join_requests.sent", code=code))
    if not form.validate_on_submit():
        top = _expired(form)
        return render_request(code, 400 if top else 422, {"form": form, "top": top, "errs": form_errors(form)})
    cid = command_id_of(form)
    # A signed-in participant asks as themselves, and the application refuses them
    # (``not_allowed``: participants join tables by themselves, never through a request).
    viewer = load_viewer()
    actor = str(viewer.participant_id) if viewer.is_participant and viewer.participant_id else PUBLIC
    outcome = execute(cid, lambda: services().app.request_to_join(
        code, motivation=form.motivation.data or "", display_name=form.display_name.data or "",
        organisation_name=form.organisation_name.data or "", country=form.country.data or "",
        stakeholder_group=form.stakeholder_group.data or "", language=form.language.data or "", contact=form.contact.data or "",
        actor=actor, command_id=cid,
    ))
    if outcome.applied:
        return redirect(url_for("join_requests.sent", code=code))
    top, errs = place_error(outcome, form, inline=REQUEST_FIELDS)
    return render_request(code, outcome.status, {"form": form, "top": top, "errs": errs})


@bp.get("/<table:code>/join/sent")
def sent(code: str) -> Page:
    """The confirmation: what happens next."""
    return render_template("join_requests/sent.html", code=_table_or_404(code))


# ---------------------------------------------------------------------------- the queue
def _forbidden() -> tuple[str, int]:
    return render_template(
        "common/error.html", code=403, message=_("Only the table's representatives in term and the secretariat see the requests to join it."),
    ), 403


def render_queue(code: str, status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    viewer = load_viewer()
    if not viewer.decides_join_requests(code):
        return _forbidden()
    failed = failed or {}
    details = services().app.join_request_details(code)
    requests = [{**r, **details.get(r["id"], {})} for r in join_views.requests_of_table(engine(), code)]
    pending = [r for r in requests if r["status"] == "pending"]
    decided = [r for r in reversed(requests) if r["status"] != "pending"]
    forms = {r["id"]: failed["form"] if failed.get("item") == r["id"] else JoinDecisionForm(formdata=None) for r in pending}
    return render_template("join_requests/queue.html", code=code, pending=pending, decided=decided, forms=forms, failed=failed), status


@bp.get("/<table:code>/join-requests")
def queue(code: str) -> Page:
    """The requests to join ``code``: pending ones with their forms, then those decided."""
    return render_queue(_table_or_404(code))


def _decide(request_id: str, form: JoinDecisionForm, actor: str, cid: str) -> JoinDecision | str:
    try:
        return decide_join_request(
            services(), request_id, decision=form.decision.data or "", reason=form.reason.data or "",
            participant_reference=form.participant_reference.data or None, ground=form.ground.data or None, actor=actor, command_id=cid,
        )
    except MailError:
        return "mail_failed"


@bp.post("/<table:code>/join-requests/<request_id>")
def decide(code: str, request_id: str) -> Page:
    """Accept or decline a request (the table's representatives in term, the secretariat)."""
    _table_or_404(code)
    found = join_views.get_request(engine(), request_id)
    if found is None or found["table_code"] != code:
        abort(404)
    viewer = load_viewer()
    actor = viewer.join_request_actor(code)
    if actor is None:
        return _forbidden()
    form = JoinDecisionForm()
    if not form.validate_on_submit():
        top = _expired(form)
        return render_queue(code, 400 if top else 422, {"item": request_id, "form": form, "top": top, "errs": form_errors(form)})
    cid = command_id_of(form)
    outcome = execute(cid, lambda: _decide(request_id, form, actor, cid))
    if outcome.applied:
        if outcome.value == "mail_failed":
            flash(_("The request is accepted, but the invitation could not be sent: invite the new participant again from the invitations page."), "info")
        elif isinstance(outcome.value, JoinDecision) and outcome.value.not_invited:
            flash(_(
                "The request is accepted: the new participant is a member of %(table)s. No invitation was sent: the address "
                "given already belongs to an account. Invite the new participant at another address from the invitations page.",
                table=code,
            ), "info")
        elif form.decision.data == "accept":
            flash(_("The request is accepted: the new participant is a member of %(table)s and is invited to create an account.", table=code), "ok")
        else:
            flash(_("The request is declined."), "ok")
        return redirect(url_for("join_requests.queue", code=code))
    top, errs = place_error(outcome, form, inline=DECISION_FIELDS)
    return render_queue(code, outcome.status, {"item": request_id, "form": form, "top": top, "errs": errs})


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404
