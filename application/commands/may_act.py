"""Who may act, asked before a command's content (the API's writes: 403 before 412/428 and
before the body's problems, 422): each check raises the refusal the command itself would
raise for that actor, by the same rules, and writes nothing. What the actor sends (the
body, the version) is checked afterwards by the command."""

from __future__ import annotations

from uuid import UUID

from application.core import ApplicationCore
from domain.deliberation import TableDeliberation
from domain.endorsement import UN_SEATS
from domain.errors import NotAllowedError
from domain.may_act import (
    require_advising,
    require_commenting_member,
    require_holder_or_secretariat,
    require_not_an_author,
    require_position_member,
    require_secretariat,
)
from domain.reference import representative_seats


class MayActChecks(ApplicationCore):
    """``check_may_*``: raise the command's ``NotAllowedError`` for ``actor``, or return."""

    def check_may_withdraw(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_an_author`` (withdrawing is the main author's); ``unknown_proposal``."""
        ctx = self.ctx(actor)
        self.proposal(proposal_id)._require_author_id(ctx.actor, "withdraw the proposal", main_author_only=True)  # noqa: SLF001 - the aggregate's own rule

    def check_may_revise(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_an_author`` (revising is the author's and co-authors'),
        ``proposal_not_editable`` (only a draft or a proposal returned for revision is
        revised): the same rule :meth:`check_revision` asks before the content."""
        ctx = self.ctx(actor)
        self.proposal(proposal_id).require_revisable_by(ctx.actor)

    def check_may_submit(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_an_author`` (submitting is the main author's)."""
        ctx = self.ctx(actor)
        self.proposal(proposal_id)._require_author_id(ctx.actor, "submit the proposal", main_author_only=True)  # noqa: SLF001

    def check_may_remove_co_author(self, proposal_id: UUID | str, co_author: UUID | str, *, actor: str) -> None:
        """Raises ``not_an_author`` (the author removes a co-author, or the co-author themselves)."""
        ctx = self.ctx(actor)
        self.proposal(proposal_id)._require_may_remove_co_author(ctx.actor, co_author)  # noqa: SLF001

    def check_may_withdraw_amendment(self, proposal_id: UUID | str, reference: str, *, actor: str) -> None:
        """Raises ``not_the_amender`` for an amendment of someone else (an unknown one is the command's)."""
        ctx = self.ctx(actor)
        p = self.proposal(proposal_id)
        amendment = p.amendments.get(reference)
        if amendment is not None:
            p._require_amender(ctx.actor, amendment)  # noqa: SLF001

    def check_may_add_co_author(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_an_author`` (co-authors are added by the main author)."""
        ctx = self.ctx(actor)
        self.proposal(proposal_id)._require_author_id(ctx.actor, "add co-authors", main_author_only=True)  # noqa: SLF001

    def check_may_decide_on_amendments(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_an_author`` (the authors and co-authors decide on amendments)."""
        ctx = self.ctx(actor)
        self.proposal(proposal_id)._require_author_id(ctx.actor, "decide on amendments")  # noqa: SLF001

    def check_may_amend(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_a_member`` of the proposal's table, ``author_cannot_amend``."""
        ctx = self.ctx(actor)
        p = self.proposal(proposal_id)
        self._require_member(self.table(p.table), ctx.actor, ctx.effective_date)
        require_not_an_author(ctx.actor, p.authors)

    def check_may_comment(self, proposal_id: UUID | str, *, actor: str) -> None:
        """Raises ``not_a_member`` of the proposal's table."""
        ctx = self.ctx(actor)
        p = self.proposal(proposal_id)
        require_commenting_member(self.table(p.table).is_member(ctx.actor, ctx.effective_date), p.table)

    def check_may_take_position(self, session_id: UUID | str, *, member: str) -> None:
        """Raises ``not_a_member`` of the session's table (positions are its members' own)."""
        ctx = self.ctx(member)
        s = self.session(session_id)
        require_position_member(self.table(s.table).is_member(ctx.actor, ctx.effective_date))

    def check_may_facilitate(self, session_id: UUID | str, *, actor: str, doing: str) -> None:
        """Raises ``not_a_facilitator``: the session's agenda, decisions and closing are the
        secretariat's or the table's facilitators' (``doing``: what, for the message)."""
        ctx = self.ctx(actor)
        s = self.session(session_id)
        TableDeliberation._require_facilitator(ctx, self._facilitates(ctx, s.table), doing)  # noqa: SLF001

    def check_may_vote(self, *, member: str) -> None:
        """Raises ``not_the_seat_holder`` when ``member`` holds no Liaison Table seat today
        (whichever seat the vote names, they do not hold it; the seat itself, the round and
        the vote are the command's)."""
        ctx = self.ctx(member)
        if not any(self.seat_holder(seat, ctx.effective_date) == ctx.actor for seat in (*representative_seats(), *UN_SEATS)):
            raise NotAllowedError("Only the holder of a Liaison Table seat, during their term, votes for it.",
                                  code="not_the_seat_holder", field="seat")

    def check_secretariat(self, *, actor: str, doing: str) -> None:
        """Raises ``secretariat_only``: for the commands only the secretariat gives (an
        endorsement round's opening and early closing, publication, government responses,
        follow-up, dialogues with governments and their presentations, the UN seats'
        nominations, elections, scheduling a session), with the message of the command ``doing`` (a key of
        :data:`domain.may_act.SECRETARIAT_ONLY`), which its aggregate raises too."""
        require_secretariat(self.ctx(actor), doing)

    def check_may_vacate(self, table: str, *, actor: str) -> None:
        """Raises ``not_allowed`` unless the secretariat acts or ``actor`` holds a seat of
        ``table`` that can be vacated (today's term or the next one); which seat, and whether
        the actor holds that one, is the command's."""
        ctx = self.ctx(actor)
        require_holder_or_secretariat(ctx, [] if ctx.is_secretariat else self.table(table).holders_to_vacate(ctx.effective_date))

    def check_may_advise(self, *, actor: str) -> None:
        """Raises ``not_allowed`` unless the secretariat acts or ``actor`` is the focal point of
        a UN agency seated today; which seat, and whether it is theirs, is the command's."""
        ctx = self.ctx(actor)
        lt = None if ctx.is_secretariat else self.liaison_table()
        nominations = [lt.un_seat(seat, ctx.effective_date) for seat in UN_SEATS] if lt else []
        require_advising(ctx, [n.get("focal_point") for n in nominations if n])
