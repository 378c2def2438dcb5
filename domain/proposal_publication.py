"""The commands on a proposal after its table adopted it (a mixin of
:class:`domain.proposal.Proposal`, whose events they trigger): the Liaison Table's review,
publication to governments, the governments' responses and the follow-up of their
implementation (``docs/design.md``, "Proposal"; codes in ``docs/rules.md``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.base import Ctx
from domain.errors import DomainError, InvalidInputError, RuleViolationError
from domain.may_act import require_secretariat
from domain.proposal_rules import (
    ADOPTED,
    ENDORSED,
    FOLLOW_UP_PROGRESS,
    GOVERNMENT_RESPONSE_STATUSES,
    PUBLISHED,
    UNDER_LIAISON_REVIEW,
    ProposalGuards,
    check_recipients,
    check_text,
)
from domain.reference import ALL_GOVERNMENTS, lac_states


def same_text(text: str) -> str:
    """A text as two of its copies are compared: its words, whatever the white space between
    and around them (a response pasted again ending with a line break is the same)."""
    return " ".join(text.split())


RecordedResponse = tuple[str, str, date, str]
"""A government response already recorded: its state, status, date and text (read from the
proposal's ``GovernmentResponseRecorded`` events by the application)."""


class PublicationCommands(ProposalGuards):
    """The Liaison Table's review, publication, government responses, follow-up."""

    targets: list[str]
    decided_version: int | None
    recipients: list[str]
    published_on: date | None
    government_responses: list[dict[str, Any]]

    if TYPE_CHECKING:  # the events, declared on Proposal
        def _put_to_liaison_table(self, endorsement_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None: ...

        def _endorsed(self, tally: dict[str, int], actor: str, effective_date: date, command_id: str) -> None: ...

        def _not_endorsed(self, tally: dict[str, int], actor: str, effective_date: date, command_id: str) -> None: ...

        def _published(self, recipients: list[str], actor: str, effective_date: date, command_id: str) -> None: ...

        def _government_response_recorded(
            self, country: str, status: str, response: str, language: str, responding_entity: str,
            response_date: date, actor: str, effective_date: date, command_id: str,
        ) -> None: ...

        def _follow_up_recorded(
            self, country: str, progress: str, note: str, progress_date: date, actor: str, effective_date: date, command_id: str,
        ) -> None: ...

    def put_to_liaison_table(self, ctx: Ctx, endorsement_id: UUID) -> None:
        """Open the Liaison Table's review of the adopted version (saved with the round)."""
        self._require_status((ADOPTED,), "put to the Liaison Table", code="proposal_not_adopted")
        self._put_to_liaison_table(endorsement_id=str(endorsement_id), version=self.decided_version or 0, **ctx.stamp())

    def conclude_liaison_review(self, ctx: Ctx, endorsed: bool, tally: dict[str, int]) -> None:
        """Record the Liaison Table's outcome (saved with the closed round)."""
        self._require_status((UNDER_LIAISON_REVIEW,), "conclude the review of", code="proposal_not_under_review")
        if endorsed:
            self._endorsed(tally=tally, **ctx.stamp())
        else:
            self._not_endorsed(tally=tally, **ctx.stamp())

    def publish_to_governments(self, ctx: Ctx, recipients: list[str]) -> None:
        """Publish the endorsed recommendation to its addressees (the secretariat).

        ``recipients`` mixes "all governments of the region", LAC state codes and named
        addressees; it defaults to the proposal's targets in the application.
        """
        require_secretariat(ctx, "publish")
        self._require_status((ENDORSED,), "publish", code="proposal_not_endorsed")
        check_recipients(recipients, self.targets)
        self._published(recipients=list(dict.fromkeys(recipients)), **ctx.stamp())

    def addressed_to(self, country: str) -> bool:
        """True when the publication addressed ``country`` by code or through all governments."""
        return country in self.recipients or ALL_GOVERNMENTS in self.recipients

    def record_government_response(
        self, ctx: Ctx, *, country: str, status: str, response: str, language: str = "es",
        responding_entity: str = "", response_date: date | None = None, recorded: Collection[RecordedResponse] = (),
    ) -> None:
        """Record a government's response to the published recommendation (the secretariat).

        ``response_date`` (default: the effective date) is when the response was
        received: not in the future, not before the publication.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidTransitionError: ``proposal_not_published``.
            InvalidInputError: ``unknown_country``, ``unknown_response_status``, ``empty_text``,
            ``response_in_future``.
            RuleViolationError: ``not_an_addressee`` when the state was not addressed (by
            code or through "all governments of the region"), ``response_before_publication``,
            ``response_already_recorded`` (the same state, status, date and text as a
            response of ``recorded``, the responses already recorded: their texts are in the
            events, not in the state, whose shape the stored snapshots keep).
        """
        require_secretariat(ctx, "government_response")
        self._require_status((PUBLISHED,), "record a government response to", code="proposal_not_published")
        problems = self.response_problems(
            country=country, status=status, response=response, language=language, response_date=response_date, today=ctx.effective_date,
            recorded=recorded,
        )
        if problems:
            raise problems[0]
        answered = response_date or ctx.effective_date
        self._government_response_recorded(
            country=country, status=status, response=response, language=language,
            responding_entity=responding_entity, response_date=answered, **ctx.stamp(),
        )

    def response_problems(
        self, *, country: str, status: str, response: str, language: str, response_date: date | None, today: date,
        recorded: Collection[RecordedResponse] = (),
    ) -> list[DomainError]:
        """Every problem of a government response's content at once, in the order
        :meth:`record_government_response` refuses with the first."""
        found: list[DomainError] = []
        if country not in lac_states():
            found.append(InvalidInputError(f"{country!r} is not a LAC state code.", code="unknown_country", field="country"))
        elif not self.addressed_to(country):
            found.append(RuleViolationError(f"{country} was not an addressee of this recommendation.", code="not_an_addressee", field="country"))
        if status not in GOVERNMENT_RESPONSE_STATUSES:
            found.append(InvalidInputError(
                f"Response status must be one of {list(GOVERNMENT_RESPONSE_STATUSES)}.", code="unknown_response_status", field="status",
            ))
        try:
            check_text("response", response)
        except DomainError as e:
            found.append(e)
        if not re.fullmatch(r"[a-z]{2,3}", language or ""):
            found.append(InvalidInputError(
                "The response's language is an ISO 639 code such as es, en, pt, fr, nl or ht.", code="unknown_language", field="language",
            ))
        answered = response_date or today
        if answered > today:
            found.append(InvalidInputError("A response is recorded once received, not with a future date.", code="response_in_future", field="response_date"))
        elif self.published_on is not None and answered < self.published_on:
            found.append(RuleViolationError(
                f"A response answers the publication of {self.published_on}; it cannot be dated earlier.",
                code="response_before_publication", field="response_date",
            ))
        if (country, status, answered, same_text(response)) in {(c, st, d, same_text(t)) for c, st, d, t in recorded}:
            # the same response posted twice (a form sent again on a weak connection, with a
            # form id of its own): recorded once, or the recommendation shows it twice
            found.append(RuleViolationError(
                f"This response of {country} ({status}, {answered}) with this text is already recorded.",
                code="response_already_recorded", field="response",
            ))
        return found

    def record_follow_up(self, ctx: Ctx, *, country: str, progress: str, note: str, on: date | None = None) -> None:
        """Record a later follow-up entry on a state's implementation (the secretariat).

        Issue "Every rule…", "Follow-up": after a government response, later entries
        record implementation progress with a date and a note. ``country`` is the LAC
        state whose response is followed; ``progress`` is one of
        :data:`FOLLOW_UP_PROGRESS`; ``on`` (default: the effective date) is the date the
        progress was observed, neither in the future nor before that state's first
        response.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidTransitionError: ``proposal_not_published``.
            RuleViolationError: ``no_government_response`` (no response from ``country`` yet),
            ``follow_up_before_response``.
            InvalidInputError: ``unknown_follow_up_progress``, ``empty_text``, ``follow_up_in_future``.
        """
        require_secretariat(ctx, "follow_up")
        self._require_status((PUBLISHED,), "record follow-up on", code="proposal_not_published")
        responses = [r for r in self.government_responses if r["country"] == country]
        if not responses:
            raise RuleViolationError(
                f"Follow-up comes after a government response; {country} has not responded.",
                code="no_government_response", field="country",
            )
        if progress not in FOLLOW_UP_PROGRESS:
            raise InvalidInputError(
                f"Progress is one of {list(FOLLOW_UP_PROGRESS)}.", code="unknown_follow_up_progress", field="progress"
            )
        check_text("note", note)
        observed = on or ctx.effective_date
        if observed > ctx.effective_date:
            raise InvalidInputError("Follow-up records progress already observed, not a future date.", code="follow_up_in_future", field="on")
        first = min(r["date"] for r in responses)
        if observed < first:
            raise RuleViolationError(
                f"Follow-up is dated on or after {country}'s response of {first}.", code="follow_up_before_response", field="on"
            )
        self._follow_up_recorded(country=country, progress=progress, note=note, progress_date=observed, **ctx.stamp())
