"""Commands on table sessions: schedule, agenda, positions, decisions, open and close."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from application.core import ApplicationCore, _uuid
from application.retry import event_of
from domain.base import SECRETARIAT
from domain.deliberation import TableDeliberation, quarter_of
from domain.errors import (
    InvalidInputError,
    NotAllowedError,
    RuleViolationError,
)


class SessionCommands(ApplicationCore):
    """Commands on table sessions: schedule, agenda, positions, decisions, open and close."""

    # ------------------------------------------------------------------ sessions
    def schedule_session(
        self, *, table: str, on: date, quarter: str = "", mode: str = "virtual", reference: str = "",
        id: UUID | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """Schedule a session of ``table`` on date ``on``; returns its id. Without a
        ``quarter``, the quarter is the date's (``2026-02-10`` → ``2026-Q1``); a given one
        must contain the date (``session_date_outside_quarter``)."""
        quarter = quarter or quarter_of(on)
        ctx = self.ctx(actor, command_id)
        self.table(table)
        sid = id or uuid4()
        if self._exists(sid):
            raise InvalidInputError("This session already exists.", code="already_registered")
        s = TableDeliberation.schedule(ctx, id=sid, reference=reference, table=table, quarter=quarter, on=on, mode=mode)
        self._save(ctx, s)
        return s.id

    def add_to_agenda(self, session_id: UUID | str, proposal_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Put a submitted proposal on a session's agenda (the secretariat or a facilitator of
        the table); saves session and proposal together.

        Raises:
            NotAllowedError: ``not_a_facilitator``.  InvalidInputError: ``proposal_of_another_table``,
            ``already_on_agenda``.  InvalidTransitionError: ``session_closed``, ``proposal_not_submitted``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        p = self.proposal(proposal_id)
        s.add_to_agenda(ctx, p.id, p.table, p.submitted_version or p.content_version, facilitator=self._facilitates(ctx, s.table))
        p.put_on_agenda(ctx, s.id)
        self._save(ctx, s, p)

    def record_position(
        self, session_id: UUID | str, proposal_id: UUID | str, *, member: UUID | str, position: str, reason: str = "",
        actor: str | None = None, command_id: str | None = None,
    ) -> None:
        """A member states a position on an agenda item (themselves, or recorded by the secretariat).

        Only members of the session's table on the effective date take positions; a later
        position of the same member on the same item replaces the earlier one in the tally
        (both stay in the history). A withdrawn proposal takes no more positions. Positions
        of other members written at the same moment do not refuse it: it is tried again
        (:mod:`application.retry`).

        Raises:
            NotAllowedError: ``not_allowed``, ``not_a_member``.
            RuleViolationError: ``proposal_withdrawn``.
            InvalidTransitionError: ``session_closed``, ``already_decided``.
            InvalidInputError: ``not_on_agenda``, ``unknown_position``.
            ConflictError: ``stale_version`` when a position of the same member on the same
            item was written at the same moment.
        """
        mid = _uuid(member, "member")
        ctx = self.ctx(actor or str(mid), command_id)
        if not (ctx.acts_as(mid) or ctx.is_secretariat):
            raise NotAllowedError("A member states their own position.", code="not_allowed")
        pid = _uuid(proposal_id, "proposal")

        def attempt() -> None:
            s = self.session(session_id)
            t = self.table(s.table)
            if str(pid) in s.agenda and self.proposal(pid).status == "withdrawn":
                raise RuleViolationError("The authors withdrew this proposal; it takes no more positions.", code="proposal_withdrawn")
            s.record_position(ctx, proposal_id=pid, member=mid, is_member=t.is_member(mid, ctx.effective_date), position=position, reason=reason)
            self._save(ctx, s)

        self._retrying(attempt, own_change=event_of(TableDeliberation, "PositionRecorded", member=str(mid), proposal_id=str(pid)))

    def decide(self, session_id: UUID | str, proposal_id: UUID | str, decision: str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record the table's decision (the secretariat or a facilitator of the table) under the
        rules in force, counting the positions of the people who are members of the table
        today (one who left no longer counts); saves the session and the proposal in one transaction.

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            RuleViolationError: ``quorum_not_reached``, ``decision_not_permitted``, ``not_the_submitted_version``.
            InvalidTransitionError: ``session_closed``, ``already_decided``, ``proposal_not_on_agenda``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        p = self.proposal(proposal_id)
        members = self.table(s.table).members_on(ctx.effective_date)
        version = s.decide(ctx, proposal_id=p.id, decision=decision, rules=self.rules(), facilitator=self._facilitates(ctx, s.table), members=members)
        p.record_table_decision(ctx, s.id, decision, version)
        self._save(ctx, s, p)

    def check_decision(self, session_id: UUID | str, proposal_id: UUID | str, decision: str, *, actor: str = SECRETARIAT) -> None:
        """Raise what :meth:`decide` would raise for this decision now (quorum, the decision
        rule, the agenda, the session's state), storing nothing: asked before a confirmation
        page, so that a decision the rules refuse is refused before "This cannot be undone"."""
        ctx = self.ctx(actor, None)
        s = self.session(session_id)  # a copy (the aggregate cache's): changed here, never saved
        p = self.proposal(proposal_id)
        members = self.table(s.table).members_on(ctx.effective_date)
        version = s.decide(ctx, proposal_id=p.id, decision=decision, rules=self.rules(), facilitator=self._facilitates(ctx, s.table), members=members)
        p.record_table_decision(ctx, s.id, decision, version)

    def open_session(self, session_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record that a session's meeting started (optional; on or after its date).

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            InvalidTransitionError: ``session_closed``, ``session_already_open``, ``session_not_due``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        s.open(ctx, facilitator=self._facilitates(ctx, s.table))
        self._save(ctx, s)

    def close_session(self, session_id: UUID | str, minutes: str = "", *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Close a session with its minutes (the secretariat or a facilitator); it then takes nothing more.

        Raises:
            NotAllowedError: ``not_a_facilitator``.  InvalidTransitionError: ``session_closed``.
            InvalidInputError: ``minutes_required``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        s.close(ctx, minutes, facilitator=self._facilitates(ctx, s.table))
        self._save(ctx, s)

