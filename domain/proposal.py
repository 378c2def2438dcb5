"""Proposal: a draft recommendation owned by one working table (docs/design.md, "Proposal").

Lifecycle (statuses are the words used everywhere, in pages, API and exports)::

    draft → submitted → on_agenda → adopted | returned_for_revision | rejected
    returned_for_revision → (revise) → submitted → …
    adopted → under_liaison_review → endorsed | not_endorsed
    endorsed → published
    draft | submitted | on_agenda | returned_for_revision → withdrawn (by the authors)

``rejected``, ``withdrawn``, ``not_endorsed`` are final. Illegal transitions raise
:class:`~domain.errors.InvalidTransitionError`, never a silent no-op, with one stable code
per rule (``proposal_not_editable`` for every authoring command outside ``draft`` and
``returned_for_revision``; ``proposal_not_submitted``, ``proposal_not_on_agenda``,
``proposal_not_adopted``, ``proposal_not_under_review``, ``proposal_not_endorsed``,
``proposal_not_published``, ``proposal_not_withdrawable`` for the others; see
``docs/rules.md``).

Who does what: the author drafts, adds co-authors, submits and withdraws; the author and
co-authors revise and decide on amendments; other members of the table propose
amendments (membership is checked by the application); the secretariat publishes,
records government responses and follow-up. A published recommendation then collects
government responses (only from LAC states it addressed) and follow-up entries.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
    RuleViolationError,
)
from domain.proposal_amendments import AmendmentCommands
from domain.proposal_publication import PublicationCommands
from domain.proposal_rules import (
    ADOPTED,
    DRAFT,
    EDITABLE,
    ENDORSED,
    FOLLOW_UP_PROGRESS,
    GOVERNMENT_RESPONSE_STATUSES,
    LANGUAGES,
    MAX_TEXT,
    MAX_TITLE,
    NOT_ENDORSED,
    ON_AGENDA,
    PUBLISHED,
    REJECTED,
    RETURNED,
    REVISABLE_FIELDS,
    STATUSES,
    SUBMITTED,
    TEXT_FIELDS,
    UNDER_LIAISON_REVIEW,
    WITHDRAWN,
    apply_amendment,
    check_language,
    check_objectives,
    check_recipients,
    check_targets,
    check_text,
    draft_problems,
    line_ends_as_lf,
    revision_problems,
)

# Re-exported: the statuses and limits are read as ``domain.proposal.<NAME>`` across layers.
__all__ = [
    "ADOPTED", "DRAFT", "EDITABLE", "ENDORSED", "FOLLOW_UP_PROGRESS", "GOVERNMENT_RESPONSE_STATUSES", "LANGUAGES",
    "MAX_TEXT", "MAX_TITLE", "NOT_ENDORSED", "ON_AGENDA", "PUBLISHED", "REJECTED", "RETURNED", "REVISABLE_FIELDS",
    "STATUSES", "SUBMITTED", "TEXT_FIELDS", "UNDER_LIAISON_REVIEW", "WITHDRAWN", "Proposal", "apply_amendment",
    "check_language", "check_objectives", "check_recipients", "check_targets", "check_text",
    "draft_problems", "line_ends_as_lf",
]


class Proposal(AmendmentCommands, PublicationCommands, DialogueAggregate):
    """A draft recommendation of one working table, with its authors, amendments and fate.

    The commands on amendments and on what follows adoption are in
    :class:`~domain.proposal_amendments.AmendmentCommands` and
    :class:`~domain.proposal_publication.PublicationCommands`; every event (and so every
    stored topic, ``domain.proposal:Proposal.<Event>``) is declared here."""

    @event("Drafted")
    def __init__(
        self,
        *,
        id: UUID,
        reference: str,
        table: str,
        author: str,
        co_authors: list[str],
        title: str,
        problem: str,
        recommendation: str,
        rationale: str,
        objectives: list[int],
        targets: list[str],
        language: str,
        source: str,
        actor: str,
        effective_date: date,
        command_id: str,
    ) -> None:
        self.reference = reference
        self.table = table
        self.author = author
        self.co_authors: list[str] = list(co_authors)
        self.title = title
        self.problem = problem
        self.recommendation = recommendation
        self.rationale = rationale
        self.objectives: list[int] = list(objectives)
        self.targets: list[str] = list(targets)
        self.language = language
        self.source = source
        self.status = DRAFT
        self.content_version = 1
        self.submitted_version: int | None = None
        self.amendments: dict[str, dict[str, Any]] = {}
        self.session_id: str | None = None
        self.decided_version: int | None = None
        self.endorsement_id: str | None = None
        self.recipients: list[str] = []
        self.government_responses: list[dict[str, Any]] = []
        self.follow_ups: list[dict[str, Any]] = []
        self.published_on: date | None = None
        self.drafted_on = effective_date

    # ------------------------------------------------------------------ factory
    @classmethod
    def draft(
        cls,
        ctx: Ctx,
        *,
        id: UUID,
        reference: str,
        table: str,
        author: UUID,
        co_authors: list[UUID],
        title: str,
        problem: str,
        recommendation: str,
        rationale: str,
        objectives: list[int],
        targets: list[str],
        language: str,
        source: str = "",
    ) -> Proposal:
        """Draft a proposal for ``table`` (membership is checked by the application).

        Raises:
            InvalidInputError: bad objectives (``objective_not_in_table``), targets, text.
        """
        texts = {"title": title, "problem": problem, "recommendation": recommendation, "rationale": rationale}
        problems = draft_problems(table=table, texts=texts, objectives=objectives, targets=targets, language=language)
        if problems:
            raise problems[0]
        if str(author) in {str(c) for c in co_authors}:
            raise InvalidInputError("The author is not also a co-author.", code="author_is_co_author", field="co_authors")
        return cls(
            id=id,
            reference=reference,
            table=table,
            author=str(author),
            co_authors=list(dict.fromkeys(str(c) for c in co_authors)),
            title=title,
            problem=problem,
            recommendation=recommendation,
            rationale=rationale,
            objectives=sorted(set(objectives)),
            targets=list(dict.fromkeys(targets)),
            language=language,
            source=source,
            **ctx.stamp(),
        )

    # ------------------------------------------------------------------ authoring
    def revise(self, ctx: Ctx, changes: dict[str, Any], note: str = "") -> None:
        """Revise fields (author or co-authors, while ``draft`` or ``returned_for_revision``).

        ``changes`` maps field names of :data:`REVISABLE_FIELDS` to new values.

        Raises:
            NotAllowedError, InvalidTransitionError, InvalidInputError.
        """
        self.require_revisable_by(ctx.actor)
        found = revision_problems(self.table, changes)
        if found:
            raise found[0]
        if "objectives" in changes:
            changes = {**changes, "objectives": sorted(set(changes["objectives"]))}
        if all(getattr(self, f) == v for f, v in changes.items()):
            raise InvalidInputError("The revision changes nothing.", code="empty_revision")
        self._revised(changes=changes, note=note, **ctx.stamp())

    @event("Revised")
    def _revised(self, changes: dict[str, Any], note: str, actor: str, effective_date: date, command_id: str) -> None:
        for f, v in changes.items():
            setattr(self, f, list(v) if isinstance(v, list) else v)
        self.content_version += 1

    def add_co_author(self, ctx: Ctx, co_author: UUID) -> None:
        """Add a co-author (by the author; membership of the table checked by the application)."""
        self._require_author(ctx, "add co-authors", main_author_only=True)
        self._require_status(EDITABLE, "add a co-author", code="proposal_not_editable")
        if str(co_author) in self.authors:
            raise InvalidInputError("This person is already an author of the proposal.", code="already_an_author", field="co_author")
        self._co_author_added(co_author=str(co_author), **ctx.stamp())

    @event("CoAuthorAdded")
    def _co_author_added(self, co_author: str, actor: str, effective_date: date, command_id: str) -> None:
        self.co_authors.append(co_author)

    def _require_may_remove_co_author(self, actor: str, co_author: UUID | str) -> None:
        """Raises ``not_an_author`` unless ``actor`` is the author or the co-author themselves."""
        if actor != self.author and actor != str(co_author):
            raise NotAllowedError("Only the author, or the co-author themselves, may remove a co-author.", code="not_an_author")

    def remove_co_author(self, ctx: Ctx, co_author: UUID) -> None:
        """Remove a co-author (by the author, or a co-author removing themselves)."""
        self._require_may_remove_co_author(ctx.actor, co_author)
        self._require_status(EDITABLE, "remove a co-author", code="proposal_not_editable")
        if str(co_author) not in self.co_authors:
            raise NotFoundError("This person is not a co-author of the proposal.", code="not_a_co_author", field="co_author")
        self._co_author_removed(co_author=str(co_author), **ctx.stamp())

    @event("CoAuthorRemoved")
    def _co_author_removed(self, co_author: str, actor: str, effective_date: date, command_id: str) -> None:
        self.co_authors.remove(co_author)

    # ------------------------------------------------------------------ amendments (commands: domain.proposal_amendments)
    @event("AmendmentProposed")
    def _amendment_proposed(
        self, amendment: str, amender: str, field: str, operation: str, text: str,
        replaces: str | None, justification: str, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.amendments[amendment] = {
            "amender": amender, "field": field, "operation": operation, "text": text,
            "replaces": replaces, "justification": justification, "status": "pending",
        }

    @event("AmendmentAccepted")
    def _amendment_accepted(
        self, amendment: str, field: str, merged_text: str, actor: str, effective_date: date, command_id: str
    ) -> None:
        a = self.amendments[amendment]
        a["status"] = "accepted"
        setattr(self, field, merged_text)
        self.content_version += 1
        if a["amender"] not in self.authors:
            self.co_authors.append(a["amender"])

    @event("AmendmentRejected")
    def _amendment_rejected(self, amendment: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.amendments[amendment]["status"] = "rejected"

    @event("AmendmentWithdrawn")
    def _amendment_withdrawn(self, amendment: str, actor: str, effective_date: date, command_id: str) -> None:
        self.amendments[amendment]["status"] = "withdrawn"

    # ------------------------------------------------------------------ table workflow
    def submit(self, ctx: Ctx) -> None:
        """Submit the current version to the table (the author), freezing it.

        Raises:
            NotAllowedError, InvalidTransitionError,
            RuleViolationError: ``pending_amendments`` while amendments await a decision.
        """
        self._require_author(ctx, "submit the proposal", main_author_only=True)
        self._require_status(EDITABLE, "submit", code="proposal_not_editable")
        pending = self.pending_amendments()
        if pending:
            raise RuleViolationError(
                f"Decide on the pending amendments {pending} before submitting.", code="pending_amendments"
            )
        self._submitted(version=self.content_version, **ctx.stamp())

    @event("Submitted")
    def _submitted(self, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = SUBMITTED
        self.submitted_version = version

    def withdraw(self, ctx: Ctx, reason: str = "") -> None:
        """Withdraw the proposal (the author), before any decision on it."""
        self._require_author(ctx, "withdraw the proposal", main_author_only=True)
        self._require_status((DRAFT, SUBMITTED, ON_AGENDA, RETURNED), "withdraw", code="proposal_not_withdrawable")
        self._withdrawn(reason=reason, **ctx.stamp())

    @event("Withdrawn")
    def _withdrawn(self, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.status = WITHDRAWN

    def put_on_agenda(self, ctx: Ctx, session_id: UUID) -> None:
        """Put the submitted version on a session's agenda (saved with the session)."""
        self._require_status((SUBMITTED,), "put on the agenda", code="proposal_not_submitted")
        self._put_on_agenda(session_id=str(session_id), version=self.submitted_version or self.content_version, **ctx.stamp())

    @event("PutOnAgenda")
    def _put_on_agenda(self, session_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = ON_AGENDA
        self.session_id = session_id

    def record_table_decision(self, ctx: Ctx, session_id: UUID, decision: str, version: int) -> None:
        """Apply a table decision taken in ``session_id`` on ``version`` (saved with the session).

        ``decision`` is ``adopt``, ``return_for_revision`` or ``reject``.
        """
        self._require_status((ON_AGENDA,), "decide on", code="proposal_not_on_agenda")
        if self.session_id != str(session_id):
            raise InvalidTransitionError("The proposal is on the agenda of another session.", code="not_on_this_agenda")
        if version != self.submitted_version:
            raise RuleViolationError("A decision refers to the version that was submitted.", code="not_the_submitted_version")
        if decision == "adopt":
            self._adopted(session_id=str(session_id), version=version, **ctx.stamp())
        elif decision == "return_for_revision":
            self._returned_for_revision(session_id=str(session_id), version=version, **ctx.stamp())
        elif decision == "reject":
            self._rejected(session_id=str(session_id), version=version, **ctx.stamp())
        else:
            raise InvalidInputError(f"Unknown decision {decision!r}.", code="unknown_decision", field="decision")

    @event("Adopted")
    def _adopted(self, session_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = ADOPTED
        self.decided_version = version

    @event("ReturnedForRevision")
    def _returned_for_revision(self, session_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = RETURNED
        self.decided_version = version
        self.session_id = None

    @event("Rejected")
    def _rejected(self, session_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = REJECTED
        self.decided_version = version

    # ------------------------------------------------------------------ liaison, publication (commands: domain.proposal_publication)
    @event("PutToLiaisonTable")
    def _put_to_liaison_table(self, endorsement_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = UNDER_LIAISON_REVIEW
        self.endorsement_id = endorsement_id

    @event("Endorsed")
    def _endorsed(self, tally: dict[str, int], actor: str, effective_date: date, command_id: str) -> None:
        self.status = ENDORSED

    @event("NotEndorsed")
    def _not_endorsed(self, tally: dict[str, int], actor: str, effective_date: date, command_id: str) -> None:
        self.status = NOT_ENDORSED

    @event("PublishedToGovernments")
    def _published(self, recipients: list[str], actor: str, effective_date: date, command_id: str) -> None:
        self.status = PUBLISHED
        self.recipients = list(recipients)
        self.published_on = effective_date

    @event("GovernmentResponseRecorded")
    def _government_response_recorded(
        self, country: str, status: str, response: str, language: str, responding_entity: str,
        response_date: date, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.government_responses.append({"country": country, "status": status, "date": response_date})

    @event("FollowUpRecorded")
    def _follow_up_recorded(
        self, country: str, progress: str, note: str, progress_date: date, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.follow_ups.append({"country": country, "progress": progress, "date": progress_date})
