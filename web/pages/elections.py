"""Election pages (issue 19, "Elections"): every election of the tables' representatives,
and one election's page: its periods, the candidacies with their statements (names to those
who see names; answers to the criteria to the table's members and auditors), the ballots
(the table's members and auditors only, as positions), the public result, and the balance
of subregions and sectors the Liaison Table would have after it (counts, never a person).

Forms: the secretariat opens and closes; a member declares a candidacy, withdraws it, casts
a ballot. The rules are the application's (docs/rules.md, "Elections of representatives").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from domain.ids import created_id
from domain.reference import seat_codes
from projections import elections as views
from web.forms import (
    TABLES,
    BallotForm,
    CandidacyForm,
    CommandForm,
    OpenElectionForm,
    opts,
    opts_by_name,
)
from web.labels import GROUP_LABELS, SUBREGION_LABELS
from web.pages.common import (
    Outcome,
    Page,
    People,
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
from web.translate import lazy_gettext as _l

bp = Blueprint("elections", __name__, url_prefix="/elections")
install(bp)

STAGES = {"nominations": _l("nominations open"), "voting": _l("voting open"), "counting": _l("voting closed, to be counted"), "closed": _l("closed")}
REASONS = {
    "most_votes": _l("most votes"), "parity": _l("best placed who keeps gender parity"),
    "vacant_parity": _l("vacant: no candidate keeps gender parity; a by-election fills it"),
    "vacant_no_candidate": _l("vacant: no candidate with votes; a by-election fills it"),
}
# The answers' codes (domain.election: ADVOCACY_LEVELS; subregions and sectors are the
# participation labels' own, web.labels).
LEVELS = {"local": _l("local"), "national": _l("national"), "regional": _l("regional")}


def stage(e: dict[str, Any], on: date) -> str:
    """Where the election stands on ``on``."""
    if e["closed_on"]:
        return "closed"
    if on <= e["nominations_close"]:
        return "nominations"
    return "voting" if on <= e["voting_closes"] else "counting"


def _shape(form: Any) -> tuple[Outcome[Any] | None, dict[str, list[str]], int]:
    errs = form_errors(form)
    if "csrf_token" in errs or "command_id" in errs:
        return Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you typed is kept below: submit it again.")), errs, 400
    return None, errs, 422


# ---------------------------------------------------------------------------- every election
def _open_form(failed: dict[str, Any]) -> OpenElectionForm:
    form = failed["form"] if failed.get("action") == "open" else OpenElectionForm(formdata=None, prefix="open")
    form.seats.choices = opts((s, s) for t in TABLES for s in seat_codes(t))
    return form


def render_index(status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    viewer = load_viewer()
    failed = failed or {}
    on = today()
    rows = [{**e, "stage": stage(e, on)} for e in views.elections(engine())]
    return render_template(
        "elections/index.html", elections=rows, stages=STAGES, failed=failed,
        open_form=_open_form(failed) if viewer.is_secretariat or failed.get("action") == "open" else None,
    ), status


@bp.get("")
def index() -> Page:
    return render_index()


@bp.post("")
def open_election() -> Page:
    """The secretariat opens an election."""
    viewer = load_viewer()
    form = OpenElectionForm(prefix="open")
    shaped = form.validate_on_submit()
    top, errs, status = _shape(form) if not shaped else (None, {}, 422)
    if top is not None:  # the form's token first
        return render_index(status, {"action": "open", "form": form, "top": top, "errs": errs})
    if viewer.secretariat_actor is None:
        return render_index(422, {"action": "open", "form": form, "top": refusal("secretariat_only"), "errs": {}})
    # Every problem at once: the fields' shape, then the rules on what the shape let through.
    table = form.table.data if form.table.data in TABLES else ""
    seats = list(form.seats.data or [])
    problems = services().app.check_opening(
        table=table, seats=seats, term_start=form.term_start.data, nominations_close=form.nominations_close.data,
        voting_closes=form.voting_closes.data,
    ) if table else []
    errs = problems_by_field(errs, [e for e in problems if e.code != "unknown_seat"], {})
    if any(e.code == "unknown_seat" for e in problems) and "seats" not in errs:
        errs["seats"] = [_seats_elsewhere(table, seats)]
    if errs:
        return render_index(422, {"action": "open", "form": form, "top": None, "errs": errs})
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    eid = created_id("election", cid)
    outcome = execute(cid, lambda: services().app.open_election(
        election_id=eid, table=form.table.data or "", seats=list(form.seats.data or []), term_start=form.term_start.data,
        nominations_close=form.nominations_close.data, voting_closes=form.voting_closes.data, actor=actor, command_id=cid,
    ))
    if outcome.applied:
        flash(_("The election is open."), "ok")
        return redirect(url_for("elections.show", election_id=str(eid)))
    top, errs = place_error(outcome, form, inline={"seats", "term_start", "nominations_close", "voting_closes", "table"})
    return render_index(outcome.status, {"action": "open", "form": form, "top": top, "errs": errs})


def _seats_elsewhere(table: str, seats: list[str]) -> str:
    """The refusal of seats that are not ``table``'s, naming the tables they belong to."""
    outside = [s for s in seats if s not in seat_codes(table)]
    owners = sorted({t for t in TABLES for s in outside if s in seat_codes(t)})
    if not owners:
        return _("Unknown Liaison Table seat.")
    return _(
        "%(seats)s: seats of %(others)s, not of %(table)s. An election of %(table)s is for its own seats.",
        seats=", ".join(outside), others=", ".join(owners), table=table,
    )


# ---------------------------------------------------------------------------- one election
def _found(election_id: str) -> dict[str, Any]:
    e = views.election(engine(), election_id)
    if e is None:
        abort(404)
    return e


def _candidacy_form(failed: dict[str, Any]) -> CandidacyForm:
    form = failed["form"] if failed.get("action") == "candidacy" else CandidacyForm(formdata=None, prefix="stand")
    form.advocacy_levels.choices = opts(LEVELS.items())
    form.subregion.choices = opts(SUBREGION_LABELS.items())
    form.sector.choices = opts(GROUP_LABELS.items())
    return form


def render_election(election_id: str, status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """One election; ``failed`` re-shows a refused form: ``{"action", "form", "top", "errs"}``."""
    viewer = load_viewer()
    failed = failed or {}
    e = _found(election_id)
    on, table = today(), e["table_code"]
    now = stage(e, on)
    candidacies = views.candidacies(engine(), election_id)
    active = [c for c in candidacies if c["withdrawn_on"] is None]
    mine = viewer.is_participant and any(c["candidate"] == viewer.participant_id for c in active)
    member = viewer.is_member(table)
    ballot_form = failed["form"] if failed.get("action") == "ballot" else BallotForm(formdata=None, prefix="ballot")
    ballot_form.choices.choices = opts_by_name((c["candidate"], People(viewer).name(c["candidate"], table)) for c in active)
    return render_template(
        "elections/election.html", e=e, stage=now, stages=STAGES, reasons=REASONS, levels=LEVELS, failed=failed,
        candidacies=candidacies, active=active, sees_answers=viewer.sees_positions(table),
        ballots=views.ballots(engine(), election_id) if viewer.sees_positions(table) else [],
        balance=views.balance(engine(), election_id),
        candidacy_form=_candidacy_form(failed) if (member and now == "nominations" and not mine) or failed.get("action") == "candidacy" else None,
        withdraw=mine and now == "nominations",
        ballot_form=ballot_form if (member and now == "voting" and active) or failed.get("action") == "ballot" else None,
        close=viewer.is_secretariat and now in ("voting", "counting") and on >= e["voting_closes"],
    ), status


@bp.get("/<election_id>")
def show(election_id: str) -> Page:
    return render_election(election_id)


def _after(election_id: str, outcome: Outcome[Any], action: str, form: Any, done: str, inline: set[str]) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("elections.show", election_id=election_id))
    top, errs = place_error(outcome, form, inline=inline)
    return render_election(election_id, outcome.status, {"action": action, "form": form, "top": top, "errs": errs})


def _refused(election_id: str, form: Any, action: str, missing: str | None) -> Page | None:
    """The page again when the form's shape fails, or with the refusal ``missing`` (the
    visitor has no actor for this form); None when the command may run."""
    if not form.validate_on_submit():
        top, errs, status = _shape(form)
        return render_election(election_id, status, {"action": action, "form": form, "top": top, "errs": errs})
    if missing:
        return render_election(election_id, 422, {"action": action, "form": form, "top": refusal(missing), "errs": {}})
    return None


@bp.post("/<election_id>/candidacy")
def declare(election_id: str) -> Page:
    """A member stands, with a statement and the answers to the criteria."""
    _found(election_id)
    viewer = load_viewer()
    form = CandidacyForm(prefix="stand")
    if (page := _refused(election_id, form, "candidacy", None if viewer.participant_id else "no_participant")) is not None:
        return page
    problems = services().app.check_candidacy(statement=form.statement.data or "", criteria=form.criteria())
    if problems:  # every problem of the content at once; the command refuses with the first
        return render_election(election_id, 422, {"action": "candidacy", "form": form, "top": None, "errs": problems_by_field({}, problems, {})})
    pid, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.declare_candidacy(
        election_id, candidate=pid, statement=form.statement.data or "", criteria=form.criteria(), actor=pid, command_id=cid,
    ))
    inline = {"statement", "networks", "coordination", "availability", "advocacy_levels", "subregion", "sector"}
    return _after(election_id, outcome, "candidacy", form, _("Your candidacy is declared."), inline)


@bp.post("/<election_id>/withdraw")
def withdraw(election_id: str) -> Page:
    """The candidate withdraws while nominations are open."""
    _found(election_id)
    viewer = load_viewer()
    form = CommandForm()
    if (page := _refused(election_id, form, "withdraw", None if viewer.participant_id else "no_participant")) is not None:
        return page
    pid, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.withdraw_candidacy(election_id, candidate=pid, actor=pid, command_id=cid))
    return _after(election_id, outcome, "withdraw", form, _("Your candidacy is withdrawn."), set())


@bp.post("/<election_id>/ballot")
def ballot(election_id: str) -> Page:
    """A member casts (or casts again) their ballot."""
    _found(election_id)
    viewer = load_viewer()
    form = BallotForm(prefix="ballot")
    if (page := _refused(election_id, form, "ballot", None if viewer.participant_id else "no_participant")) is not None:
        return page
    pid, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.cast_ballot(election_id, voter=pid, choices=list(form.choices.data or []), actor=pid, command_id=cid))
    return _after(election_id, outcome, "ballot", form, _("Your ballot is cast; you may change it until voting closes."), {"choices"})


@bp.post("/<election_id>/close")
def close(election_id: str) -> Page:
    """The secretariat closes the election (after a confirmation: it cannot be undone)."""
    e = _found(election_id)
    viewer = load_viewer()
    form = CommandForm()
    if (page := _refused(election_id, form, "close", None if viewer.secretariat_actor else "secretariat_only")) is not None:
        return page
    if not confirmed():
        return confirmation_page(
            title=_("Close this election?"),
            facts=[(_("Working table"), e["table_code"]), (_("Seats"), ", ".join(e["seats"]))],
            consequences=[
                _("The ballots are counted; no ballot is taken after the closing."),
                _("Each winner is recorded as the table's representative for the term."),
            ],
            action=url_for("elections.close", election_id=election_id), back=url_for("elections.show", election_id=election_id),
            button=_("Yes, close the election"),
        )
    actor, cid = str(viewer.secretariat_actor), command_id_of(form)
    outcome = execute(cid, lambda: services().app.close_election(election_id, actor=actor, command_id=cid))
    return _after(election_id, outcome, "close", form, _("The election is closed and its result recorded."), set())


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404
