"""Proposal pages: drafting and revising forms, the proposal page with its amendments,
version history, government responses and their follow-up, and the authors' and members'
actions on it (co-authors added and removed, amendments proposed, decided or withdrawn by
their amender). The follow-up form's handler is in :mod:`web.pages.dialogues`.

Every form carries a ``command_id`` made when it was rendered (a double submit applies
once) and the revise form the aggregate version it was rendered from
(``expected_version``): a stale one answers 409 with the person's text kept. A refused
command answers 422 with the rule's message next to the field it names. After a command
the views are brought up to date and the browser is redirected (POST/redirect/GET).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from application.open_data.document import inclusion_proof_url, provenance, tree_size
from application.outside_the_log import checkpoints_mark
from domain.errors import DomainError
from domain.ids import created_id
from domain.proposal import EDITABLE, LANGUAGES, TEXT_FIELDS
from domain.reference import ALL_GOVERNMENTS, lac_states, other_addressees, table_objectives
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views
from web.forms import (
    TABLES,
    AmendmentForm,
    CoAuthorForm,
    CommandForm,
    DraftForm,
    FollowUpForm,
    ReasonForm,
    ReviseForm,
    opts,
    opts_by_name,
)
from web.i18n import current_language, refusal_words
from web.identity import signed_in
from web.pages.common import (
    Outcome,
    Page,
    Viewer,
    check,
    command_id_of,
    copy_rows,
    engine,
    execute,
    form_errors,
    found_or_404,
    install,
    kept,
    kept_of_proposal,
    load_viewer,
    place_error,
    problems_by_field,
    refusal,
    services,
)
from web.pages.confirm import confirmation_page, confirmed
from web.pagination import Pager, asked_page
from web.positions import log_position, outside_mark

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
install(bp)

WITHDRAWABLE = ("draft", "submitted", "on_agenda", "returned_for_revision")
VERSIONS_PER_PAGE = 20
VERSIONS_PARAM = "versions"


def _proposal_or_404(proposal_id: str) -> dict[str, Any]:
    return found_or_404(_kept_proposal, proposal_id)


def _kept_proposal(_engine: Any, proposal_id: str) -> dict[str, Any] | None:
    """The proposal's view row, kept for its change mark (:func:`kept_of_proposal`)."""
    return kept_of_proposal(proposal_views.get_proposal, proposal_id)


def _text_choices() -> dict[str, Any]:
    """What the proposal forms offer: objectives grouped by table, addressees grouped."""
    return {
        "objective_groups": [(t, sorted(table_objectives()[t])) for t in TABLES],
        "table_numbers": {t: sorted(table_objectives()[t]) for t in TABLES},
        "states": sorted(lac_states()),
        "addressees": other_addressees(),
        "all_governments": ALL_GOVERNMENTS,
    }


def _shape_refusal(form: Any) -> tuple[Outcome[Any] | None, dict[str, list[str]]]:
    """A form that failed its shape checks: a damaged or expired token goes to the top."""
    errs = form_errors(form)
    top = None
    if "csrf_token" in errs or "command_id" in errs or "expected_version" in errs:
        top = Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. Your text is kept below: submit it again."))
    return top, errs


# ---------------------------------------------------------------------------- drafting
@bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    """Draft a proposal (a participant, member of the chosen table)."""
    viewer = load_viewer()
    form = DraftForm()
    form.table.choices = opts([(t, t) for t in (viewer.tables or TABLES)])
    if request.method == "GET":
        asked = request.args.get("table", "")
        form.table.data = asked if asked in TABLES else (viewer.tables[0] if viewer.tables else TABLES[0])
        form.language.data = current_language() if current_language() in LANGUAGES else "es"
        return _draft_page(form, viewer)
    shaped = form.validate_on_submit()
    top, errs = _shape_refusal(form) if not shaped else (None, {})
    if top is not None:
        return _draft_page(form, viewer, top, errs, 400)
    if not viewer.is_participant or viewer.actor is None:
        return _draft_page(form, viewer, refusal("no_participant"), {}, 422)
    actor = viewer.actor
    # Membership of the chosen table before the content: someone who may not draft there
    # learns that first, not the problems of a text they may not send.
    allowed = check(command_id_of(form), lambda: services().app.check_may_draft(actor=actor, table=form.table.data or ""))
    if not allowed.applied:
        top, errs = place_error(allowed, form, {"actor": "table", "co_authors": "table"})
        return _draft_page(form, viewer, top, errs, allowed.status)
    errs = _content_problems(form, errs)
    if errs:
        return _draft_page(form, viewer, None, errs, 422)
    cid = command_id_of(form)
    pid = created_id("proposal", cid)
    outcome = execute(cid, lambda: services().app.draft_proposal(
        actor=actor, table=form.table.data or "", title=form.title.data or "", problem=form.problem.data or "",
        recommendation=form.recommendation.data or "", rationale=form.rationale.data or "",
        objectives=list(form.objectives.data or []), targets=list(form.targets.data or []),
        language=form.language.data or "", id=pid, command_id=cid,
    ))
    if outcome.applied:
        flash(_("Your proposal is saved as a draft."), "ok")
        return redirect(url_for("proposals.show", proposal_id=str(pid)))
    top, errs = place_error(outcome, form, {"actor": "table", "co_authors": "table"})
    return _draft_page(form, viewer, top, errs, outcome.status)


def _content_problems(form: DraftForm, errs: dict[str, list[str]]) -> dict[str, list[str]]:
    """The form's shape errors, then the mechanism's rules on every field whose shape
    passed (:meth:`ProposalCommands.check_draft`): every error of the draft at once."""
    problems = services().app.check_draft(
        table=form.table.data or "", title=form.title.data or "", problem=form.problem.data or "",
        recommendation=form.recommendation.data or "", rationale=form.rationale.data or "",
        objectives=list(form.objectives.data or []), targets=list(form.targets.data or []), language=form.language.data or "",
    )
    merged = dict(errs)
    for e in problems:
        if e.field and e.field not in errs:
            message = refusal_words(e)
            if e.code == "objective_not_in_table":
                message = _objectives_elsewhere(form.table.data or "", list(form.objectives.data or []))
            merged.setdefault(e.field, []).append(message)
    return merged


def _objectives_elsewhere(table: str, chosen: list[int]) -> str:
    """The refusal of objectives of other tables, naming the proposal's table and theirs."""
    outside = sorted(set(chosen) - table_objectives().get(table, frozenset()))
    owners = sorted({t for t, owned in table_objectives().items() for n in outside if n in owned})
    return _(
        "GCM objectives %(numbers)s belong to %(others)s, not to %(table)s: choose objectives of %(table)s, "
        "or draft the proposal for %(others)s.",
        numbers=", ".join(map(str, outside)), others=", ".join(owners), table=table,
    )


def _draft_page(form: DraftForm, viewer: Viewer, top: Outcome[Any] | None = None, errs: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("proposals/proposal_form.html", form=form, mode="draft", top=top, errs=errs or {}, current=None, p=None, **_text_choices()), status


# ---------------------------------------------------------------------------- revising
def _fill_from(form: ReviseForm, p: dict[str, Any]) -> None:
    for f in TEXT_FIELDS:
        getattr(form, f).data = p[f]
    form.objectives.data = list(p["objectives"])
    form.targets.data = list(p["targets"])
    form.language.data = p["language"]
    form.expected_version.data = str(p["version"])


def _changes(form: ReviseForm, p: dict[str, Any]) -> dict[str, Any]:
    """The fields the person changed, compared with the proposal as it is now."""
    changes: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        value = getattr(form, f).data or ""
        if value != p[f]:
            changes[f] = value
    chosen = sorted(set(form.objectives.data or []))
    if chosen != sorted(p["objectives"]):
        changes["objectives"] = chosen
    targets = list(form.targets.data or [])
    if targets != list(p["targets"]) and set(targets) != set(p["targets"]):
        changes["targets"] = targets
    if form.language.data != p["language"]:
        changes["language"] = form.language.data
    return changes


@bp.route("/<proposal_id>/revise", methods=["GET", "POST"])
def revise(proposal_id: str) -> Page:
    """Revise a proposal (its authors, while draft or returned for revision)."""
    viewer = load_viewer()
    p = _proposal_or_404(proposal_id)
    form = ReviseForm()
    if request.method == "GET":
        # Who may revise, asked before the form is shown (as the POST asks it before the content).
        if viewer.actor is None:
            if signed_in() is None:  # an author whose session ended: asked to sign in, then back here
                return redirect(url_for("signin.login", next=request.path))
            return _may_not_revise(None)
        try:
            services().app.check_may_revise(proposal_id, actor=viewer.actor)
        except DomainError as refused:
            return _may_not_revise(refused)
        _fill_from(form, p)
        return _revise_page(form, p)
    shaped = form.validate_on_submit()
    top, errs = _shape_refusal(form) if not shaped else (None, {})
    if top is not None:  # the form's token first
        return _revise_page(form, p, top, errs, 400)
    if viewer.actor is None:
        return _revise_page(form, p, refusal("no_participant"), {}, 422)
    actor = viewer.actor
    cid = command_id_of(form)
    changes = _changes(form, p)
    # Who may revise, and when, before the content; then every problem of the content at once.
    checked = check(cid, lambda: services().app.check_revision(proposal_id, changes, actor=actor))
    if not checked.applied:
        top, found = place_error(checked, form)
        return _revise_page(form, p, top, found, checked.status)
    for e in checked.value or []:
        if e.field and e.field not in errs:
            errs.setdefault(e.field, []).append(refusal_words(e))
    if errs:
        return _revise_page(form, p, None, errs, 422)
    outcome = execute(cid, lambda: services().app.revise_proposal(
        proposal_id, changes, actor=actor, note=form.note.data or "", expected_version=int(form.expected_version.data), command_id=cid,
    ))
    if outcome.applied:
        flash(_("Your revision is saved."), "ok")
        return redirect(url_for("proposals.show", proposal_id=proposal_id))
    if outcome.status == 409:
        current = _proposal_or_404(proposal_id)
        form.expected_version.data = str(current["version"])
        return _revise_page(form, current, outcome, {}, 409, current=current)
    top, errs = place_error(outcome, form)
    return _revise_page(form, p, top, errs, outcome.status)


def _may_not_revise(refused: DomainError | None) -> tuple[str, int]:
    """The error page instead of the revise form: 403 saying who may revise (someone not
    signed in as a participant, or not an author), or 409 with the proposal's status that
    forbids it."""
    if refused is not None and refused.code == "proposal_not_editable":
        return render_template("common/error.html", code=409, message=refusal_words(refused)), 409
    return render_template(
        "common/error.html", code=403,
        message=_("Only the proposal's author and co-authors may revise it, while it is a draft or returned for revision."),
    ), 403


def _revise_page(
    form: ReviseForm, p: dict[str, Any], top: Outcome[Any] | None = None, errs: dict[str, list[str]] | None = None, status: int = 200,
    current: dict[str, Any] | None = None,
) -> tuple[str, int]:
    return render_template("proposals/proposal_form.html", form=form, mode="revise", top=top, errs=errs or {}, current=current, p=p, **_text_choices()), status


# ---------------------------------------------------------------------------- the proposal page
def _actions(p: dict[str, Any], viewer: Viewer) -> dict[str, bool]:
    """The actions to offer the viewer (the application still decides)."""
    me = viewer.participant_id if viewer.is_participant else None
    authors = {p["author_id"], *p["co_author_ids"]}
    editable = p["status"] in EDITABLE
    return {
        "revise": bool(me) and me in authors and editable,
        "add_co_author": bool(me) and me == p["author_id"] and editable,
        "amend": viewer.is_member(p["table"]) and me not in authors and editable,
        "decide_amendments": bool(me) and me in authors and editable,
        "submit": bool(me) and me == p["author_id"] and editable,
        "withdraw": bool(me) and me == p["author_id"] and p["status"] in WITHDRAWABLE,
        "remove_co_author": bool(me) and bool(p["co_author_ids"]) and (me == p["author_id"] or me in p["co_author_ids"]) and editable,
    }


def render_proposal(p: dict[str, Any], status: int = 200, failed: dict[str, Any] | None = None) -> tuple[str, int]:
    """The proposal page; ``failed`` re-shows one refused action form with its message
    and what the person typed: ``{"action", "form", "top", "errs", "amendment"}``. Its
    versions, amendments, sessions, rounds, responses and follow-ups are the kept rows
    themselves (:func:`kept_of_proposal`, not copied): this page and its template read them, never
    change them."""
    viewer = load_viewer()
    e = engine()
    pid = p["id"]
    actions = _actions(p, viewer)
    candidates: list[tuple[str, str]] = []
    if actions["add_co_author"]:
        authors = {p["author_id"], *p["co_author_ids"]}
        directory = people_views.directory(e)
        candidates = [
            (m["participant_id"], directory.get(m["participant_id"], {}).get("name", m["participant_id"][:8]))
            for m in table_views.members(e, p["table"]) if m["participant_id"] not in authors
        ]
    failed = failed or {}
    # A form is made only where the page shows it (making one makes its form token, and
    # so a session, for a visitor who is shown no form).
    amend_form = failed["form"] if failed.get("action") == "amend" else AmendmentForm(formdata=None) if actions["amend"] else None
    co_form = failed["form"] if failed.get("action") == "co_author" else CoAuthorForm(formdata=None) if actions["add_co_author"] else None
    if co_form is not None:
        co_form.co_author.choices = opts_by_name(candidates)
    responses = kept_of_proposal(follow_up_views.government_responses, pid, copied=False)
    follow_ups: dict[str, list[dict[str, Any]]] = {}
    for f in kept_of_proposal(follow_up_views.follow_ups, pid, copied=False):
        follow_ups.setdefault(f["country"], []).append(f)
    follow_form = (
        failed["form"] if failed.get("action") == "follow_up" else FollowUpForm(formdata=None, prefix="follow") if viewer.is_secretariat else None
    )
    if follow_form is not None:
        follow_form.country.choices = opts((c, c) for c in dict.fromkeys(r["country"] for r in responses))
    removable = [c for c in p["co_author_ids"] if viewer.participant_id in (p["author_id"], c)] if actions["remove_co_author"] else []
    amendments = kept_of_proposal(proposal_views.amendments_of, pid, copied=False)
    versions, versions_pager = _versions(pid)
    if failed.get("action"):
        pending = {a["reference"] for a in amendments if a["status"] == "pending"}
        failed["elsewhere"] = not _shown(str(failed["action"]), actions, viewer, bool(removable), bool(responses), pending)
    return render_template(
        "proposals/proposal.html", p=p, actions=actions, failed=failed, amend_form=amend_form, co_form=co_form,
        versions=versions, versions_pager=versions_pager, amendments=amendments,
        sessions=kept_of_proposal(session_views.sessions_of_proposal, pid, copied=False), rounds=kept_of_proposal(liaison_views.endorsement_rounds, pid, copied=False),
        responses=responses, follow_ups=follow_ups, follow_form=follow_form, removable=removable,
        provenance=_provenance(pid) if p["status"] == "published" else None,
    ), status


def _provenance(proposal_id: str) -> dict[str, Any] | None:
    """:func:`provenance` of a published recommendation, kept per process (:func:`kept`)
    for the checkpoints' and cosignatures' mark: its publication's place in the log never
    changes, and its proof is in the latest signed checkpoint's tree. Until a checkpoint
    includes it, its proof is in the whole tree, which grows with every write: that tree's
    size is kept for the log's position."""
    log = services().app.engine
    checkpoints = outside_mark(checkpoints_mark)  # written by ``dialogue audit``, not as events
    found = kept(("provenance", proposal_id, checkpoints), lambda: provenance(log, proposal_id))
    if found is not None and found["checkpoint"] is None and found["leaf_index"] is not None:
        size = kept(("tree_size", log_position()), lambda: tree_size(log))
        found = {**found, "proof_url": inclusion_proof_url(found["leaf_index"], size)}
    return copy_rows(found)  # type: ignore[no-any-return]


def _versions(proposal_id: str) -> tuple[list[dict[str, Any]], Pager]:
    """One page of the version history, newest first (``?versions=N``; a page past the end
    shows the last): a proposal revised a thousand times does not make its page a thousand
    rows long."""
    asked = Pager(asked_page(VERSIONS_PARAM), 0, VERSIONS_PER_PAGE, VERSIONS_PARAM)
    found, total = kept_of_proposal(proposal_views.page_of_versions, proposal_id, limit=VERSIONS_PER_PAGE, offset=asked.offset, copied=False)
    pager = Pager.asked(total, VERSIONS_PER_PAGE, VERSIONS_PARAM)
    if pager.number != asked.number:
        found, total = kept_of_proposal(proposal_views.page_of_versions, proposal_id, limit=VERSIONS_PER_PAGE, offset=pager.offset, copied=False)
    return found, pager


def _shown(action: str, actions: dict[str, bool], viewer: Viewer, removable: bool, responses: bool, pending: set[str]) -> bool:
    """Whether the page shows the place of ``action``'s form (where its refusal is shown);
    otherwise the refusal goes to the top of the page."""
    if action.startswith("remove:"):
        return actions["remove_co_author"] and removable
    if action.startswith("amendment:"):
        return action.split(":")[1] in pending
    if action.startswith("discussion:"):
        return True  # the thread shows its own refusals (base.html any it could not place)
    shown = {
        "submit": actions["submit"], "withdraw": actions["withdraw"], "co_author": actions["add_co_author"],
        "amend": actions["amend"], "follow_up": responses,
        "indicator": True, "measurement": True,  # the indicators' section shows its refused forms
    }
    return shown.get(action, False)


@bp.get("/<proposal_id>")
def show(proposal_id: str) -> Page:
    return render_proposal(_proposal_or_404(proposal_id))


@bp.get("/<proposal_id>/versions/<int:number>")
def version(proposal_id: str, number: int) -> Page:
    """One content version of a proposal (1 = as drafted), with the fields it changed."""
    p = _proposal_or_404(proposal_id)
    v, previous, total = proposal_views.version_and_previous(engine(), proposal_id, number)
    if v is None:
        abort(404)
    changed = [f for f in (*TEXT_FIELDS, "objectives", "targets") if previous is not None and previous[f] != v[f]]
    return render_template("proposals/version.html", p=p, v=v, total=total, numbers=version_numbers(number, total), changed=changed, previous=previous)


def version_numbers(number: int, total: int, around: int = 5) -> list[int]:
    """The version numbers a version's page links to: the first, the last and ``around`` on
    each side of ``number`` (not every version of a long history)."""
    return sorted({1, total, *range(max(1, number - around), min(total, number + around) + 1)})


# ---------------------------------------------------------------------------- actions
def _after(outcome: Outcome[Any], p: dict[str, Any], action: str, form: Any, done: str, **extra: Any) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("proposals.show", proposal_id=p["id"]))
    top, errs = place_error(outcome, form, {"co_authors": "co_author"})
    fresh = _proposal_or_404(p["id"])
    return render_proposal(fresh, outcome.status, {"action": action, "form": form, "top": top, "errs": errs, **extra})


def invalid_form(p: dict[str, Any], action: str, form: Any, **extra: Any) -> Page:
    """The proposal page again, with the shape errors of one refused action form."""
    top, errs = _shape_refusal(form)
    return render_proposal(p, 400 if top else 422, {"action": action, "form": form, "top": top, "errs": errs, **extra})


def _no_actor(p: dict[str, Any], action: str, form: Any, **extra: Any) -> Page:
    return render_proposal(p, 422, {"action": action, "form": form, "top": refusal("no_participant"), "errs": {}, **extra})


@bp.post("/<proposal_id>/co-authors")
def add_co_author(proposal_id: str) -> Page:
    p = _proposal_or_404(proposal_id)
    viewer = load_viewer()
    form = CoAuthorForm()
    if not form.validate_on_submit():
        return invalid_form(p, "co_author", form)
    if viewer.actor is None:
        return _no_actor(p, "co_author", form)
    actor, cid = viewer.actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.add_co_author(proposal_id, form.co_author.data or "", actor=actor, command_id=cid))
    return _after(outcome, p, "co_author", form, _("The co-author is added."))


@bp.post("/<proposal_id>/co-authors/<co_author>/remove")
def remove_co_author(proposal_id: str, co_author: str) -> Page:
    """Remove a co-author (the author, or the co-author themselves), while editable."""
    p = _proposal_or_404(proposal_id)
    viewer = load_viewer()
    form = CommandForm()
    key = f"remove:{co_author}"
    if not form.validate_on_submit():
        return invalid_form(p, key, form)
    if viewer.actor is None:
        return _no_actor(p, key, form)
    actor, cid = viewer.actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.remove_co_author(proposal_id, co_author, actor=actor, command_id=cid))
    return _after(outcome, p, key, form, _("The co-author is removed."))


@bp.post("/<proposal_id>/amendments")
def propose_amendment(proposal_id: str) -> Page:
    p = _proposal_or_404(proposal_id)
    viewer = load_viewer()
    form = AmendmentForm()
    if not form.validate_on_submit():
        return invalid_form(p, "amend", form)
    if viewer.actor is None:
        return _no_actor(p, "amend", form)
    actor, cid = viewer.actor, command_id_of(form)
    replaces = form.replaces.data if form.operation.data == "replace" else None
    content: dict[str, Any] = {"field": form.field.data or "", "operation": form.operation.data or "", "text": form.text.data or "", "replaces": replaces}
    # Who may amend first (not a member, an author), then every problem of the content at once.
    allowed = check(cid, lambda: services().app.check_may_amend(proposal_id, actor=actor))
    if allowed.applied:
        errs = problems_by_field({}, services().app.check_amendment(proposal_id, **content), {})
        if errs:
            return render_proposal(p, 422, {"action": "amend", "form": form, "top": None, "errs": errs})
    outcome = execute(cid, lambda: services().app.propose_amendment(
        proposal_id, actor=actor, justification=form.justification.data or "", command_id=cid, **content,
    ))
    return _after(outcome, p, "amend", form, _("Your amendment is proposed to the authors."))


@bp.post("/<proposal_id>/amendments/<reference>/<action>")
def decide_amendment(proposal_id: str, reference: str, action: str) -> Page:
    """``action`` is ``accept`` or ``reject`` (the authors) or ``withdraw`` (the amender)."""
    if action not in ("accept", "reject", "withdraw"):
        abort(404)
    p = _proposal_or_404(proposal_id)
    viewer = load_viewer()
    form = ReasonForm()
    key = f"amendment:{reference}:{action}"
    if not form.validate_on_submit():
        return invalid_form(p, key, form)
    if viewer.actor is None:
        return _no_actor(p, key, form)
    actor, cid = viewer.actor, command_id_of(form)
    app = services().app
    if action == "accept":
        outcome = execute(cid, lambda: app.accept_amendment(proposal_id, reference, actor=actor, command_id=cid))
        done = _("The amendment is accepted: its text is merged and its amender is a co-author.")
    elif action == "reject":
        outcome = execute(cid, lambda: app.reject_amendment(proposal_id, reference, actor=actor, reason=form.reason.data or "", command_id=cid))
        done = _("The amendment is rejected.")
    else:
        outcome = execute(cid, lambda: app.withdraw_amendment(proposal_id, reference, actor=actor, command_id=cid))
        done = _("Your amendment is withdrawn.")
    return _after(outcome, p, key, form, done)


@bp.post("/<proposal_id>/submit")
def submit(proposal_id: str) -> Page:
    p = _proposal_or_404(proposal_id)
    viewer = load_viewer()
    form = CommandForm()
    if not form.validate_on_submit():
        return invalid_form(p, "submit", form)
    if viewer.actor is None:
        return _no_actor(p, "submit", form)
    actor, cid = viewer.actor, command_id_of(form)
    outcome = execute(cid, lambda: services().app.submit_proposal(proposal_id, actor=actor, command_id=cid))
    return _after(outcome, p, "submit", form, _("The proposal is submitted to its working table."))


@bp.post("/<proposal_id>/withdraw")
def withdraw(proposal_id: str) -> Page:
    p = _proposal_or_404(proposal_id)
    viewer = load_viewer()
    form = ReasonForm()
    if not form.validate_on_submit():
        return invalid_form(p, "withdraw", form)
    if viewer.actor is None:
        return _no_actor(p, "withdraw", form)
    actor = viewer.actor
    allowed = check(command_id_of(form), lambda: services().app.check_may_withdraw(proposal_id, actor=actor))
    if not allowed.applied:  # refused before the confirmation, not after it
        return render_proposal(p, allowed.status, {"action": "withdraw", "form": form, "top": allowed, "errs": {}})
    if not confirmed():  # irreversible: what will happen first, the reason typed kept (web.pages.confirm)
        return confirmation_page(
            title=_("Withdraw this proposal?"),
            facts=[(_("Proposal"), f"{p['reference']} · {p['title']}"), (_("Reason"), form.reason.data or _("none given"))],
            consequences=[
                _("The proposal is withdrawn: it is no longer revised, amended, put on an agenda or decided on."),
                _("It stays readable, with the reason given, in its history."),
            ],
            action=url_for("proposals.withdraw", proposal_id=proposal_id), back=url_for("proposals.show", proposal_id=proposal_id),
            button=_("Yes, withdraw it"),
        )
    cid = command_id_of(form)
    outcome = execute(cid, lambda: services().app.withdraw_proposal(proposal_id, actor=actor, reason=form.reason.data or "", command_id=cid))
    return _after(outcome, p, "withdraw", form, _("The proposal is withdrawn."))


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404
