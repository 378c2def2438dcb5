"""Proposal: a draft recommendation owned by one working table (DESIGN.md, "Proposal").

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

import re
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
from domain.reference import ALL_GOVERNMENTS, is_valid_target, lac_states, table_objectives

DRAFT = "draft"
SUBMITTED = "submitted"
ON_AGENDA = "on_agenda"
RETURNED = "returned_for_revision"
ADOPTED = "adopted"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
UNDER_LIAISON_REVIEW = "under_liaison_review"
ENDORSED = "endorsed"
NOT_ENDORSED = "not_endorsed"
PUBLISHED = "published"

STATUSES = (
    DRAFT, SUBMITTED, ON_AGENDA, RETURNED, ADOPTED, REJECTED, WITHDRAWN,
    UNDER_LIAISON_REVIEW, ENDORSED, NOT_ENDORSED, PUBLISHED,
)
EDITABLE = (DRAFT, RETURNED)
TEXT_FIELDS = ("title", "problem", "recommendation", "rationale")
REVISABLE_FIELDS = (*TEXT_FIELDS, "objectives", "targets", "language")
LANGUAGES = ("es", "en", "pt", "fr")
GOVERNMENT_RESPONSE_STATUSES = ("accepted", "partially_accepted", "noted", "rejected")
FOLLOW_UP_PROGRESS = ("not_started", "in_progress", "partially_implemented", "implemented", "stalled")
MAX_TITLE = 300
MAX_TEXT = 20_000


def check_objectives(table: str, objectives: list[int]) -> None:
    """Refuse objectives outside 1..23 or not owned by ``table`` (seed, "Architecture").

    Raises:
        InvalidInputError: ``no_objective``, ``unknown_objective``, ``objective_not_in_table``.
    """
    if not objectives:
        raise InvalidInputError("A proposal names at least one GCM objective.", code="no_objective", field="objectives")
    owned = table_objectives().get(table, frozenset())
    unknown = sorted(o for o in objectives if not 1 <= o <= 23)
    if unknown:
        raise InvalidInputError(f"GCM objectives are numbered 1 to 23, not {unknown}.", code="unknown_objective", field="objectives")
    outside = sorted(set(objectives) - owned)
    if outside:
        raise InvalidInputError(
            f"GCM objective(s) {outside} do not belong to {table}, whose objectives are {sorted(owned)}.",
            code="objective_not_in_table",
            field="objectives",
        )


def check_targets(targets: list[str]) -> None:
    """Refuse an empty list or an addressee outside the reference lists.

    Raises:
        InvalidInputError: ``no_target``, ``unknown_target``.
    """
    if not targets:
        raise InvalidInputError("A recommendation names at least one addressee.", code="no_target", field="targets")
    bad = [t for t in targets if not is_valid_target(t)]
    if bad:
        raise InvalidInputError(f"Unknown addressee(s): {bad}.", code="unknown_target", field="targets")


def check_text(field: str, value: Any) -> None:
    """Refuse a missing, blank or oversized text field (text is kept exactly as typed)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"The {field} cannot be empty.", code="empty_text", field=field)
    limit = MAX_TITLE if field == "title" else MAX_TEXT
    if len(value) > limit:
        raise InvalidInputError(f"The {field} is longer than {limit} characters.", code="text_too_long", field=field)


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInputError(f"Language must be one of {list(LANGUAGES)}.", code="unknown_language", field="language")


def apply_amendment(current: str, operation: str, text: str, replaces: str | None) -> str:
    """Merge an amendment into a field's text.

    ``append`` adds ``text`` as a new sentence at the end; ``replace`` substitutes the
    first occurrence of ``replaces`` by ``text`` (scenario conventions, "amendment_operations").

    Raises:
        RuleViolationError: ``amendment_conflict`` when the replaced text is no longer there.
    """
    if operation == "append":
        return current.rstrip() + " " + text
    if replaces is None or replaces not in current:
        raise RuleViolationError(
            "The text this amendment replaces is no longer in the proposal.", code="amendment_conflict"
        )
    return current.replace(replaces, text, 1)


class Proposal(DialogueAggregate):
    """A draft recommendation of one working table, with its authors, amendments and fate."""

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
        if table not in table_objectives():
            raise InvalidInputError(f"Unknown working table {table!r}.", code="unknown_table", field="table")
        for f, v in (("title", title), ("problem", problem), ("recommendation", recommendation), ("rationale", rationale)):
            check_text(f, v)
        check_objectives(table, objectives)
        check_targets(targets)
        check_language(language)
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

    # ------------------------------------------------------------------ queries
    @property
    def authors(self) -> set[str]:
        """The author and the co-authors (participant ids as text)."""
        return {self.author, *self.co_authors}

    def is_author(self, participant_id: str) -> bool:
        return participant_id in self.authors

    def pending_amendments(self) -> list[str]:
        return [a for a, v in self.amendments.items() if v["status"] == "pending"]

    def _require_status(self, allowed: tuple[str, ...], doing: str, code: str) -> None:
        """Refuse ``doing`` unless the proposal's status is in ``allowed``.

        The ``code`` is stable per rule (``proposal_not_editable`` …); the message names
        the current status and the statuses that allow the command.
        """
        if self.status not in allowed:
            raise InvalidTransitionError(
                f"Cannot {doing} a proposal that is {self.status} (allowed when {', '.join(allowed)}).",
                code=code,
            )

    def _require_author(self, ctx: Ctx, doing: str, *, main_author_only: bool = False) -> None:
        who = {self.author} if main_author_only else self.authors
        if ctx.actor not in who:
            kind = "author" if main_author_only else "author or a co-author"
            raise NotAllowedError(f"Only the {kind} may {doing}.", code="not_an_author")

    # ------------------------------------------------------------------ authoring
    def revise(self, ctx: Ctx, changes: dict[str, Any], note: str = "") -> None:
        """Revise fields (author or co-authors, while ``draft`` or ``returned_for_revision``).

        ``changes`` maps field names of :data:`REVISABLE_FIELDS` to new values.

        Raises:
            NotAllowedError, InvalidTransitionError, InvalidInputError.
        """
        self._require_author(ctx, "revise the proposal")
        self._require_status(EDITABLE, "revise", code="proposal_not_editable")
        if not changes:
            raise InvalidInputError("A revision changes at least one field.", code="empty_revision")
        for f, v in changes.items():
            if f not in REVISABLE_FIELDS:
                raise InvalidInputError(f"The field {f!r} cannot be revised.", code="field_not_revisable", field=f)
            if f in TEXT_FIELDS:
                check_text(f, v)
        if "objectives" in changes:
            changes = {**changes, "objectives": sorted(set(changes["objectives"]))}
            check_objectives(self.table, changes["objectives"])
        if "targets" in changes:
            check_targets(changes["targets"])
        if "language" in changes:
            check_language(changes["language"])
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

    def remove_co_author(self, ctx: Ctx, co_author: UUID) -> None:
        """Remove a co-author (by the author, or a co-author removing themselves)."""
        if ctx.actor != self.author and ctx.actor != str(co_author):
            raise NotAllowedError("Only the author, or the co-author themselves, may remove a co-author.", code="not_an_author")
        self._require_status(EDITABLE, "remove a co-author", code="proposal_not_editable")
        if str(co_author) not in self.co_authors:
            raise NotFoundError("This person is not a co-author of the proposal.", code="not_a_co_author", field="co_author")
        self._co_author_removed(co_author=str(co_author), **ctx.stamp())

    @event("CoAuthorRemoved")
    def _co_author_removed(self, co_author: str, actor: str, effective_date: date, command_id: str) -> None:
        self.co_authors.remove(co_author)

    # ------------------------------------------------------------------ amendments
    def propose_amendment(
        self,
        ctx: Ctx,
        *,
        amendment: str,
        field: str,
        operation: str,
        text: str,
        replaces: str | None = None,
        justification: str = "",
    ) -> None:
        """Propose an amendment (a table member who is not an author; membership checked
        by the application), while ``draft`` or ``returned_for_revision``.

        Raises:
            NotAllowedError: ``author_cannot_amend``.
            InvalidTransitionError, InvalidInputError.
        """
        if ctx.actor in self.authors:
            raise NotAllowedError(
                "Authors revise their proposal directly; amendments come from other members of the table.",
                code="author_cannot_amend",
            )
        self._require_status(EDITABLE, "amend", code="proposal_not_editable")
        if amendment in self.amendments:
            raise InvalidInputError(f"Amendment {amendment} already exists.", code="duplicate_amendment")
        if field not in TEXT_FIELDS:
            raise InvalidInputError(f"Amendments change one of {list(TEXT_FIELDS)}.", code="field_not_amendable", field="field")
        if operation not in ("append", "replace"):
            raise InvalidInputError("An amendment appends or replaces text.", code="unknown_operation", field="operation")
        check_text("text", text)
        if operation == "replace" and (not replaces or replaces not in getattr(self, field)):
            raise InvalidInputError(
                f"The text to replace is not in the current {field}.", code="replaced_text_not_found", field="replaces"
            )
        self._amendment_proposed(
            amendment=amendment, amender=ctx.actor, field=field, operation=operation,
            text=text, replaces=replaces, justification=justification, **ctx.stamp(),
        )

    @event("AmendmentProposed")
    def _amendment_proposed(
        self, amendment: str, amender: str, field: str, operation: str, text: str,
        replaces: str | None, justification: str, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.amendments[amendment] = {
            "amender": amender, "field": field, "operation": operation, "text": text,
            "replaces": replaces, "justification": justification, "status": "pending",
        }

    def _pending_amendment(self, amendment: str) -> dict[str, Any]:
        a = self.amendments.get(amendment)
        if a is None:
            raise NotFoundError(f"No amendment {amendment} on this proposal.", code="unknown_amendment")
        if a["status"] != "pending":
            raise InvalidTransitionError(f"Amendment {amendment} is already {a['status']}.", code="amendment_not_pending")
        return a

    def accept_amendment(self, ctx: Ctx, amendment: str) -> None:
        """Accept an amendment (authors): its text merges, its amender becomes a co-author."""
        self._require_author(ctx, "decide on amendments")
        self._require_status(EDITABLE, "accept an amendment", code="proposal_not_editable")
        a = self._pending_amendment(amendment)
        merged = apply_amendment(getattr(self, a["field"]), a["operation"], a["text"], a["replaces"])
        check_text(a["field"], merged)  # the merged text keeps the field's limits (a title ≤ 300)
        self._amendment_accepted(amendment=amendment, field=a["field"], merged_text=merged, **ctx.stamp())

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

    def reject_amendment(self, ctx: Ctx, amendment: str, reason: str = "") -> None:
        """Reject an amendment (authors); the text does not change."""
        self._require_author(ctx, "decide on amendments")
        self._require_status(EDITABLE, "reject an amendment", code="proposal_not_editable")
        self._pending_amendment(amendment)
        self._amendment_rejected(amendment=amendment, reason=reason, **ctx.stamp())

    @event("AmendmentRejected")
    def _amendment_rejected(self, amendment: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.amendments[amendment]["status"] = "rejected"

    def withdraw_amendment(self, ctx: Ctx, amendment: str) -> None:
        """Withdraw an amendment (its amender only, while it is pending)."""
        a = self._pending_amendment(amendment)
        if ctx.actor != a["amender"]:
            raise NotAllowedError("Only the amender may withdraw an amendment.", code="not_the_amender")
        self._amendment_withdrawn(amendment=amendment, **ctx.stamp())

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

    # ------------------------------------------------------------------ liaison workflow
    def put_to_liaison_table(self, ctx: Ctx, endorsement_id: UUID) -> None:
        """Open the Liaison Table's review of the adopted version (saved with the round)."""
        self._require_status((ADOPTED,), "put to the Liaison Table", code="proposal_not_adopted")
        self._put_to_liaison_table(endorsement_id=str(endorsement_id), version=self.decided_version or 0, **ctx.stamp())

    @event("PutToLiaisonTable")
    def _put_to_liaison_table(self, endorsement_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.status = UNDER_LIAISON_REVIEW
        self.endorsement_id = endorsement_id

    def conclude_liaison_review(self, ctx: Ctx, endorsed: bool, tally: dict[str, int]) -> None:
        """Record the Liaison Table's outcome (saved with the closed round)."""
        self._require_status((UNDER_LIAISON_REVIEW,), "conclude the review of", code="proposal_not_under_review")
        if endorsed:
            self._endorsed(tally=tally, **ctx.stamp())
        else:
            self._not_endorsed(tally=tally, **ctx.stamp())

    @event("Endorsed")
    def _endorsed(self, tally: dict[str, int], actor: str, effective_date: date, command_id: str) -> None:
        self.status = ENDORSED

    @event("NotEndorsed")
    def _not_endorsed(self, tally: dict[str, int], actor: str, effective_date: date, command_id: str) -> None:
        self.status = NOT_ENDORSED

    def publish_to_governments(self, ctx: Ctx, recipients: list[str]) -> None:
        """Publish the endorsed recommendation to its addressees (the secretariat).

        ``recipients`` mixes "all governments of the region", LAC state codes and named
        addressees; it defaults to the proposal's targets in the application.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Only the secretariat publishes to governments.", code="secretariat_only")
        self._require_status((ENDORSED,), "publish", code="proposal_not_endorsed")
        check_targets(recipients)
        outside = [r for r in recipients if not self._is_target(r)]
        if outside:
            raise RuleViolationError(
                f"The recommendation as adopted is not addressed to {outside}; publish it to its targets.",
                code="recipient_not_a_target", field="recipients",
            )
        self._published(recipients=list(dict.fromkeys(recipients)), **ctx.stamp())

    def _is_target(self, recipient: str) -> bool:
        """Whether the adopted text addresses ``recipient`` (a LAC state is addressed by
        its code or through "all governments of the region")."""
        if recipient in self.targets:
            return True
        return ALL_GOVERNMENTS in self.targets and recipient in lac_states()

    @event("PublishedToGovernments")
    def _published(self, recipients: list[str], actor: str, effective_date: date, command_id: str) -> None:
        self.status = PUBLISHED
        self.recipients = list(recipients)
        self.published_on = effective_date

    def addressed_to(self, country: str) -> bool:
        """True when the publication addressed ``country`` by code or through all governments."""
        return country in self.recipients or ALL_GOVERNMENTS in self.recipients

    def record_government_response(
        self, ctx: Ctx, *, country: str, status: str, response: str, language: str = "es",
        responding_entity: str = "", response_date: date | None = None,
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
            code or through "all governments of the region"), ``response_before_publication``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Only the secretariat records government responses.", code="secretariat_only")
        self._require_status((PUBLISHED,), "record a government response to", code="proposal_not_published")
        if country not in lac_states():
            raise InvalidInputError(f"{country!r} is not a LAC state code.", code="unknown_country", field="country")
        if not self.addressed_to(country):
            raise RuleViolationError(f"{country} was not an addressee of this recommendation.", code="not_an_addressee", field="country")
        if status not in GOVERNMENT_RESPONSE_STATUSES:
            raise InvalidInputError(
                f"Response status must be one of {list(GOVERNMENT_RESPONSE_STATUSES)}.", code="unknown_response_status", field="status"
            )
        check_text("response", response)
        if not re.fullmatch(r"[a-z]{2,3}", language or ""):
            raise InvalidInputError("The response's language is an ISO 639 code such as es, en, pt, fr, nl or ht.", code="unknown_language", field="language")
        answered = response_date or ctx.effective_date
        if answered > ctx.effective_date:
            raise InvalidInputError("A response is recorded once received, not with a future date.", code="response_in_future", field="response_date")
        if self.published_on is not None and answered < self.published_on:
            raise RuleViolationError(
                f"A response answers the publication of {self.published_on}; it cannot be dated earlier.",
                code="response_before_publication", field="response_date",
            )
        self._government_response_recorded(
            country=country, status=status, response=response, language=language,
            responding_entity=responding_entity, response_date=answered, **ctx.stamp(),
        )

    @event("GovernmentResponseRecorded")
    def _government_response_recorded(
        self, country: str, status: str, response: str, language: str, responding_entity: str,
        response_date: date, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.government_responses.append({"country": country, "status": status, "date": response_date})

    # ------------------------------------------------------------------ follow-up
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
        if not ctx.is_secretariat:
            raise NotAllowedError("Only the secretariat records follow-up.", code="secretariat_only")
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

    @event("FollowUpRecorded")
    def _follow_up_recorded(
        self, country: str, progress: str, note: str, progress_date: date, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.follow_ups.append({"country": country, "progress": progress, "date": progress_date})
