"""Commands of the Liaison Table: endorsement rounds, the deadline job and publication to
governments (what follows publication is in :mod:`application.commands.follow_up`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

from application.core import ApplicationCore, _uuid
from application.errors import CommandAlreadyAppliedError
from application.persistence import notifications
from application.retry import event_of
from domain.base import SECRETARIAT
from domain.endorsement import LiaisonEndorsement, endorsement_tally
from domain.errors import (
    NotFoundError,
)
from domain.ids import endorsement_id
from domain.proposal import Proposal
from projections.deadlines import CLOSED, OPENED


class LiaisonCommands(ApplicationCore):
    """Commands of the Liaison Table: endorsement rounds, the deadline job, publication."""

    # ------------------------------------------------------------------ Liaison Table
    def open_endorsement(
        self, proposal_id: UUID | str, closes_on: date, *, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """Open the Liaison Table's round on an adopted proposal; saves round and proposal together."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        eid = endorsement_id(p.id, 1 + sum(1 for _ in self._rounds_of(p)))
        round_ = LiaisonEndorsement.open(ctx, id=eid, proposal_id=p.id, version=p.decided_version or 0, session_id=p.session_id, closes_on=closes_on)
        p.put_to_liaison_table(ctx, eid)
        self._save(ctx, round_, p)
        return eid

    def _rounds_of(self, p: Proposal) -> Iterator[UUID]:
        n = 1
        while self._exists(endorsement_id(p.id, n)):
            yield endorsement_id(p.id, n)
            n += 1

    def endorsement(self, round_id: UUID | str) -> LiaisonEndorsement:
        return self._get(LiaisonEndorsement, round_id, "endorsement round")

    def current_round(self, proposal_id: UUID | str) -> LiaisonEndorsement:
        p = self.proposal(proposal_id)
        if p.endorsement_id is None:
            raise NotFoundError("No endorsement round was opened on this proposal.", code="no_endorsement_round")
        return self.endorsement(p.endorsement_id)

    def vote_on_endorsement(
        self, proposal_id: UUID | str, *, seat: str, participant_id: UUID | str, vote: str, reason: str = "",
        actor: str | None = None, command_id: str | None = None,
    ) -> None:
        """A seat holder endorses or objects (``vote``: ``endorse`` | ``object``); a later
        vote of the seat replaces the earlier one. Votes of other seats written at the same
        moment do not refuse it: it is tried again (:mod:`application.retry`).

        Raises:
            ConflictError: ``stale_version`` when a vote of the same seat was written at the same moment.
            (and every error of :meth:`LiaisonEndorsement.vote`)
        """
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor or str(pid), command_id)

        def attempt() -> None:
            p = self.proposal(proposal_id)
            r = self.current_round(p.id)
            holder = self.seat_holder(seat, ctx.effective_date)
            r.vote(ctx, seat=seat, participant_id=pid, vote=vote, reason=reason, holder_on_date=holder, is_author=p.is_author(str(pid)), rules=self.rules())
            self._save(ctx, r)

        self._retrying(attempt, own_change=event_of(LiaisonEndorsement, "VoteRecorded", seat=seat))

    def record_un_advice(self, proposal_id: UUID | str, *, seat: str, agency: str = "", advice: str, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record the advice of the UN agency holding ``seat`` on the proposal's open round.

        Raises:
            RuleViolationError: ``un_seat_vacant``.  InvalidInputError: ``agency_not_on_seat``, ``unknown_seat``.
            InvalidTransitionError: ``round_closed``, ``round_past_deadline``.
            ConflictError: ``stale_version`` when advice of the same seat was written at the
            same moment (anything else written meanwhile: tried again).
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> None:
            r = self.current_round(proposal_id)
            lt = self.liaison_table()
            nomination = lt.un_seat(seat, ctx.effective_date) if lt else None
            r.record_un_advice(ctx, seat=seat, agency=agency, advice=advice, nomination=nomination)
            self._save(ctx, r)

        self._retrying(attempt, own_change=event_of(LiaisonEndorsement, "UnAdviceRecorded", seat=seat))

    def close_endorsement(self, proposal_id: UUID | str, *, early: bool = False, actor: str = SECRETARIAT, command_id: str | None = None) -> str:
        """Close the proposal's round by its tally; returns ``endorsed`` or ``not_endorsed``."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        r = self.current_round(p.id)
        rules = self.rules()
        endorsed = r.close(ctx, rules, early=early)
        p.conclude_liaison_review(ctx, endorsed, dict(r.tally or endorsement_tally(r.votes)))
        self._save(ctx, r, p)
        return "endorsed" if endorsed else "not_endorsed"

    def open_rounds(self) -> dict[UUID, date]:
        """Open endorsement rounds and their ``closes_on`` dates, without loading each round:
        the deadline view's rows at its tracking position (:mod:`projections.deadlines`,
        when :attr:`open_rounds_view` is wired), then the log's ``Opened`` and ``Closed``
        events after that position (the whole log without the view), read by topic."""
        rounds: dict[UUID, date] = {}
        after: int | None = None
        if self.open_rounds_view is not None:
            after, found = self.open_rounds_view.read()
            rounds = {UUID(r): d for r, d in found.items()}
        for n in notifications(self.recorder, [OPENED, CLOSED], after=after or None):
            rid = UUID(str(n.originator_id))
            if n.topic == OPENED:
                rounds[rid] = self.mapper.to_domain_event(n).closes_on  # type: ignore[attr-defined]
            else:
                rounds.pop(rid, None)
        return rounds

    def close_due(self, *, command_prefix: str | None = None) -> list[tuple[UUID, str]]:
        """The deadline job: close every round whose ``closes_on`` is before today.

        Returns ``[(proposal_id, outcome), …]``. Safe to run concurrently and repeatedly:
        the command id names the round, so a round is closed once.
        """
        today = self.clock.today()
        closed: list[tuple[UUID, str]] = []
        for rid, closes_on in self.open_rounds().items():
            if not today > closes_on:
                continue
            r = self.endorsement(rid)
            if not r.is_due(today):
                continue
            cid = f"{command_prefix or 'close-due'}:{rid}"
            try:
                outcome = self.close_endorsement(r.proposal_id, command_id=cid)
            except CommandAlreadyAppliedError:
                continue
            closed.append((UUID(r.proposal_id), outcome))
        return closed

    def publish_to_governments(
        self, proposal_id: UUID | str, recipients: list[str] | None = None, *, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Publish an endorsed recommendation; ``recipients`` default to its targets."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.publish_to_governments(ctx, list(recipients) if recipients else list(p.targets))
        self._save(ctx, p)
