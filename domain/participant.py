"""Participant: a person taking part in the mechanism, and the only holder of personal data.

docs/design.md, "Participant": display name, organisation, country, gender and preferred
language are personal data. They live only in this aggregate's own events, named in each
event class's ``personal_fields``; the application's mapper encrypts those fields with a
key of this participant, so that deleting the key erases them everywhere while the
history and its hash chain stay intact. A field whose key is gone reads as ``None``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import InvalidInputError, InvalidTransitionError, NotAllowedError

GENDERS = ("woman", "man", "non_binary", "prefer_not_to_say")
LANGUAGES = ("es", "en", "pt", "fr")
PERSONAL_FIELDS = ("display_name", "organisation_id", "gender", "preferred_language")


def pseudonym(participant_id: UUID | str) -> str:
    """A stable pseudonym shown where an erased person's name was (e.g. ``Participant 3f2a9c``)."""
    return f"Participant {str(participant_id).replace('-', '')[:6]}"


class Participant(DialogueAggregate):
    """A person; every other aggregate refers to them by id only."""

    @event("Registered")
    def __init__(
        self, *, id: UUID, reference: str, display_name: str | None, organisation_id: str | None,
        gender: str | None, preferred_language: str | None, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.reference = reference
        self.display_name = display_name
        self.organisation_id = organisation_id
        self.gender = gender
        self.preferred_language = preferred_language
        self.erased = False

    @classmethod
    def register(
        cls, ctx: Ctx, *, id: UUID, reference: str, display_name: str, organisation_id: UUID | None,
        gender: str, preferred_language: str,
    ) -> Participant:
        """Register a person (the secretariat or an administrator).

        Raises:
            InvalidInputError: ``empty_text``, ``unknown_gender``, ``unknown_language``.
        """
        if not ctx.is_secretariat and ctx.actor != "administrator":
            raise NotAllowedError("Only the secretariat registers participants.", code="secretariat_only")
        if not display_name.strip():
            raise InvalidInputError("A participant has a display name.", code="empty_text", field="display_name")
        if gender not in GENDERS:
            raise InvalidInputError(f"Gender is one of {list(GENDERS)}.", code="unknown_gender", field="gender")
        if preferred_language not in LANGUAGES:
            raise InvalidInputError(f"Language is one of {list(LANGUAGES)}.", code="unknown_language", field="preferred_language")
        return cls(
            id=id, reference=reference, display_name=display_name,
            organisation_id=str(organisation_id) if organisation_id else None,
            gender=gender, preferred_language=preferred_language, **ctx.stamp(),
        )

    def update_details(self, ctx: Ctx, changes: dict[str, Any]) -> None:
        """Change personal details (the person themselves or the secretariat)."""
        if not (ctx.acts_as(self.id) or ctx.is_secretariat):
            raise NotAllowedError("Only the person or the secretariat changes their details.", code="not_allowed")
        if self.erased:
            raise InvalidTransitionError("This person's data was erased.", code="participant_erased")
        unknown = set(changes) - set(PERSONAL_FIELDS)
        if unknown or not changes:
            raise InvalidInputError(f"Details are among {list(PERSONAL_FIELDS)}.", code="invalid_input")
        if "gender" in changes and changes["gender"] not in GENDERS:
            raise InvalidInputError(f"Gender is one of {list(GENDERS)}.", code="unknown_gender", field="gender")
        self._details_updated(
            display_name=changes.get("display_name"), organisation_id=changes.get("organisation_id"),
            gender=changes.get("gender"), preferred_language=changes.get("preferred_language"), **ctx.stamp(),
        )

    @event("DetailsUpdated")
    def _details_updated(
        self, display_name: str | None, organisation_id: str | None, gender: str | None,
        preferred_language: str | None, actor: str, effective_date: date, command_id: str,
    ) -> None:
        for f in PERSONAL_FIELDS:
            v = locals()[f]
            if v is not None:
                setattr(self, f, v)

    def erase(self, ctx: Ctx, reason: str = "") -> None:
        """Record the erasure of this person's data (the key is deleted in the same transaction)."""
        if not (ctx.acts_as(self.id) or ctx.is_secretariat or ctx.actor == "administrator"):
            raise NotAllowedError("Only the person, the secretariat or an administrator erases personal data.", code="not_allowed")
        if self.erased:
            raise InvalidTransitionError("This person's data is already erased.", code="already_erased")
        self._erased(reason=reason, **ctx.stamp())

    @event("PersonalDataErased")
    def _erased(self, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.erased = True
        for f in PERSONAL_FIELDS:
            setattr(self, f, None)


# The mapper encrypts these fields of these events with the participant's own key.
Participant.Registered.personal_fields = PERSONAL_FIELDS  # type: ignore[attr-defined]
Participant.DetailsUpdated.personal_fields = PERSONAL_FIELDS  # type: ignore[attr-defined]
