"""Discussion: the comments of the members of a proposal's table on it (issue 17,
"Discussion on drafts"; seed, principle of meaningful participation: stakeholders "provide
inputs to preparatory documents").

One aggregate per proposal (:func:`discussion_id`, derived from the proposal's id, so it is
found without a lookup): a comment never moves the proposal's own version. Members of the
proposal's table comment while the proposal is ``draft``, ``submitted``, ``on_agenda`` or
``returned_for_revision`` (:data:`OPEN_STATUSES`), in Markdown (rendered cleaned by the
pages), in threads one level deep. A comment's author edits it while the discussion is open;
every earlier text stays in the history (``CommentEdited`` events, and ``history`` here).
The table's facilitators or the secretariat hide a comment, with a reason shown in its place.

Membership and facilitation are decided by the application (the working table knows them)
and passed in; the rules on comments are checked here.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
)
from domain.ids import DIALOGUE_NS
from domain.may_act import require_commenting_member
from domain.proposal_rules import DRAFT, ON_AGENDA, RETURNED, SUBMITTED

OPEN_STATUSES = (DRAFT, SUBMITTED, ON_AGENDA, RETURNED)
MAX_COMMENT = 5_000
MAX_HIDE_REASON = 500


def discussion_id(proposal_id: UUID | str) -> UUID:
    """The id of the discussion on proposal ``proposal_id`` (one per proposal)."""
    return uuid5(DIALOGUE_NS, f"discussion:{proposal_id}")


def _check_text(text: str, *, field: str = "text") -> None:
    if not text.strip():
        raise InvalidInputError("The comment is empty.", code="empty_text", field=field)
    if len(text) > MAX_COMMENT:
        raise InvalidInputError(f"The comment is longer than {MAX_COMMENT} characters.", code="text_too_long", field=field, limit=MAX_COMMENT)


class Discussion(DialogueAggregate):
    """The comments on one proposal, with their edits and hiding."""

    @event("Started")
    def __init__(self, *, id: UUID, proposal_id: str, table: str, actor: str, effective_date: date, command_id: str) -> None:
        self.proposal_id = proposal_id
        self.table = table
        self.comments: dict[str, dict[str, Any]] = {}

    @classmethod
    def start(cls, ctx: Ctx, proposal_id: UUID | str, table: str) -> Discussion:
        return cls(id=discussion_id(proposal_id), proposal_id=str(proposal_id), table=table, **ctx.stamp())

    def get(self, comment_id: UUID | str) -> dict[str, Any]:
        """Comment ``comment_id`` of this discussion.

        Raises:
            NotFoundError: no such comment here.
        """
        found = self.comments.get(str(comment_id))
        if found is None:
            raise NotFoundError(f"No comment with id {comment_id}.", field="comment")
        return found

    def post(
        self, ctx: Ctx, *, comment_id: UUID | str, text: str, proposal_status: str, member: bool,
        reply_to: UUID | str | None = None,
    ) -> None:
        """Post a comment (``member``: whether the actor is a member of the proposal's table
        today), or a reply to a comment that is not itself a reply.

        Raises:
            InvalidInputError: ``duplicate_comment``, ``reply_too_deep``, ``empty_text``, ``text_too_long``.
            NotAllowedError: ``not_a_member``.
            InvalidTransitionError: ``discussion_closed``.
            NotFoundError: ``reply_to`` is no comment of this proposal.
        """
        key = str(comment_id)
        if key in self.comments:
            raise InvalidInputError("A comment with this id already exists.", code="duplicate_comment", field="comment")
        require_commenting_member(member, self.table)
        self._require_open(proposal_status)
        parent: str | None = None
        if reply_to is not None:
            parent = str(reply_to)
            if parent not in self.comments:
                raise NotFoundError(f"No comment with id {reply_to} on this proposal.", field="reply_to")
            if self.comments[parent]["reply_to"] is not None:
                raise InvalidInputError("A reply answers a comment, not another reply.", code="reply_too_deep", field="reply_to")
        _check_text(text)
        self._posted(comment_id=key, author=ctx.actor, text=text, reply_to=parent, **ctx.stamp())

    @event("CommentPosted")
    def _posted(self, comment_id: str, author: str, text: str, reply_to: str | None, actor: str, effective_date: date, command_id: str) -> None:
        self.comments[comment_id] = {
            "author": author, "text": text, "reply_to": reply_to, "posted_on": effective_date, "edited_on": None,
            "history": [], "hidden": None,
        }

    def edit(self, ctx: Ctx, *, comment_id: UUID | str, text: str, proposal_status: str) -> None:
        """Replace the text of one's own comment while the discussion is open; the earlier
        text stays in the history.

        Raises:
            NotFoundError: no such comment.  NotAllowedError: ``not_the_comment_author``.
            InvalidTransitionError: ``comment_hidden``, ``discussion_closed``.
            InvalidInputError: ``empty_text``, ``text_too_long``.
        """
        found = self.get(comment_id)
        if found["author"] != ctx.actor:
            raise NotAllowedError("Only the author of a comment edits it.", code="not_the_comment_author", field="comment")
        if found["hidden"] is not None:
            raise InvalidTransitionError("A hidden comment is not edited.", code="comment_hidden", field="comment")
        self._require_open(proposal_status)
        _check_text(text)
        self._edited(comment_id=str(comment_id), text=text, **ctx.stamp())

    @event("CommentEdited")
    def _edited(self, comment_id: str, text: str, actor: str, effective_date: date, command_id: str) -> None:
        c = self.comments[comment_id]
        c["history"].append({"text": c["text"], "until": effective_date})
        c["text"] = text
        c["edited_on"] = effective_date

    def hide(self, ctx: Ctx, *, comment_id: UUID | str, reason: str, facilitator: bool) -> None:
        """Hide a comment, with a reason shown in its place (the secretariat, or a
        facilitator of the proposal's table: ``facilitator``). Its text stays in the log,
        shown to auditors only.

        Raises:
            NotAllowedError: ``not_a_facilitator``.  NotFoundError: no such comment.
            InvalidTransitionError: ``already_hidden``.
            InvalidInputError: ``hide_reason_required``, ``text_too_long``.
        """
        if not (ctx.is_secretariat or facilitator):
            raise NotAllowedError(f"Only the facilitators of {self.table} or the secretariat hide a comment.", code="not_a_facilitator")
        found = self.get(comment_id)
        if found["hidden"] is not None:
            raise InvalidTransitionError("This comment is already hidden.", code="already_hidden", field="comment")
        if not reason.strip():
            raise InvalidInputError("Hiding a comment gives its reason.", code="hide_reason_required", field="reason")
        if len(reason) > MAX_HIDE_REASON:
            raise InvalidInputError(f"The reason is longer than {MAX_HIDE_REASON} characters.", code="text_too_long", field="reason", limit=MAX_HIDE_REASON)
        by = "secretariat" if ctx.is_secretariat else "facilitator"
        self._hidden(comment_id=str(comment_id), by=by, reason=reason.strip(), **ctx.stamp())

    @event("CommentHidden")
    def _hidden(self, comment_id: str, by: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.comments[comment_id]["hidden"] = {"by": by, "reason": reason, "on": effective_date}

    def _require_open(self, proposal_status: str) -> None:
        if proposal_status not in OPEN_STATUSES:
            raise InvalidTransitionError(
                f"The discussion is closed: the proposal is {proposal_status}.", code="discussion_closed", field="proposal"
            )
