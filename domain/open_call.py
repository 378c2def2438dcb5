"""OpenCall: an open call for inputs on some GCM objectives, its inputs and their moderation.

Seed, "General principles" (transparency): "an open call for engagement to all relevant
stakeholders … providing an open and equal channel to receive relevant inputs"; issue 17,
"Open calls". The secretariat, or the facilitators of a table for their table, open a call
with a title, a text, the GCM objectives it is about, the languages it takes and its
opening and closing dates. Anyone sends an input while it is open: someone without an
account (actor ``public``) or a participant (who is referred to by id; none of their
personal fields is copied). Nothing of an input is public before moderation accepts it;
a rejection carries a category (:data:`REJECTION_CATEGORIES`) and a reason.

The contact address of someone without an account is personal data: it is a personal
field of ``InputSubmitted``, sealed by the application's mapper with the key of that
contributor (``contributor``, an id of its own per input), so that erasing the
contributor (``ContributorErased``, the key deleted in the same transaction) removes it
everywhere while the input's text, and the hash chain, stay.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ADMINISTRATOR, Ctx, DialogueAggregate, check_one_line
from domain.errors import (
    DomainError,
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
    RuleViolationError,
)
from domain.organisation import STAKEHOLDER_GROUPS
from domain.participant import LANGUAGES
from domain.reference import lac_states, table_objectives

REJECTION_CATEGORIES = ("spam", "abusive", "off_topic", "personal_data", "duplicate", "other")
DECISIONS = ("accept", "reject")
MAX_TITLE = 300
MAX_CALL_TEXT = 10_000
MAX_INPUT_TEXT = 5_000
MAX_NAME = 200
MAX_CONTACT = 254
MAX_REASON = 2_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def contributor_id(input_id: UUID | str) -> str:
    """The id of the contributor without an account who sent input ``input_id``: the
    owner of the key their contact address is sealed with (one per input)."""
    return str(uuid5(UUID(str(input_id)), "contributor"))


def normalise_contact(contact: str) -> str:
    return contact.strip().lower()


def _text(field: str, value: str, limit: int, *, required: bool = True) -> None:
    if required and not value.strip():
        raise InvalidInputError(f"The {field} is empty.", code="empty_text", field=field)
    check_one_line(field, value)
    if len(value) > limit:
        raise InvalidInputError(f"The {field} is longer than {limit} characters.", code="text_too_long", field=field, limit=limit)


def _text_problem(field: str, value: str, limit: int, *, required: bool = True) -> list[DomainError]:
    try:
        _text(field, value, limit, required=required)
    except InvalidInputError as e:
        return [e]
    return []


def call_problems(
    *, title: str, text: str, objectives: list[int], table: str | None, languages: list[str], opens_on: date | None,
    closes_on: date | None, today: date,
) -> list[DomainError]:
    """Every problem of a call's content at once, in the order :meth:`OpenCall.open`
    refuses with the first (a missing date is the form's to report: no problem of it here)."""
    found: list[DomainError] = []
    if table is not None and table not in table_objectives():
        found.append(InvalidInputError(f"Unknown working table {table!r}.", code="unknown_table", field="table"))
    found += _text_problem("title", title, MAX_TITLE) + _text_problem("text", text, MAX_CALL_TEXT)
    unknown = sorted(o for o in objectives if not 1 <= o <= 23)
    outside = sorted(set(objectives) - table_objectives()[table]) if table in table_objectives() else []
    if not objectives:
        found.append(InvalidInputError("A call names at least one GCM objective.", code="no_objective", field="objectives"))
    elif unknown:
        found.append(InvalidInputError(f"GCM objectives are numbered 1 to 23, not {unknown}.", code="unknown_objective", field="objectives"))
    elif outside:
        found.append(InvalidInputError(f"GCM objective(s) {outside} do not belong to {table}.", code="objective_not_in_table", field="objectives"))
    if not languages:
        found.append(InvalidInputError("A call takes inputs in at least one language.", code="no_language", field="languages"))
    elif any(lang not in LANGUAGES for lang in languages):
        found.append(InvalidInputError(f"Languages are among {list(LANGUAGES)}.", code="unknown_language", field="languages"))
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        found.append(InvalidInputError("A call closes on or after the day it opens.", code="closes_before_opens", field="closes_on"))
    elif closes_on is not None and closes_on < today:
        found.append(InvalidInputError("A call closes today or later.", code="call_closes_in_past", field="closes_on"))
    return found


def moderation_problems(*, decision: str, reason: str, category: str | None) -> list[DomainError]:
    """Every problem of a moderation's content at once (a rejection without its category nor
    its reason has both), in the order :meth:`OpenCall.moderate` refuses with the first."""
    if decision not in DECISIONS:
        return [InvalidInputError(f"The decision is one of {list(DECISIONS)}.", code="unknown_moderation_decision", field="decision")]
    found: list[DomainError] = []
    if decision == "reject":
        if not category:
            found.append(InvalidInputError("A rejection names its category.", code="category_required", field="category"))
        elif category not in REJECTION_CATEGORIES:
            found.append(InvalidInputError(f"The category is one of {list(REJECTION_CATEGORIES)}.", code="unknown_category", field="category"))
        if not reason.strip():
            found.append(InvalidInputError("A rejection gives its reason.", code="reason_required", field="reason"))
    elif category:
        found.append(InvalidInputError("Only a rejection has a category.", code="unknown_category", field="category"))
    if not any(e.field == "reason" for e in found):
        found += _text_problem("reason", reason, MAX_REASON, required=False)
    return found


class OpenCall(DialogueAggregate):
    """One call for inputs, with every input sent to it and its moderation."""

    @event("Opened")
    def __init__(
        self, *, id: UUID, reference: str, title: str, text: str, objectives: list[int], table: str | None,
        languages: list[str], opens_on: date, closes_on: date, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.reference = reference
        self.title = title
        self.text = text
        self.objectives = list(objectives)
        self.table = table
        self.languages = list(languages)
        self.opens_on = opens_on
        self.closes_on = closes_on
        self.closed = False
        self.inputs: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(
        cls, ctx: Ctx, *, id: UUID, reference: str, title: str, text: str, objectives: list[int], table: str | None,
        languages: list[str], opens_on: date, closes_on: date, facilitator: bool = False,
    ) -> OpenCall:
        """Open a call (the secretariat, or a facilitator of ``table`` for their table:
        ``facilitator`` says whether the actor holds one of its seats today).

        Raises:
            NotAllowedError: ``secretariat_only`` (no table), ``not_a_facilitator``.
            InvalidInputError: ``unknown_table``, ``empty_text``, ``text_too_long``, ``no_objective``,
            ``unknown_objective``, ``objective_not_in_table``, ``no_language``, ``unknown_language``,
            ``closes_before_opens``, ``call_closes_in_past``.
        """
        if table is not None and table not in table_objectives():
            raise InvalidInputError(f"Unknown working table {table!r}.", code="unknown_table", field="table")
        if not ctx.is_secretariat:
            if table is None:
                raise NotAllowedError("Only the secretariat opens a call for the whole mechanism.", code="secretariat_only")
            if not facilitator:
                raise NotAllowedError(f"Only the facilitators of {table} or the secretariat open a call for it.", code="not_a_facilitator")
        problems = call_problems(
            title=title, text=text, objectives=objectives, table=table, languages=languages, opens_on=opens_on, closes_on=closes_on,
            today=ctx.effective_date,
        )
        if problems:
            raise problems[0]
        return cls(
            id=id, reference=reference, title=title, text=text, objectives=sorted(set(objectives)), table=table,
            languages=list(dict.fromkeys(languages)), opens_on=opens_on, closes_on=closes_on, **ctx.stamp(),
        )

    # ------------------------------------------------------------------ inputs
    def is_open_on(self, day: date) -> bool:
        return not self.closed and self.opens_on <= day <= self.closes_on

    def submit_input(
        self, ctx: Ctx, *, input_id: UUID | str, text: str, organisation_name: str, country: str,
        stakeholder_group: str, language: str, contact: str | None = None,
    ) -> None:
        """Record an input sent by someone without an account (``ctx.actor`` is ``public``)
        or by a participant (``ctx.actor`` is their id; the application checks they exist).

        Raises:
            InvalidTransitionError: ``call_closed``, ``outside_call_dates``.
            InvalidInputError: ``language_not_accepted``, ``empty_text``, ``text_too_long``,
            ``unknown_country``, ``unknown_stakeholder_group``, ``invalid_email``, ``duplicate_input``.
            RuleViolationError: ``one_input_per_contact``.
        """
        public = ctx.is_public
        if not public and (ctx.is_secretariat or ctx.actor == ADMINISTRATOR):
            raise NotAllowedError("An input is sent by a person: the public or a participant.", code="not_allowed")
        if self.closed:
            raise InvalidTransitionError("This call is closed.", code="call_closed")
        if not self.opens_on <= ctx.effective_date <= self.closes_on:
            raise InvalidTransitionError(
                f"This call takes inputs from {self.opens_on} to {self.closes_on}.", code="outside_call_dates", field="call"
            )
        problems = self.input_problems(
            text=text, organisation_name=organisation_name, country=country, stakeholder_group=stakeholder_group,
            language=language, contact=contact, public=public,
        )
        if problems:
            raise problems[0]
        contact = (contact or "").strip() or None
        key = str(input_id)
        if key in self.inputs:
            raise InvalidInputError("An input with this id already exists.", code="duplicate_input", field="input")
        if self._sender_has_sent(None if public else ctx.actor, contact):
            raise RuleViolationError(
                "One input per contact address (or participant) per call, unless moderation allows more.",
                code="one_input_per_contact", field="contact",
            )
        self._input_submitted(
            input_id=key, participant=None if public else ctx.actor, contributor=contributor_id(key) if public else None,
            text=text, organisation_name=organisation_name.strip(), country=country, stakeholder_group=stakeholder_group,
            language=language, contact=contact, **ctx.stamp(),
        )

    def input_problems(
        self, *, text: str, organisation_name: str, country: str, stakeholder_group: str, language: str,
        contact: str | None, public: bool,
    ) -> list[DomainError]:
        """Every problem of an input's content at once, in the order :meth:`submit_input`
        refuses with the first (``public``: sent by someone without an account)."""
        found: list[DomainError] = []
        if language not in self.languages:
            found.append(InvalidInputError(
                f"This call takes inputs in {', '.join(self.languages)}.", code="language_not_accepted", field="language"
            ))
        found += _text_problem("text", text, MAX_INPUT_TEXT) + _text_problem("organisation_name", organisation_name, MAX_NAME, required=False)
        if country not in lac_states():
            found.append(InvalidInputError("The country is a LAC state's ISO code.", code="unknown_country", field="country"))
        if stakeholder_group not in STAKEHOLDER_GROUPS:
            found.append(InvalidInputError(f"Unknown stakeholder group {stakeholder_group!r}.", code="unknown_stakeholder_group", field="stakeholder_group"))
        contact = (contact or "").strip() or None
        if contact is not None and (not public or len(contact) > MAX_CONTACT or not EMAIL.match(contact)):
            found.append(InvalidInputError(
                "The contact is an e-mail address (participants are reached through their account).", code="invalid_email", field="contact",
            ))
        return found

    def _sender_has_sent(self, participant: str | None, contact: str | None) -> bool:
        """Whether this participant (or contact address) already sent an input that
        moderation did not allow more after."""
        for i in self.inputs.values():
            if i["allow_more"]:
                continue
            if participant is not None and i["participant"] == participant:
                return True
            if contact is not None and i["contact"] is not None and normalise_contact(i["contact"]) == normalise_contact(contact):
                return True
        return False

    @event("InputSubmitted")
    def _input_submitted(
        self, input_id: str, participant: str | None, contributor: str | None, text: str, organisation_name: str,
        country: str, stakeholder_group: str, language: str, contact: str | None, actor: str, effective_date: date,
        command_id: str,
    ) -> None:
        self.inputs[input_id] = {
            "participant": participant, "contributor": contributor, "text": text, "organisation_name": organisation_name,
            "country": country, "stakeholder_group": stakeholder_group, "language": language, "contact": contact,
            "submitted_on": effective_date, "status": "pending", "category": None, "allow_more": False,
            "erased": False, "proposals": [],
        }

    def input(self, input_id: UUID | str) -> dict[str, Any]:
        """The input ``input_id`` of this call.

        Raises:
            NotFoundError: no such input in this call.
        """
        found = self.inputs.get(str(input_id))
        if found is None:
            raise NotFoundError(f"No input with id {input_id}.", field="input")
        return found

    # ------------------------------------------------------------------ moderation
    def moderate(
        self, ctx: Ctx, *, input_id: UUID | str, decision: str, reason: str, category: str | None = None,
        allow_more: bool = False, facilitator: bool = False,
    ) -> None:
        """Accept or reject an input (the secretariat, or a facilitator of the call's table:
        ``facilitator`` says whether the actor holds one of its seats today). A rejection
        needs a category and a reason; ``allow_more`` lets the same sender send another input.

        Raises:
            NotAllowedError: ``not_a_moderator``.  NotFoundError: no such input.
            InvalidTransitionError: ``already_moderated``.
            InvalidInputError: ``unknown_moderation_decision``, ``category_required``, ``unknown_category``,
            ``reason_required``, ``text_too_long``.
        """
        if not (ctx.is_secretariat or (facilitator and self.table is not None)):
            raise NotAllowedError("Only the secretariat, or the facilitators of the call's table, moderate inputs.", code="not_a_moderator")
        found = self.input(input_id)
        if found["status"] != "pending":
            raise InvalidTransitionError(f"This input was already moderated ({found['status']}).", code="already_moderated", field="input")
        problems = moderation_problems(decision=decision, reason=reason, category=category)
        if problems:
            raise problems[0]
        self._moderated(
            input_id=str(input_id), decision=decision, reason=reason.strip(), category=category if decision == "reject" else None,
            allow_more=bool(allow_more), **ctx.stamp(),
        )

    @event("InputModerated")
    def _moderated(
        self, input_id: str, decision: str, reason: str, category: str | None, allow_more: bool, actor: str,
        effective_date: date, command_id: str,
    ) -> None:
        i = self.inputs[input_id]
        i["status"] = "accepted" if decision == "accept" else "rejected"
        i["category"] = category
        i["allow_more"] = allow_more

    def link(self, ctx: Ctx, *, input_id: UUID | str, proposal_id: UUID | str) -> None:
        """Record that a proposal draws on an accepted input (the application checks that
        the actor is an author or co-author of the proposal).

        Raises:
            NotFoundError: no such input.
            InvalidTransitionError: ``input_not_accepted``.  RuleViolationError: ``already_linked``.
        """
        found = self.input(input_id)
        if found["status"] != "accepted":
            raise InvalidTransitionError(f"Only accepted inputs feed proposals; this one is {found['status']}.", code="input_not_accepted", field="input")
        if str(proposal_id) in found["proposals"]:
            raise RuleViolationError("This proposal already draws on this input.", code="already_linked", field="input")
        self._linked(input_id=str(input_id), proposal_id=str(proposal_id), **ctx.stamp())

    @event("InputLinked")
    def _linked(self, input_id: str, proposal_id: str, actor: str, effective_date: date, command_id: str) -> None:
        self.inputs[input_id]["proposals"].append(proposal_id)

    # ------------------------------------------------------------------ closing and erasure
    def is_due(self, today: date) -> bool:
        return not self.closed and today > self.closes_on

    def close(self, ctx: Ctx, *, facilitator: bool = False) -> None:
        """Close the call: the secretariat (also as the deadline job), or a facilitator of
        its table.

        Raises:
            NotAllowedError: ``not_a_facilitator``.  InvalidTransitionError: ``call_closed``.
        """
        if not (ctx.is_secretariat or (facilitator and self.table is not None)):
            raise NotAllowedError("Only the secretariat, or the facilitators of the call's table, close it.", code="not_a_facilitator")
        if self.closed:
            raise InvalidTransitionError("This call is already closed.", code="call_closed")
        self._closed(due=ctx.effective_date > self.closes_on, **ctx.stamp())

    @event("Closed")
    def _closed(self, due: bool, actor: str, effective_date: date, command_id: str) -> None:
        self.closed = True

    def erase_contributor(self, ctx: Ctx, *, input_id: UUID | str, reason: str = "") -> str:
        """Record the erasure of the contact of the person without an account who sent
        ``input_id`` (the secretariat or an administrator); returns the contributor id,
        whose key the application deletes in the same transaction.

        Raises:
            NotAllowedError: ``not_allowed``.  NotFoundError: no such input.
            InvalidTransitionError: ``not_a_contributor`` (a participant's input), ``already_erased``.
        """
        if not (ctx.is_secretariat or ctx.actor == ADMINISTRATOR):
            raise NotAllowedError("Only the secretariat or an administrator erases a contributor's data.", code="not_allowed")
        found = self.input(input_id)
        if found["contributor"] is None:
            raise InvalidTransitionError("A participant's input holds no contact: erase the participant instead.", code="not_a_contributor", field="input")
        if found["erased"]:
            raise InvalidTransitionError("This contributor's data is already erased.", code="already_erased")
        self._contributor_erased(input_id=str(input_id), contributor=found["contributor"], reason=reason, **ctx.stamp())
        return str(found["contributor"])

    @event("ContributorErased")
    def _contributor_erased(self, input_id: str, contributor: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.inputs[input_id]["erased"] = True
        self.inputs[input_id]["contact"] = None


# The mapper seals these fields of this event with the key of the contributor it names
# (``personal_key_field``); an input by a participant names none and holds no contact.
OpenCall.InputSubmitted.personal_fields = ("contact",)  # type: ignore[attr-defined]
OpenCall.InputSubmitted.personal_key_field = "contributor"  # type: ignore[attr-defined]
