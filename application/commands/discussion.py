"""Commands on the discussion of a proposal (issue 17, "Discussion on drafts"): members of
the proposal's table comment and reply, a comment's author edits it, the table's
facilitators (its representatives in term) or the secretariat hide a comment with a reason.

Who may act is decided here (membership and facilitation on the command's date) and in
:class:`domain.discussion.Discussion` (the rules on comments). A comment is saved on the
proposal's :class:`~domain.discussion.Discussion`, never on the proposal: its version (and
the API's ETag) does not move.
"""

from __future__ import annotations

from uuid import UUID

from application.core import ApplicationCore, _uuid
from application.references import discussion_of
from domain.base import SECRETARIAT
from domain.discussion import Discussion, discussion_id
from domain.errors import NotFoundError
from domain.ids import created_id

COMMENT_POSTED = "domain.discussion:Discussion.CommentPosted"


class DiscussionCommands(ApplicationCore):
    """Comments on proposals (:class:`domain.discussion.Discussion`)."""

    def discussion(self, proposal_id: UUID | str) -> Discussion | None:
        """The discussion on ``proposal_id`` (None before its first comment)."""
        did = discussion_id(_uuid(proposal_id, "proposal"))
        if not self._exists(did):
            return None
        return self._get(Discussion, did, "discussion")

    def comment(
        self, proposal_id: UUID | str, *, text: str, actor: str, reply_to: UUID | str | None = None,
        comment_id: UUID | None = None, command_id: str | None = None,
    ) -> UUID:
        """Comment on a proposal (or reply to one of its comments) as a member of its table;
        returns the comment's id (from the command id unless ``comment_id`` is given).
        Comments posted at the same moment are tried again, each checked against what is
        stored then.

        Raises:
            NotFoundError: no such proposal.
            (every error of :meth:`Discussion.post`)
        """
        ctx = self.ctx(actor, command_id)
        proposal = self.proposal(proposal_id)
        member = self.table(proposal.table).is_member(ctx.actor, ctx.effective_date)
        cid = comment_id or created_id("comment", ctx.command_id)

        def attempt() -> None:
            d = self.discussion(proposal.id) or Discussion.start(ctx, proposal.id, proposal.table)
            d.post(ctx, comment_id=cid, text=text, reply_to=reply_to, proposal_status=proposal.status, member=member)
            self._save(ctx, d)

        self._retrying(attempt)
        return cid

    def discussion_of_comment(self, comment_id: UUID | str, proposal_id: UUID | str | None = None) -> Discussion:
        """The discussion comment ``comment_id`` belongs to (one look-up in the comments'
        index written with each comment, :mod:`application.references`).

        Raises:
            NotFoundError: no comment with this id (on proposal ``proposal_id`` when given).
        """
        wanted = str(_uuid(comment_id, "comment"))
        with self.engine.connect() as c:
            discussion_id = discussion_of(c, wanted)
        if discussion_id is not None:
            d = self._get(Discussion, UUID(discussion_id), "discussion")
            if proposal_id is None or str(d.proposal_id) == str(proposal_id):
                return d
        raise NotFoundError(f"No comment with id {comment_id}.", field="comment")

    def edit_comment(
        self, comment_id: UUID | str, *, text: str, actor: str, command_id: str | None = None, proposal_id: UUID | str | None = None,
    ) -> None:
        """Replace the text of one's own comment while the proposal is under discussion.

        Raises:
            NotFoundError: no such comment (on proposal ``proposal_id`` when given).
            (every error of :meth:`Discussion.edit`)
        """
        ctx = self.ctx(actor, command_id)
        d = self.discussion_of_comment(comment_id, proposal_id)
        d.edit(ctx, comment_id=str(comment_id), text=text, proposal_status=self.proposal(d.proposal_id).status)
        self._save(ctx, d)

    def hide_comment(
        self, comment_id: UUID | str, *, reason: str, actor: str = SECRETARIAT, command_id: str | None = None,
        proposal_id: UUID | str | None = None,
    ) -> None:
        """Hide a comment with a reason (a facilitator of the proposal's table, or the
        secretariat).

        Raises:
            NotFoundError: no such comment (on proposal ``proposal_id`` when given).
            (every error of :meth:`Discussion.hide`)
        """
        ctx = self.ctx(actor, command_id)
        d = self.discussion_of_comment(comment_id, proposal_id)
        d.hide(ctx, comment_id=str(comment_id), reason=reason, facilitator=self._facilitates(ctx, d.table))
        self._save(ctx, d)
