"""Commands on the reference data (working tables, settings) and on people: registration,
membership, erasure.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from application.core import ApplicationCore, _uuid
from domain.base import SECRETARIAT, Ctx
from domain.errors import (
    InvalidInputError,
    NotFoundError,
    RuleViolationError,
)
from domain.ids import table_id
from domain.organisation import Organisation
from domain.participant import Participant
from domain.reference import table_objectives
from domain.settings import SETTINGS_ID, MechanismSettings
from domain.working_table import WorkingTable


class PeopleCommands(ApplicationCore):
    """Commands on the reference data (working tables, settings) and on people: registration, membership, erasure."""

    # ------------------------------------------------------------------ reference data and people
    def register_table(self, code: str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> UUID:
        """Register working table ``code`` (idempotent per table: a second call is refused)."""
        ctx = self.ctx(actor, command_id)
        if self._exists(table_id(code)):
            raise InvalidInputError(f"{code} is already registered.", code="already_registered")
        t = WorkingTable.register(ctx, id=table_id(code), code=code)
        self._save(ctx, t)
        return t.id

    def define_settings(
        self, *, values: dict[str, Any] | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record the first version of the settings: ``values`` (e.g. a scenario's own
        settings) over the default rules."""
        ctx = self.ctx(actor, command_id)
        if self._exists(SETTINGS_ID):
            raise InvalidInputError("The settings are already defined.", code="already_registered")
        self._save(ctx, MechanismSettings.define(ctx, values))

    def change_setting(self, name: str, value: Any, *, actor: str = SECRETARIAT, command_id: str | None = None) -> int:
        """Change one setting; returns the new settings version."""
        ctx = self.ctx(actor, command_id)
        try:
            settings = self._get(MechanismSettings, SETTINGS_ID, "settings")
        except NotFoundError:
            settings = MechanismSettings.define(ctx)
        settings.change(ctx, name, value)
        self._save(ctx, settings)
        return int(settings.version)

    def register_organisation(
        self, *, reference: str, name: str, stakeholder_group: str, country: str, languages: list[str],
        id: UUID | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        ctx = self.ctx(actor, command_id)
        org = Organisation.register(
            ctx, id=id or uuid4(), reference=reference, name=name, stakeholder_group=stakeholder_group,
            country=country, languages=languages,
        )
        self._save(ctx, org)
        return org.id

    def register_participant(
        self, *, reference: str, display_name: str, organisation_id: UUID | None, gender: str, preferred_language: str,
        id: UUID | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        ctx = self.ctx(actor, command_id)
        if organisation_id is not None:
            self._get(Organisation, organisation_id, "organisation")
        pid = id or uuid4()

        def attempt() -> UUID:
            self.check_reference_free(reference)
            p = Participant.register(
                ctx, id=pid, reference=reference, display_name=display_name, organisation_id=organisation_id,
                gender=gender, preferred_language=preferred_language,
            )
            self._save(ctx, p)  # a registration of this reference saved meanwhile fails it on the references' key
            return p.id

        return self._retrying(attempt)  # checked again: ``already_registered``

    def join_table(self, participant_id: UUID | str, table: str, *, actor: str | None = None, command_id: str | None = None) -> None:
        """The participant joins ``table`` (acting for themselves unless the secretariat acts)."""
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor or str(pid), command_id)
        p = self.participant(pid)
        if p.erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased")
        t = self.table(table)
        t.join(ctx, pid)
        self._save(ctx, t)

    def leave_table(self, participant_id: UUID | str, table: str, *, actor: str | None = None, command_id: str | None = None) -> None:
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor or str(pid), command_id)
        t = self.table(table)
        t.leave(ctx, pid)
        self._save(ctx, t)

    # ------------------------------------------------------------------ personal data
    def erase_participant(self, participant_id: UUID | str, *, reason: str = "", actor: str = "administrator", command_id: str | None = None) -> list[str]:
        """Erase a person's personal data (docs/design.md, "Participant"; issue 4: right to erasure).

        One transaction saves, in this order: a ``SeatVacated`` (recorded as the
        secretariat, reason ``personal data erased``) for every term the person holds
        today or was elected to for later and a ``MemberLeft`` for every table they belong
        to, their ``PersonalDataErased`` event, and the deletion of their
        key; nothing is saved when any of it is refused. Returns the seats vacated
        (e.g. ``["LT-RT1-A"]``).

        Raises:
            NotFoundError: no such participant.
            NotAllowedError: ``not_allowed`` (only the person, the secretariat or an administrator).
            InvalidTransitionError: ``already_erased``.
        """
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor, command_id)
        p = self.participant(pid)
        p.erase(ctx, reason)
        vctx = Ctx(actor=SECRETARIAT, effective_date=ctx.effective_date, command_id=ctx.command_id)
        tables: list[WorkingTable] = []
        seats: list[str] = []
        for code in sorted(table_objectives()):
            try:
                t = self.table(code)
            except NotFoundError:
                continue  # a table not registered yet holds no seats
            vacated = t.vacate_terms_of(vctx, pid, "personal data erased")
            member = str(pid) in t.members
            if member:
                t.leave(vctx, pid)  # no longer counted by the table (quorum, majority, views)
            if vacated or member:
                tables.append(t)
                seats.extend(vacated)
        self._save(ctx, *tables, p, erase_key=str(pid))
        return seats

