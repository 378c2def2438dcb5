"""Commands that follow a recommendation's publication: the governments' responses, the
follow-up of their implementation, and the biannual dialogues with governments.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from application.core import ApplicationCore
from application.retry import event_of
from domain.base import SECRETARIAT
from domain.errors import DomainError, RuleViolationError
from domain.government_dialogue import PERIOD, GovernmentDialogue, government_dialogue_id
from domain.proposal import Proposal
from domain.proposal_publication import RecordedResponse


class FollowUpCommands(ApplicationCore):
    """Government responses, follow-up entries and dialogues with governments."""

    def record_government_response(
        self, proposal_id: UUID | str, *, country: str, status: str, response: str, language: str = "es",
        responding_entity: str = "", response_date: date | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record ``country``'s response to a published recommendation (the secretariat;
        see :meth:`Proposal.record_government_response`). Anything else written on the
        proposal at the same moment does not refuse it: it is tried again.

        Raises:
            ConflictError: ``stale_version`` when a response of the same state was written at the same moment.
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> None:
            p = self.proposal(proposal_id)
            p.record_government_response(
                ctx, country=country, status=status, response=response, language=language,
                responding_entity=responding_entity, response_date=response_date, recorded=self.recorded_responses(p.id),
            )
            self._save(ctx, p)

        self._retrying(attempt, own_change=event_of(Proposal, "GovernmentResponseRecorded", country=country))

    def check_government_response(
        self, proposal_id: UUID | str, *, country: str, status: str, response: str, language: str = "es",
        responding_entity: str = "", response_date: date | None = None,
    ) -> list[DomainError]:
        """Every problem of a government response's content at once, without writing
        anything (a form shows them all; :meth:`record_government_response` refuses with the
        first). An unknown proposal has none here: the command refuses it.
        """
        try:
            p = self.proposal(proposal_id)
        except DomainError:
            return []
        return p.response_problems(
            country=country, status=status, response=response, language=language, response_date=response_date, today=self.clock.today(),
            recorded=self.recorded_responses(p.id),
        )

    def recorded_responses(self, proposal_id: UUID) -> set[RecordedResponse]:
        """The governments' responses recorded on a proposal (state, status, date, text), read
        from its events: the proposal's state keeps no text (its stored snapshots keep the
        state's shape), and a response is recorded rarely."""
        found: set[RecordedResponse] = set()
        for e in self.events.get(originator_id=proposal_id):
            if type(e).__qualname__ == "Proposal.GovernmentResponseRecorded":
                r: Any = e
                found.add((r.country, r.status, r.response_date, r.response))
        return found

    # ------------------------------------------------------------------ follow-up and dialogues
    def record_follow_up(
        self, proposal_id: UUID | str, *, country: str, progress: str, note: str, on: date | None = None,
        actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record implementation progress of a published recommendation in ``country``,
        after that state's response (see :meth:`Proposal.record_follow_up`). Anything else
        written on the proposal at the same moment does not refuse it: it is tried again.

        Raises:
            ConflictError: ``stale_version`` when a follow-up entry of the same state was
            written at the same moment.
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> None:
            p = self.proposal(proposal_id)
            p.record_follow_up(ctx, country=country, progress=progress, note=note, on=on)
            self._save(ctx, p)

        self._retrying(attempt, own_change=event_of(Proposal, "FollowUpRecorded", country=country))

    def schedule_government_dialogue(
        self, *, period: str, on: date, title: str, governments: list[str], mode: str = "virtual",
        actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """Schedule the biannual dialogue with governments of half-year ``period``
        (``2026-H1``); returns its id (:func:`government_dialogue_id` of the period).

        Raises:
            RuleViolationError: ``dialogue_already_scheduled`` (one per half-year).
            (and every error of :meth:`GovernmentDialogue.schedule`)
        """
        ctx = self.ctx(actor, command_id)
        d = GovernmentDialogue.schedule(ctx, period=period, on=on, title=title, governments=list(governments), mode=mode)
        if self._exists(d.id):
            raise RuleViolationError(f"The dialogue with governments of {period} is already scheduled.", code="dialogue_already_scheduled", field="period")
        self._save(ctx, d)
        return d.id

    def government_dialogue(self, dialogue: UUID | str) -> GovernmentDialogue:
        """A dialogue by id, or by its half-year (``2026-H1``)."""
        if isinstance(dialogue, str) and PERIOD.match(dialogue):
            dialogue = government_dialogue_id(dialogue)
        return self._get(GovernmentDialogue, dialogue, "government dialogue")

    def present_at_dialogue(
        self, dialogue: UUID | str, proposal_id: UUID | str, *, note: str = "", actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record that an endorsed recommendation was presented at a dialogue with governments.

        Raises:
            RuleViolationError: ``not_a_recommendation``, ``already_presented``.
            InvalidTransitionError: ``dialogue_not_held_yet``.
        """
        ctx = self.ctx(actor, command_id)
        d = self.government_dialogue(dialogue)
        p = self.proposal(proposal_id)
        d.present(ctx, proposal_id=p.id, proposal_status=p.status, version=int(p.decided_version or 0), note=note)
        self._save(ctx, d)

