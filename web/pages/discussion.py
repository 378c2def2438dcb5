"""The discussion on a proposal (issue 17, "Discussion on drafts"), shown on the proposal
page (``discussion/_thread.html``): the thread of comments and replies, the comment form of
the members of its table while the proposal is under discussion, a reply form under each
comment, the edit form of a comment's author, and the hide form (with its reason) of the
table's facilitators and the secretariat.

The public sees comments without names ("a member of RT2", :class:`web.pages.common.People`);
a hidden comment shows its reason in its place, its text to auditors only. A refused form
comes back on the proposal page with the person's text and its errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from wtforms import TextAreaField

from domain.discussion import MAX_COMMENT, MAX_HIDE_REASON, OPEN_STATUSES
from projections import discussion as discussion_views
from projections import proposals as proposal_views
from web.forms import CommandForm, lf
from web.pages.common import (
    Page,
    Viewer,
    command_id_of,
    execute,
    found_or_404,
    install,
    kept_of_proposal,
    load_viewer,
    place_error,
    refusal,
    services,
)
from web.pages.proposals import invalid_form, render_proposal
from web.translate import lazy_gettext as _l

bp = Blueprint("discussion", __name__, url_prefix="/proposals/<proposal_id>/comments")
install(bp)


class CommentForm(CommandForm):
    """A comment, or a reply to one (the reply's address names the comment)."""

    text = TextAreaField(_l("Your comment"), filters=[lf], render_kw={"maxlength": MAX_COMMENT},
                         description=_l("Markdown: lists, emphasis and links. Up to 5,000 characters."))


class EditCommentForm(CommandForm):
    text = TextAreaField(_l("New text"), filters=[lf], render_kw={"maxlength": MAX_COMMENT})


class HideCommentForm(CommandForm):
    reason = TextAreaField(
        _l("Reason, shown in its place"), filters=[lf], render_kw={"maxlength": MAX_HIDE_REASON},
    )


def _prefix(kind: str, comment_id: str | None = None) -> str:
    return f"{kind}-{comment_id}" if comment_id else kind


def discussion_of(p: dict[str, Any], failed: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the proposal page shows of its discussion, for the viewer: the thread, whether
    they may comment, and the forms (a refused one with what was typed)."""
    viewer = load_viewer()
    failed = failed or {}
    action = str(failed.get("action") or "")
    is_open = p["status"] in OPEN_STATUSES
    member = viewer.is_member(p["table"])

    def form(kind: str, cls: type[CommandForm], comment_id: str | None = None) -> CommandForm:
        name = f"discussion:{kind}" + (f":{comment_id}" if comment_id else "")
        if action == name:
            return failed["form"]  # type: ignore[no-any-return]
        return cls(formdata=None, prefix=_prefix(kind, comment_id))

    thread = kept_of_proposal(discussion_views.thread, p["id"], hidden_text=viewer.sees_hidden_comments)
    comments = [*thread, *(r for t in thread for r in t["replies"])]
    _earlier_texts(p, comments, viewer)
    for c in comments:
        mine = viewer.is_participant and viewer.participant_id == c["author_id"]
        c["reply_form"] = form("reply", CommentForm, c["id"]) if member and is_open and c["reply_to"] is None and not c["hidden"] else None
        c["edit_form"] = form("edit", EditCommentForm, c["id"]) if mine and is_open and not c["hidden"] else None
        if c["edit_form"] is not None and action != f"discussion:edit:{c['id']}":
            c["edit_form"].text.data = c["text"]
        c["hide_form"] = form("hide", HideCommentForm, c["id"]) if viewer.hides_comments(p["table"]) and not c["hidden"] else None
    return {
        "thread": thread, "open": is_open, "member": member, "action": action,
        "form": form("comment", CommentForm) if member and is_open else None,
    }


bp.add_app_template_global(discussion_of, "discussion_of")


def _earlier_texts(p: dict[str, Any], comments: list[dict[str, Any]], viewer: Viewer) -> None:
    """Sets each edited comment's ``history`` (its earlier texts, oldest first, each with the
    day it was replaced: ``{"text", "until"}``, from the log) for those who see the authors'
    names; a hidden comment's for auditors only. Empty for everyone else."""
    for c in comments:
        c["history"] = []
    edited = [c for c in comments if c["edits"] and (not c["hidden"] or viewer.sees_hidden_comments)]
    if not edited or not viewer.sees_names:
        return
    found = services().app.discussion(p["id"])
    if found is None:
        return
    for c in edited:
        kept = found.comments.get(str(c["id"]), {})
        # The log may already hold a hiding the view has not shown yet (a worker behind).
        if kept.get("hidden") is None or viewer.sees_hidden_comments:
            c["history"] = list(kept.get("history", []))


def _proposal(proposal_id: str) -> dict[str, Any]:
    return found_or_404(proposal_views.get_proposal, proposal_id)


def _after(p: dict[str, Any], action: str, form: Any, outcome: Any, done: str, anchor: str) -> Page:
    if outcome.applied:
        flash(done, "ok")
        return redirect(url_for("proposals.show", proposal_id=p["id"]) + anchor)
    top, errs = place_error(outcome, form)
    return render_proposal(_proposal(p["id"]), outcome.status, {"action": action, "form": form, "top": top, "errs": errs})


def _comment(proposal_id: str, kind: str, comment_id: str | None) -> Page:
    p = _proposal(proposal_id)
    form = CommentForm(prefix=_prefix(kind, comment_id))
    action = f"discussion:{kind}" + (f":{comment_id}" if comment_id else "")
    if not form.validate_on_submit():
        return invalid_form(p, action, form)
    viewer = load_viewer()
    if not viewer.is_participant:
        return render_proposal(p, 422, {"action": action, "form": form, "top": refusal("not_a_member"), "errs": {}})
    actor, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.comment(
        proposal_id, text=form.text.data or "", reply_to=comment_id, actor=actor, command_id=cid,
    ))
    anchor = f"#comment-{outcome.value}" if outcome.applied and outcome.value else "#discussion-h"
    return _after(p, action, form, outcome, _("Your comment is posted."), anchor)


@bp.post("")
def comment(proposal_id: str) -> Page:
    """Comment on the proposal (a member of its table)."""
    return _comment(proposal_id, "comment", None)


@bp.post("/<comment_id>/replies")
def reply(proposal_id: str, comment_id: str) -> Page:
    """Reply to a comment (a member of the proposal's table)."""
    return _comment(proposal_id, "reply", comment_id)


def _on_proposal(p: dict[str, Any], comment_id: str) -> None:
    """A 404 unless ``comment_id`` is a comment on proposal ``p`` (the one of the URL)."""
    found = found_or_404(discussion_views.get_comment, comment_id)
    if str(found["proposal_id"]) != str(p["id"]):
        abort(404)


def _on_comment(
    proposal_id: str, comment_id: str, kind: str, cls: type[CommandForm],
    actor_of: Callable[[Viewer], str | None], refused: str,
    command: Callable[[CommandForm, str, str, dict[str, Any]], Any], done: str,
) -> Page:
    """What editing and hiding share: the proposal of the URL, a comment on it, the form
    (a refused one back on the proposal page), the viewer's actor (``refused`` when none),
    then ``command(form, actor, command_id, proposal)`` and the answer."""
    p = _proposal(proposal_id)
    _on_proposal(p, comment_id)
    form = cls(prefix=_prefix(kind, comment_id))
    action = f"discussion:{kind}:{comment_id}"
    if not form.validate_on_submit():
        return invalid_form(p, action, form)
    actor = actor_of(load_viewer())
    if actor is None:
        return render_proposal(p, 422, {"action": action, "form": form, "top": refusal(refused), "errs": {}})
    cid = command_id_of(form)
    outcome = execute(cid, lambda: command(form, actor, cid, p))
    return _after(p, action, form, outcome, done, f"#comment-{comment_id}")


@bp.post("/<comment_id>/edit")
def edit(proposal_id: str, comment_id: str) -> Page:
    """Replace the text of one's own comment (its author)."""
    return _on_comment(
        proposal_id, comment_id, "edit", EditCommentForm,
        lambda viewer: str(viewer.participant_id) if viewer.is_participant else None, "not_the_comment_author",
        lambda form, actor, cid, p: services().app.edit_comment(
            comment_id, text=form.text.data or "", actor=actor, command_id=cid, proposal_id=p["id"],
        ),
        _("Your comment is changed."),
    )


@bp.post("/<comment_id>/hide")
def hide(proposal_id: str, comment_id: str) -> Page:
    """Hide a comment with a reason (a facilitator of the proposal's table, or the secretariat)."""
    return _on_comment(
        proposal_id, comment_id, "hide", HideCommentForm,
        lambda viewer: viewer.participant_id if viewer.is_participant else viewer.secretariat_actor, "not_a_facilitator",
        lambda form, actor, cid, p: services().app.hide_comment(
            comment_id, reason=form.reason.data or "", actor=actor, command_id=cid, proposal_id=p["id"],
        ),
        _("The comment is hidden."),
    )
