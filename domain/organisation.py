"""Organisation: a member organisation of the mechanism. Organisations are public
(docs/design.md, "Organisation"); the link between a person and an organisation is not."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import InvalidInputError, NotAllowedError
from domain.reference import lac_states

STAKEHOLDER_GROUPS = (
    "migrants", "migrant_organisation", "diaspora_organisation", "migrant_womens_organisation",
    "womens_rights_organisation", "faith_based", "private_sector", "trade_union", "nhri",
    "academia", "media", "local_authority", "other",
)


class Organisation(DialogueAggregate):
    @event("Registered")
    def __init__(
        self, *, id: UUID, reference: str, name: str, stakeholder_group: str, country: str, subregion: str,
        languages: list[str], actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.reference = reference
        self.name = name
        self.stakeholder_group = stakeholder_group
        self.country = country
        self.subregion = subregion
        self.languages = list(languages)

    @classmethod
    def register(
        cls, ctx: Ctx, *, id: UUID, reference: str, name: str, stakeholder_group: str, country: str, languages: list[str]
    ) -> Organisation:
        """Register an organisation (the secretariat); the subregion follows the country (UN M49).

        Raises:
            InvalidInputError: ``empty_text``, ``unknown_stakeholder_group``, ``unknown_country``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Only the secretariat registers organisations.", code="secretariat_only")
        if not name.strip():
            raise InvalidInputError("An organisation has a name.", code="empty_text", field="name")
        if stakeholder_group not in STAKEHOLDER_GROUPS:
            raise InvalidInputError(f"Unknown stakeholder group {stakeholder_group!r}.", code="unknown_stakeholder_group", field="stakeholder_group")
        state = lac_states().get(country)
        if state is None:
            raise InvalidInputError(f"{country!r} is not a LAC state code.", code="unknown_country", field="country")
        return cls(
            id=id, reference=reference, name=name, stakeholder_group=stakeholder_group, country=country,
            subregion=state.subregion, languages=list(languages), **ctx.stamp(),
        )
