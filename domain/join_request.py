"""JoinRequests: the requests of people without an account to join the mechanism through a
working table, and their decisions (issue 17, "Requests to join the mechanism through a
table"; seed, "Membership": actors join "by contacting the Working Table(s) directly").

One aggregate per table (:func:`join_requests_id`) holds every request made to it, so that
one pending request per contact address and table is checked where the requests are. A
request's name, organisation, motivation and contact address are personal data: personal
fields of ``RequestMade``, sealed by the application's mapper with a key of that requester
(``requester``, an id of its own per request), erasable like a participant's.

The table's representatives in term, or the secretariat, accept or decline. A decline
names a listed ground (:data:`DECLINE_GROUNDS`) and a reason; an acceptance names the new
participant (registered by the application with the reference the decision gives, a
member of the table from that day, invited to create their account).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import ADMINISTRATOR, Ctx, DialogueAggregate, check_one_line
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
    RuleViolationError,
)
from domain.ids import DIALOGUE_NS
from domain.open_call import EMAIL, MAX_CONTACT, MAX_NAME, MAX_REASON, normalise_contact
from domain.organisation import STAKEHOLDER_GROUPS
from domain.participant import LANGUAGES
from domain.reference import lac_states

DECLINE_GROUNDS = ("not_a_stakeholder", "duplicate", "unverifiable")
JOIN_DECISIONS = ("accept", "decline")
MAX_MOTIVATION = 2_000
PERSONAL = ("display_name", "organisation_name", "motivation", "contact")


def join_requests_id(table: str) -> UUID:
    """The id of the requests to join working table ``table`` (one aggregate per table)."""
    return uuid5(DIALOGUE_NS, f"join-requests:{table}")


def requester_id(request_id: UUID | str) -> str:
    """The id of the person who made request ``request_id``: the owner of the key their
    personal data is sealed with (one per request)."""
    return str(uuid5(UUID(str(request_id)), "requester"))


def _text(field: str, value: str, limit: int, *, required: bool = True) -> None:
    if required and not value.strip():
        raise InvalidInputError(f"The {field} is empty.", code="empty_text", field=field)
    check_one_line(field, value)
    if len(value) > limit:
        raise InvalidInputError(f"The {field} is longer than {limit} characters.", code="text_too_long", field=field, limit=limit)


class JoinRequests(DialogueAggregate):
    """Every request to join one working table, with its decision."""

    @event("Started")
    def __init__(self, *, id: UUID, table: str, actor: str, effective_date: date, command_id: str) -> None:
        self.table = table
        self.requests: dict[str, dict[str, Any]] = {}

    @classmethod
    def start(cls, ctx: Ctx, table: str) -> JoinRequests:
        return cls(id=join_requests_id(table), table=table, **ctx.stamp())

    def request(
        self, ctx: Ctx, *, request_id: UUID | str, motivation: str, display_name: str, organisation_name: str,
        country: str, stakeholder_group: str, language: str, contact: str,
    ) -> None:
        """Record a request to join the table by someone without an account (``public``).

        Raises:
            NotAllowedError: ``not_allowed`` (only the public asks: participants join by themselves).
            InvalidInputError: ``empty_text``, ``text_too_long``, ``unknown_country``,
            ``unknown_stakeholder_group``, ``unknown_language``, ``invalid_email``, ``duplicate_request``.
            RuleViolationError: ``request_pending``.
        """
        if not ctx.is_public:
            raise NotAllowedError("Someone without an account asks to join; participants join tables by themselves.", code="not_allowed")
        _text("motivation", motivation, MAX_MOTIVATION)
        _text("display_name", display_name, MAX_NAME)
        _text("organisation_name", organisation_name, MAX_NAME, required=False)
        if country not in lac_states():
            raise InvalidInputError("The country is a LAC state's ISO code.", code="unknown_country", field="country")
        if stakeholder_group not in STAKEHOLDER_GROUPS:
            raise InvalidInputError(f"Unknown stakeholder group {stakeholder_group!r}.", code="unknown_stakeholder_group", field="stakeholder_group")
        if language not in LANGUAGES:
            raise InvalidInputError(f"Language is one of {list(LANGUAGES)}.", code="unknown_language", field="language")
        contact = contact.strip()
        if len(contact) > MAX_CONTACT or not EMAIL.match(contact):
            raise InvalidInputError("The contact is an e-mail address.", code="invalid_email", field="contact")
        key = str(request_id)
        if key in self.requests:
            raise InvalidInputError("A request with this id already exists.", code="duplicate_request", field="request")
        for r in self.requests.values():
            if r["status"] == "pending" and r["contact"] is not None and normalise_contact(r["contact"]) == normalise_contact(contact):
                raise RuleViolationError(
                    f"A request from this address to join {self.table} is already pending.", code="request_pending", field="contact"
                )
        self._made(
            request_id=key, requester=requester_id(key), motivation=motivation, display_name=display_name.strip(),
            organisation_name=organisation_name.strip(), country=country, stakeholder_group=stakeholder_group,
            language=language, contact=contact, **ctx.stamp(),
        )

    @event("RequestMade")
    def _made(
        self, request_id: str, requester: str, motivation: str, display_name: str, organisation_name: str, country: str,
        stakeholder_group: str, language: str, contact: str | None, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.requests[request_id] = {
            "requester": requester, "motivation": motivation, "display_name": display_name,
            "organisation_name": organisation_name, "country": country, "stakeholder_group": stakeholder_group,
            "language": language, "contact": contact, "made_on": effective_date, "status": "pending",
            "participant": None, "erased": False,
        }

    def get(self, request_id: UUID | str) -> dict[str, Any]:
        """Request ``request_id`` of this table.

        Raises:
            NotFoundError: no such request here.
        """
        found = self.requests.get(str(request_id))
        if found is None:
            raise NotFoundError(f"No request with id {request_id}.", field="request")
        return found

    def decide(
        self, ctx: Ctx, *, request_id: UUID | str, decision: str, reason: str, representative: bool,
        participant_id: UUID | None = None, ground: str | None = None,
    ) -> None:
        """Accept or decline a pending request (the secretariat, or a representative of
        this table in term: ``representative`` says whether the actor holds one of its
        seats today). An acceptance names the new participant's id; a decline a ground.

        Raises:
            NotAllowedError: ``not_a_representative``.  NotFoundError: no such request.
            InvalidTransitionError: ``request_decided``.
            InvalidInputError: ``unknown_join_decision``, ``ground_required``, ``unknown_ground``,
            ``reason_required``, ``text_too_long``, ``invalid_input`` (an acceptance without its participant).
        """
        if not (ctx.is_secretariat or representative):
            raise NotAllowedError(f"Only the representatives of {self.table} in term, or the secretariat, decide.", code="not_a_representative")
        found = self.get(request_id)
        if found["status"] != "pending":
            raise InvalidTransitionError(f"This request was already {found['status']}.", code="request_decided", field="request")
        if decision not in JOIN_DECISIONS:
            raise InvalidInputError(f"The decision is one of {list(JOIN_DECISIONS)}.", code="unknown_join_decision", field="decision")
        if decision == "decline":
            if not ground:
                raise InvalidInputError("A decline names its ground.", code="ground_required", field="ground")
            if ground not in DECLINE_GROUNDS:
                raise InvalidInputError(f"The ground is one of {list(DECLINE_GROUNDS)}.", code="unknown_ground", field="ground")
            if not reason.strip():
                raise InvalidInputError("A decline gives its reason.", code="reason_required", field="reason")
        elif participant_id is None:
            raise InvalidInputError("An acceptance names the new participant.", code="invalid_input", field="participant")
        _text("reason", reason, MAX_REASON, required=False)
        self._decided(
            request_id=str(request_id), decision=decision, ground=ground if decision == "decline" else None,
            reason=reason.strip(), participant=str(participant_id) if decision == "accept" else None, **ctx.stamp(),
        )

    @event("RequestDecided")
    def _decided(
        self, request_id: str, decision: str, ground: str | None, reason: str, participant: str | None, actor: str,
        effective_date: date, command_id: str,
    ) -> None:
        r = self.requests[request_id]
        r["status"] = "accepted" if decision == "accept" else "declined"
        r["participant"] = participant

    def erase_requester(self, ctx: Ctx, *, request_id: UUID | str, reason: str = "") -> str:
        """Record the erasure of the personal data of whoever made ``request_id`` (the
        secretariat or an administrator); returns the requester's id, whose key the
        application deletes in the same transaction.

        Raises:
            NotAllowedError: ``not_allowed``.  NotFoundError: no such request.
            InvalidTransitionError: ``already_erased``.
        """
        if not (ctx.is_secretariat or ctx.actor == ADMINISTRATOR):
            raise NotAllowedError("Only the secretariat or an administrator erases a requester's data.", code="not_allowed")
        found = self.get(request_id)
        if found["erased"]:
            raise InvalidTransitionError("This requester's data is already erased.", code="already_erased")
        self._requester_erased(request_id=str(request_id), requester=found["requester"], reason=reason, **ctx.stamp())
        return str(found["requester"])

    @event("RequesterErased")
    def _requester_erased(self, request_id: str, requester: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        r = self.requests[request_id]
        r["erased"] = True
        for f in PERSONAL:
            r[f] = None


# The mapper seals these fields with the key of the requester the event names.
JoinRequests.RequestMade.personal_fields = PERSONAL  # type: ignore[attr-defined]
JoinRequests.RequestMade.personal_key_field = "requester"  # type: ignore[attr-defined]
