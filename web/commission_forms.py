"""The forms of the cross-cutting commission (issue 19, "The commission"): establishing it
with its members and appointing one later (the Liaison Table, through the secretariat), defining an indicator on a
published recommendation's page and recording a measurement (its members). Shape only: the
rules are the application's (:mod:`application.commands.commission`), whose ``check_*``
list every problem of the content at once.

Numbers are text fields, so that a refused one comes back as typed; :func:`number` reads
them as the reader writes numbers (:mod:`web.typed_numbers`), each once, with the problems
of those written ambiguously or unreadably (:func:`read_numbers`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from web.forms import CommandForm, lf
from web.i18n import current_language
from web.translate import gettext as _
from web.translate import lazy_gettext as _l
from web.typed_numbers import read_number

# The codes of domain.commission.DISAGGREGATIONS, in its order.
DISAGGREGATION_LABELS = {"sex": _l("sex"), "age": _l("age"), "status": _l("migratory status")}


@dataclass(frozen=True)
class Numbers:
    """The numbers typed in a form, each read once (:func:`read_numbers`): ``values`` by
    field and ``breakdown`` by disaggregation and category, for the application (the text
    itself where it is no number or is refused, so that nothing is guessed), and
    ``problems``, the reader's words on each field holding a number written ambiguously or
    unreadably, naming how to write it."""

    values: dict[str, Any]
    breakdown: dict[str, dict[str, Any]]
    problems: dict[str, list[str]]


def read_numbers(form: Any, fields: Sequence[str], dimensions: Sequence[str] = ()) -> Numbers:
    """The numbers of ``fields`` and the breakdown typed for each of ``dimensions`` that has
    any line (``category: number`` a line; a line without its colon keeps its text as the
    category and no number, so the application names the problem), each read once in the
    reader's locale (:func:`web.typed_numbers.read_number`)."""
    language = current_language()
    values: dict[str, Any] = {}
    parts: dict[str, dict[str, Any]] = {}
    problems: dict[str, list[str]] = {}
    for name in fields:
        reading = read_number(getattr(form, name).data, language)
        values[name] = reading.value
        if reading.problem is not None:
            problems[name] = [reading.problem]
    for dimension in dimensions:
        lines = [line.strip() for line in (getattr(form, f"breakdown_{dimension}").data or "").splitlines() if line.strip()]
        for line in lines:
            category, colon, value = line.rpartition(":") if ":" in line else (line, "", "")
            typed = read_number(value, language) if colon else None
            parts.setdefault(dimension, {})[category.strip()] = typed.value if typed else ""
            if typed is not None and typed.problem is not None:
                problems.setdefault(f"breakdown_{dimension}", []).append(typed.problem)
    return Numbers(values, parts, problems)


class CommissionForm(CommandForm):
    """The Liaison Table establishes the commission and appoints its members."""

    reference = StringField(_l("Reference of the commission"), filters=[lf])
    members = SelectMultipleField(_l("Members"), choices=[], validate_choice=False, validators=[Optional()])


class AppointForm(CommandForm):
    """The Liaison Table appoints one more member of the established commission."""

    member = SelectField(_l("Person to appoint"), choices=[], validate_choice=False)


class IndicatorForm(CommandForm):
    """A member of the commission defines an indicator for the recommendation of the page."""

    reference = StringField(_l("Reference of the indicator"), filters=[lf], description=_l("A short code, e.g. IND-1."))
    name = StringField(_l("Name"), filters=[lf])
    definition = TextAreaField(_l("Definition"), filters=[lf], description=_l("What is counted, and how."))
    unit = StringField(_l("Unit"), filters=[lf], description=_l("e.g. people, per cent, days."))
    baseline = StringField(_l("Baseline"), filters=[lf])
    baseline_date = DateField(_l("Date of the baseline"), validators=[Optional()])
    target = StringField(_l("Target"), filters=[lf])
    target_date = DateField(_l("Date of the target"), validators=[Optional()])
    disaggregation = SelectMultipleField(_l("Disaggregated by"), choices=[], validate_choice=False, validators=[Optional()])
    states = SelectMultipleField(_l("States it applies to"), choices=[], validate_choice=False, validators=[Optional()])


def repeated_categories(form: Any, dimensions: list[str]) -> dict[str, list[str]]:
    """The problem of each breakdown field that names a category twice (:func:`read_numbers`
    keeps one number a category, so the person is asked which one they meant)."""
    errs: dict[str, list[str]] = {}
    for dimension in dimensions:
        seen: set[str] = set()
        repeated: list[str] = []
        for line in (getattr(form, f"breakdown_{dimension}").data or "").splitlines():
            category = (line.rpartition(":")[0] if ":" in line else line).strip()
            if category and category in seen and category not in repeated:
                repeated.append(category)
            seen.add(category)
        if repeated:
            errs[f"breakdown_{dimension}"] = [_("Each category comes once; repeated: %(names)s.", names=", ".join(repeated))]
    return errs


class MeasurementForm(CommandForm):
    """A member of the commission records a measurement of one indicator, with its breakdown
    by each of the indicator's disaggregations (optional: ``breakdown_<code>``)."""

    state = SelectField(_l("State"), choices=[], validate_choice=False)
    period = StringField(_l("Period"), filters=[lf], description=_l("YYYY or YYYY-Qn, e.g. 2026 or 2026-Q3."))
    value = StringField(_l("Value"), filters=[lf])
    source_title = StringField(_l("Source"), filters=[lf], description=_l("The public document or dataset the value comes from."))
    source_url = StringField(_l("Link to the source"), filters=[lf], description=_l("Starting with https:// or http://."))
    breakdown_sex = TextAreaField(_l("Breakdown by sex"), filters=[lf], description=_l("Optional. One category a line with its number, e.g. women: 120."))
    breakdown_age = TextAreaField(_l("Breakdown by age"), filters=[lf], description=_l("Optional. One category a line with its number, e.g. 0-17: 45."))
    breakdown_status = TextAreaField(_l("Breakdown by migratory status"), filters=[lf], description=_l("Optional. One category a line with its number, e.g. refugees: 30."))
