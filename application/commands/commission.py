"""Commands of the cross-cutting commission and its indicators (seed, footnote ii; issue 19;
:mod:`domain.commission`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from application.core import ApplicationCore, _uuid
from application.references import indicator_reference_taken
from application.retry import event_of
from domain.base import SECRETARIAT
from domain.commission import (
    COMMISSION_ID,
    Commission,
    Indicator,
    check_commission_absent,
    check_establisher,
    commission_problems,
    indicator_problems,
)
from domain.errors import DomainError, InvalidInputError, RuleViolationError


class CommissionCommands(ApplicationCore):
    """Establish the commission, define indicators, record measurements."""

    def commission(self) -> Commission | None:
        """The cross-cutting commission (None before it is established)."""
        return self._get(Commission, COMMISSION_ID, "commission") if self._exists(COMMISSION_ID) else None

    def indicator(self, indicator_id: UUID | str) -> Indicator:
        return self._get(Indicator, indicator_id, "indicator")

    def _statuses(self, recommendations: Sequence[UUID | str]) -> dict[str, str]:
        """Each recommendation's status by id (NotFoundError for an unknown one)."""
        return {str(p.id): str(p.status) for p in (self.proposal(r) for r in recommendations)}

    def _indicator_reference_taken(self, reference: str) -> bool:
        with self.engine.connect() as c:
            return indicator_reference_taken(c, reference)

    def _reference_taken(self, reference: str) -> DomainError | None:
        """The refusal of an indicator whose reference another already has (compared
        without case or surrounding spaces; one look-up in the definitions' index,
        :mod:`application.references`), else None."""
        if self._indicator_reference_taken(reference):
            return InvalidInputError(f"An indicator with the reference {reference.strip()} already exists.", code="already_registered", field="reference")
        return None

    def check_indicator(
        self, *, reference: str, recommendations: Sequence[UUID | str], name: str, definition: str, unit: str,
        baseline: Any, baseline_date: date | None, target: Any, target_date: date | None, disaggregation: Sequence[str],
        states: Sequence[str],
    ) -> list[DomainError]:
        """Every problem of an indicator's content at once, without writing anything
        (:func:`domain.commission.indicator_problems`): the forms ask it before
        :meth:`define_indicator`, which refuses with the first. Who may define is still
        checked on defining."""
        found = indicator_problems(
            reference=reference, recommendations=self._statuses(recommendations), name=name, definition=definition,
            unit=unit, baseline=baseline, baseline_date=baseline_date, target=target, target_date=target_date,
            disaggregation=list(disaggregation), states=list(states),
        )
        taken = self._reference_taken(reference)
        return [taken, *found] if taken is not None else found

    def check_measurement(
        self, indicator_id: UUID | str, *, state: str, period: str, value: Any, source: Mapping[str, Any],
        disaggregation: Mapping[str, Any] | None = None,
    ) -> list[DomainError]:
        """Every problem of a measurement's content at once, without writing anything
        (:meth:`Indicator.measurement_problems`); :meth:`record_measurement` refuses with
        the first."""
        return self.indicator(indicator_id).measurement_problems(
            state=state, period=period, value=value, disaggregation=disaggregation, source=source, today=self.clock.today(),
        )

    def check_commission(self, *, reference: str, members: Sequence[UUID | str]) -> list[DomainError]:
        """Every problem of the commission's content at once, without writing anything
        (:func:`domain.commission.commission_problems`); :meth:`establish_commission` refuses
        with the first."""
        return commission_problems(reference, members)

    def establish_commission(
        self, *, reference: str, members: Sequence[UUID | str], actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """The Liaison Table establishes the commission and appoints its members.

        Raises:
            NotAllowedError: ``secretariat_only`` (checked first).
            InvalidTransitionError: ``commission_already_established``.  RuleViolationError:
            ``participant_erased``.  NotFoundError: no such participant. (and every error of
            :meth:`Commission.establish`)
        """
        ctx = self.ctx(actor, command_id)
        check_establisher(ctx)
        check_commission_absent(self._exists(COMMISSION_ID))
        ids = [_uuid(m, "members") for m in members]
        for pid in ids:
            if self.participant(pid).erased:
                raise RuleViolationError("This person's data was erased.", code="participant_erased", field="members")
        c = Commission.establish(ctx, reference=reference, members=ids)
        self._save(ctx, c)
        return c.id

    def appoint_commission_member(self, participant_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """The Liaison Table (the secretariat) appoints one more member of the established commission.

        Raises:
            NotAllowedError: ``secretariat_only`` (checked first).  RuleViolationError:
            ``no_commission``, ``participant_erased``.  NotFoundError: no such participant.
            (and every error of :meth:`Commission.appoint_member`)
        """
        ctx = self.ctx(actor, command_id)
        check_establisher(ctx)
        c = self.commission()
        if c is None:
            raise RuleViolationError("The cross-cutting commission is not established yet.", code="no_commission")
        pid = _uuid(participant_id, "member")
        if self.participant(pid).erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased", field="member")
        c.appoint_member(ctx, pid)
        self._save(ctx, c)

    def define_indicator(
        self, *, indicator_id: UUID, reference: str, recommendations: Sequence[UUID | str], name: str, definition: str,
        unit: str, baseline: Any, baseline_date: date, target: Any, target_date: date, disaggregation: Sequence[str],
        states: Sequence[str], actor: str, command_id: str | None = None,
    ) -> UUID:
        """A member of the commission defines an indicator for published recommendations.

        Raises:
            InvalidInputError: ``already_registered`` (this id, or another indicator with this
            reference, also one defined at the same moment). NotFoundError: no such proposal.
            (and every error of :meth:`Indicator.define`)
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> UUID:
            if self._exists(indicator_id):
                raise InvalidInputError("This indicator already exists.", code="already_registered")
            statuses = self._statuses(recommendations)
            i = Indicator.define(
                ctx, id=indicator_id, reference=reference, commission=self.commission(), recommendations=statuses, name=name,
                definition=definition, unit=unit, baseline=baseline, baseline_date=baseline_date, target=target,
                target_date=target_date, disaggregation=list(disaggregation), states=list(states),
            )
            if (taken := self._reference_taken(reference)) is not None:
                raise taken
            self._save(ctx, i)  # a definition of this reference saved meanwhile fails it on the references' key
            return i.id

        return self._retrying(attempt)  # checked again: ``already_registered``

    def record_measurement(
        self, indicator_id: UUID | str, *, state: str, period: str, value: Any, source: Mapping[str, Any],
        disaggregation: Mapping[str, Any] | None = None, actor: str, command_id: str | None = None,
    ) -> None:
        """A member records the indicator's value in a state for a period, with its source.
        Measurements of other states written at the same moment do not refuse it.

        Raises:
            RuleViolationError: ``no_commission``. (and every error of :meth:`Indicator.record_measurement`)
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> None:
            commission = self.commission()
            if commission is None:
                raise RuleViolationError("The cross-cutting commission is not established yet.", code="no_commission")
            i = self.indicator(indicator_id)
            i.record_measurement(ctx, commission=commission, state=state, period=period, value=value, disaggregation=disaggregation, source=source)
            self._save(ctx, i)

        self._retrying(attempt, own_change=event_of(Indicator, "MeasurementRecorded", state=state, period=period))
