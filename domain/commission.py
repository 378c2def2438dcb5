"""The cross-cutting commission and its indicators (seed, footnote ii: "a cross-cutting
commission responsible for creating indicators to measure compliance/impact"; issue 19).

- The Liaison Table (the secretariat) **establishes** the commission once and appoints its
  members (:class:`Commission`, one per mechanism: :data:`COMMISSION_ID`), and may
  **appoint** a member later.
- A member **defines** an indicator for published recommendations (:class:`Indicator`):
  name, definition, unit, baseline with its date, target with its date, the
  disaggregations it is measured by (:data:`DISAGGREGATIONS`) and the states it covers.
- Members **record** measurements per state and period (``YYYY`` or ``YYYY-Qn``), each with
  its source (a public document or dataset, named and linked); a later measurement of the
  same state and period is a correction and the latest counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import (
    DomainError,
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)
from domain.ids import DIALOGUE_NS
from domain.reference import lac_states

COMMISSION_ID = uuid5(DIALOGUE_NS, "cross-cutting-commission")
DISAGGREGATIONS = ("sex", "age", "status")
PERIOD = re.compile(r"^\d{4}(-Q[1-4])?$")
MAX_NAME = 300  # an indicator's name, like a title
MAX_CATEGORY = 100  # a category of a breakdown (e.g. "women")
FIRST_PERIOD_YEAR = 1900
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class Commission(DialogueAggregate):
    """The cross-cutting commission: its reference and members."""

    @event("Established")
    def __init__(self, *, id: UUID, reference: str, members: list[str], actor: str, effective_date: date, command_id: str) -> None:
        self.reference = reference
        self.members = list(members)

    @classmethod
    def establish(cls, ctx: Ctx, *, reference: str, members: Sequence[UUID | str]) -> Commission:
        """Establish the commission with its members (the Liaison Table, as the secretariat).

        Raises:
            NotAllowedError: ``secretariat_only``.  Then the first of :func:`commission_problems`.
        """
        check_establisher(ctx)
        problems = commission_problems(reference, members)
        if problems:
            raise problems[0]
        names = list(dict.fromkeys(str(m) for m in members))
        return cls(id=COMMISSION_ID, reference=reference, members=names, **ctx.stamp())

    def is_member(self, participant_id: UUID | str) -> bool:
        return str(participant_id) in self.members

    def appoint_member(self, ctx: Ctx, participant_id: UUID | str) -> None:
        """The Liaison Table (the secretariat) appoints one more member after establishing it.

        Raises:
            NotAllowedError: ``secretariat_only``.  InvalidTransitionError: ``already_a_commission_member``.
        """
        check_establisher(ctx)
        if self.is_member(participant_id):
            raise InvalidTransitionError("This person is already a member of the commission.", code="already_a_commission_member", field="member")
        self._member_appointed(participant_id=str(participant_id), **ctx.stamp())

    @event("MemberAppointed")
    def _member_appointed(self, participant_id: str, actor: str, effective_date: date, command_id: str) -> None:
        self.members.append(participant_id)


def commission_problems(reference: str, members: Sequence[UUID | str]) -> list[DomainError]:
    """Every problem of the commission's content at once (reference, members): ``empty_text``
    (field ``commission``), ``no_members``."""
    found: list[DomainError] = []
    if not isinstance(reference, str) or not reference.strip():
        found.append(InvalidInputError("The commission has a reference.", code="empty_text", field="commission"))
    if not members:
        found.append(InvalidInputError("The commission has at least one member.", code="no_members", field="members"))
    return found


# A number of an indicator (a baseline, a target, a measurement and each category of its
# breakdown) has at most 12 digits before the decimal point (below a million millions either
# way: more than any count or amount of a state of the region), 6 after it and 15 in all; a
# bigger or finer one is a slip of the keyboard, which views, charts and progress would carry
# as data. Fifteen significant digits are what a float (as stored) holds exactly as typed:
# a number within these bounds is shown back as it was written.
MAX_MAGNITUDE = 10**12  # exclusive
MAX_DIGITS = len(str(MAX_MAGNITUDE)) - 1  # the digits before the point of the largest number below it
MAX_DECIMALS = 6
MAX_SIGNIFICANT = 15


def _number(value: Any, field: str) -> float:
    """``value`` as a float: a finite number (never a bool, NaN or an infinity, which no view
    or chart can hold) within :data:`MAX_MAGNITUDE`, :data:`MAX_DECIMALS` and :data:`MAX_SIGNIFICANT`."""
    if not _finite(value):
        raise InvalidInputError(f"Give the {field} as a finite number.", code="not_a_number", field=field)
    if not _bounded(value):
        raise InvalidInputError(f"The {field} {OUT_OF_RANGE}", code="number_out_of_range", field=field)
    return float(value)


OUT_OF_RANGE = (f"has at most {MAX_DIGITS} digits before the decimal point, {MAX_DECIMALS} after it "
                f"and {MAX_SIGNIFICANT} in all.")


def significant_digits(number: Decimal) -> int:
    """The digits ``number`` has as written, from its first digit that is not 0 to its last
    (its whole part's zeros count, its decimals' trailing zeros do not): 1 200 has 4,
    0,0012 has 2, 1,50 has 2; 0 has 1."""
    if not number:
        return 1
    sign, digits, exponent = abs(number).normalize().as_tuple()
    return len(digits) + max(int(exponent), 0)


def decimal_within_bounds(number: Decimal) -> bool:
    """Whether the finite ``number`` (as typed, before it is a float) is an indicator's number:
    below :data:`MAX_MAGNITUDE` either way, at most :data:`MAX_DECIMALS` decimals and
    :data:`MAX_SIGNIFICANT` significant digits."""
    if abs(number) >= MAX_MAGNITUDE:
        return False
    exponent = number.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -MAX_DECIMALS and significant_digits(number) <= MAX_SIGNIFICANT


def _bounded(value: int | float) -> bool:
    """Whether the finite number ``value`` is within the bounds as written: a float as its
    shortest form (``repr``: ``0.1`` has one decimal), the number the JSON or the form gave
    once read (a JSON number with more digits than a float holds arrives rounded)."""
    return decimal_within_bounds(Decimal(repr(float(value)) if isinstance(value, float) else value))


def _finite(value: Any) -> bool:
    """Whether ``value`` is a number a float holds (never a bool, NaN, an infinity or an
    integer too big for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _collect(found: list[DomainError], check: Any, *args: Any) -> None:
    try:
        check(*args)
    except DomainError as e:
        found.append(e)


def indicator_problems(
    *, reference: str, recommendations: Mapping[str, str], name: str, definition: str, unit: str, baseline: Any,
    baseline_date: date | None, target: Any, target_date: date | None, disaggregation: Sequence[str], states: Sequence[str],
) -> list[DomainError]:
    """Every problem of an indicator's content at once, in the order of the form (reference,
    recommendations, name, definition, unit, baseline and its date, target and its date,
    disaggregation, states): a person learns them in one answer. Empty when it may be
    defined; :meth:`Indicator.define` refuses with the first. ``recommendations`` maps each
    proposal id to its status.

    Codes: ``empty_text``, ``no_recommendation``, ``not_a_number``, ``number_out_of_range``, ``missing_date``,
    ``target_before_baseline``, ``unknown_disaggregation``, ``no_state``, ``unknown_state``
    (InvalidInputError); ``not_a_published_recommendation`` (RuleViolationError).
    """
    found: list[DomainError] = []

    def text(field: str, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            found.append(InvalidInputError(f"The indicator has a {field}.", code="empty_text", field=field))

    text("reference", reference)
    if not recommendations:
        found.append(InvalidInputError("An indicator follows at least one recommendation.", code="no_recommendation", field="recommendations"))
    elif any(status != "published" for status in recommendations.values()):
        found.append(RuleViolationError("Indicators follow published recommendations.", code="not_a_published_recommendation", field="recommendations"))
    for field, value in (("name", name), ("definition", definition), ("unit", unit)):
        text(field, value)
    if isinstance(name, str) and len(name) > MAX_NAME:
        found.append(InvalidInputError(f"The name is longer than {MAX_NAME} characters.", code="text_too_long", field="name", limit=MAX_NAME))
    for field, number, day in (("baseline", baseline, baseline_date), ("target", target, target_date)):
        _collect(found, _number, number, field)
        if day is None:
            found.append(InvalidInputError(f"The {field} has a date.", code="missing_date", field=f"{field}_date"))
    if baseline_date is not None and target_date is not None and target_date <= baseline_date:
        found.append(InvalidInputError("The target's date comes after the baseline's.", code="target_before_baseline", field="target_date"))
    if any(d not in DISAGGREGATIONS for d in disaggregation):
        found.append(InvalidInputError(f"Disaggregations are among {list(DISAGGREGATIONS)}.", code="unknown_disaggregation", field="disaggregation"))
    if not states:
        found.append(InvalidInputError("The indicator applies to at least one state.", code="no_state", field="states"))
    elif any(s not in lac_states() for s in states):
        found.append(InvalidInputError("States are LAC states by their ISO code.", code="unknown_state", field="states"))
    return found


class Indicator(DialogueAggregate):
    """One indicator of compliance or impact and its measurements."""

    @event("Defined")
    def __init__(
        self, *, id: UUID, reference: str, recommendations: list[str], name: str, definition: str, unit: str,
        baseline: float, baseline_date: date, target: float, target_date: date, disaggregation: list[str], states: list[str],
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.reference = reference
        self.recommendations = list(recommendations)
        self.states = list(states)
        self.disaggregation = list(disaggregation)
        self.measurements: dict[str, float] = {}  # "state/period" → the latest value

    @classmethod
    def define(
        cls, ctx: Ctx, *, id: UUID, reference: str, commission: Commission | None, recommendations: Mapping[str, str],
        name: str, definition: str, unit: str, baseline: Any, baseline_date: date, target: Any, target_date: date,
        disaggregation: Sequence[str], states: Sequence[str],
    ) -> Indicator:
        """Define an indicator (a member of the commission). ``recommendations`` maps each
        proposal id to its status (read by the application).

        Raises:
            NotAllowedError: ``not_a_commission_member``.  RuleViolationError: ``no_commission``;
            then the first of :func:`indicator_problems`.
        """
        if commission is None:
            raise RuleViolationError("The cross-cutting commission is not established yet.", code="no_commission")
        if not commission.is_member(ctx.actor):
            raise NotAllowedError("Members of the cross-cutting commission define indicators.", code="not_a_commission_member")
        problems = indicator_problems(
            reference=reference, recommendations=recommendations, name=name, definition=definition, unit=unit,
            baseline=baseline, baseline_date=baseline_date, target=target, target_date=target_date,
            disaggregation=disaggregation, states=states,
        )
        if problems:
            raise problems[0]
        base, goal = _number(baseline, "baseline"), _number(target, "target")
        return cls(
            id=id, reference=reference, recommendations=sorted(recommendations), name=name, definition=definition, unit=unit,
            baseline=base, baseline_date=baseline_date, target=goal, target_date=target_date,
            disaggregation=[d for d in DISAGGREGATIONS if d in disaggregation], states=list(dict.fromkeys(states)), **ctx.stamp(),
        )

    def record_measurement(
        self, ctx: Ctx, *, commission: Commission, state: str, period: str, value: Any,
        disaggregation: Mapping[str, Any] | None, source: Any,
    ) -> None:
        """Record the value of the indicator in ``state`` for ``period`` (a member).

        Raises:
            NotAllowedError: ``not_a_commission_member``.  Then the first of
            :meth:`measurement_problems`.
        """
        if not commission.is_member(ctx.actor):
            raise NotAllowedError("Members of the cross-cutting commission record measurements.", code="not_a_commission_member")
        problems = self.measurement_problems(
            state=state, period=period, value=value, disaggregation=disaggregation, source=source, today=ctx.effective_date,
        )
        if problems:
            raise problems[0]
        number, parts = _number(value, "value"), dict(disaggregation or {})
        self._measured(
            state=state, period=period, value=number, disaggregation=parts,
            source={"title": str(source["title"]), "url": str(source["url"])}, **ctx.stamp(),
        )

    def measurement_problems(
        self, *, state: str, period: Any, value: Any, disaggregation: Mapping[str, Any] | None, source: Any, today: date | None = None,
    ) -> list[DomainError]:
        """Every problem of a measurement's content at once, in the order of the form (state,
        period, value, disaggregation, source); empty when it may be recorded.

        A period's year is from 1900 to the year after ``today``'s (when given). A breakdown
        maps each of the indicator's disaggregations to its categories' finite numbers.

        Codes: ``state_not_covered`` (RuleViolationError), ``bad_measurement_period``,
        ``not_a_number``, ``number_out_of_range``, ``unknown_disaggregation``, ``bad_disaggregation``, ``bad_source``
        (InvalidInputError).
        """
        found: list[DomainError] = []
        if state not in self.states:
            found.append(RuleViolationError(f"This indicator covers {self.states}.", code="state_not_covered", field="state"))
        if not _sane_period(period, today):
            found.append(InvalidInputError("A period reads YYYY or YYYY-Qn, e.g. 2026 or 2026-Q3.", code="bad_measurement_period", field="period"))
        _collect(found, _number, value, "value")
        parts = disaggregation if isinstance(disaggregation, Mapping) else {}
        if disaggregation is not None and not isinstance(disaggregation, Mapping):
            found.append(InvalidInputError("A breakdown names its categories' numbers.", code="bad_disaggregation", field="disaggregation"))
        if any(k not in self.disaggregation for k in parts):
            found.append(InvalidInputError(f"This indicator is disaggregated by {self.disaggregation}.", code="unknown_disaggregation", field="disaggregation"))
        found.extend(_breakdown_problems({k: v for k, v in parts.items() if k in self.disaggregation}))
        if not isinstance(source, Mapping) or not str(source.get("title", "")).strip() or not URL.match(str(source.get("url", ""))):
            found.append(InvalidInputError("A measurement names its public source with a title and an http(s) link.", code="bad_source", field="source"))
        return found

    @event("MeasurementRecorded")
    def _measured(
        self, state: str, period: str, value: float, disaggregation: dict[str, Any], source: dict[str, str],
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.measurements[f"{state}/{period}"] = value


def _sane_period(period: Any, today: date | None) -> bool:
    """Whether ``period`` reads YYYY or YYYY-Qn with a year from 1900 to the year after ``today``."""
    if not isinstance(period, str) or not PERIOD.match(period):
        return False
    year = int(period[:4])
    return year >= FIRST_PERIOD_YEAR and (today is None or year <= today.year + 1)


def _breakdown_problems(parts: Mapping[str, Any]) -> list[DomainError]:
    """At most one ``bad_disaggregation`` (a breakdown that is not categories, or a category
    named by no text or by a long one), one ``not_a_number`` (a category's value that is no
    finite number: NaN, an infinity or one too big for a float) and one ``number_out_of_range``
    (a finite one beyond :func:`_bounded`)."""
    found: list[DomainError] = []
    shapes, numbers, bounded = True, True, True
    for categories in parts.values():
        if not isinstance(categories, Mapping):
            shapes = False
            continue
        for category, number in categories.items():
            shapes = shapes and isinstance(category, str) and 0 < len(category.strip()) <= MAX_CATEGORY
            numbers = numbers and _finite(number)
            bounded = bounded and (not _finite(number) or _bounded(number))
    if not shapes:
        found.append(InvalidInputError(
            f"A breakdown names each category (up to {MAX_CATEGORY} characters) with its number.", code="bad_disaggregation", field="disaggregation",
        ))
    if not numbers:
        found.append(InvalidInputError("Give each category of a breakdown as a finite number.", code="not_a_number", field="disaggregation"))
    if not bounded:
        found.append(InvalidInputError(
            f"Each category of a breakdown {OUT_OF_RANGE}",
            code="number_out_of_range", field="disaggregation",
        ))
    return found


def check_establisher(ctx: Ctx) -> None:
    """Raises NotAllowedError ``secretariat_only`` unless the secretariat acts (checked before
    anything else, so a participant learns nothing of the commission's state)."""
    if not ctx.is_secretariat:
        raise NotAllowedError("The Liaison Table, as the secretariat, establishes the commission.", code="secretariat_only")


def check_commission_absent(exists: bool) -> None:
    """Raises InvalidTransitionError ``commission_already_established`` when ``exists``."""
    if exists:
        raise InvalidTransitionError("The cross-cutting commission is already established.", code="commission_already_established")
