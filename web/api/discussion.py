"""The discussion on a proposal at ``/api/v1/proposals/{id}/comments`` (issue 17,
"Discussion on drafts"): its comments, oldest first, and a new comment or reply by a member
of the proposal's table, by the same application command as the page's form (and so the
same rules). A comment never changes the proposal's version (its ETag).

Authors are ``{"id", "name"}`` only for readers who may see names; a hidden comment's text
is null except for auditors, its reason shown in its place.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort

from domain.ids import created_id
from projections import discussion as discussion_views
from web.api.blueprint import Blueprint
from web.api.commands import run, writing
from web.api.common import Names, engine, reader
from web.api.inputs import CommentInput
from web.api.may_act import commenting
from web.api.proposals import proposal_or_404
from web.api.schemas import CommentSchema
from web.services import services

bp = Blueprint("api_discussion", __name__, url_prefix="/proposals", description="The discussion on a proposal: comments and replies of its table's members.")


def _dumped(row: dict[str, Any], names: Names, hidden_text: bool) -> dict[str, Any]:
    hidden = row["hidden_on"] is not None
    return {
        **row, "table": row["table_code"], "author": names.person(row["author_id"]), "hidden": hidden,
        "text": None if hidden and not hidden_text else row["text"],
    }


def _comments(proposal_id: UUID) -> list[dict[str, Any]]:
    viewer = reader()
    names = Names(viewer)
    rows = discussion_views.comments_of_proposal(engine(), str(proposal_id), hidden_text=True)
    return [_dumped(r, names, viewer.sees_hidden_comments) for r in rows]


@bp.route("/<uuid:proposal_id>/comments")
@bp.response(200, CommentSchema(many=True))
@bp.errors(404)
def list_comments(proposal_id: UUID) -> list[dict[str, Any]]:
    """The comments on the proposal, oldest first (replies name the comment they answer)."""
    proposal_or_404(proposal_id)
    return _comments(proposal_id)


@bp.write("/<uuid:proposal_id>/comments", CommentSchema, status=201, body=CommentInput, before=commenting)
def post_comment(data: dict[str, Any], proposal_id: UUID) -> dict[str, Any]:
    """Comment on the proposal, or reply to one of its comments (``reply_to``), as a member
    of its table while it is a draft, submitted, on the agenda or returned for revision."""
    proposal_or_404(proposal_id)
    actor = writing(participant="a member of the proposal's table").actor
    reply_to = data.get("reply_to")
    cid = run(lambda c: services().app.comment(
        proposal_id, text=data["text"], reply_to=reply_to, actor=actor, comment_id=created_id("comment", c), command_id=c,
    ))
    for c in _comments(proposal_id):
        if c["id"] == str(cid):
            return c
    abort(409, message="The comment is saved; read the comments again.", code="views_behind")  # the views lag behind the write
    raise AssertionError  # abort raised
