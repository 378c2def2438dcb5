"""The cross-cutting commission and its indicators on the aggregates alone (issue 19,
"The commission"; docs/rules.md)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.commission import DISAGGREGATIONS, Commission, Indicator, indicator_problems
from domain.errors import DomainError
from projections.indicators import PROGRESS_BOUND, progress

MEMBER, OTHER = str(UUID(int=1)), str(UUID(int=2))
SOURCE = {"title": "Boletín estadístico", "url": "https://example.org/boletin.csv"}
DEFINITION: dict[str, Any] = {
    "reference": "ind-1", "recommendations": {str(UUID(int=9)): "published"}, "name": "Personas regularizadas",
    "definition": "Permisos de residencia otorgados por año", "unit": "personas", "baseline": 100, "baseline_date": date(2025, 12, 31),
    "target": 400, "target_date": date(2028, 12, 31), "disaggregation": ["status", "sex"], "states": ["CO", "MX"],
}


def ctx(actor: str) -> Ctx:
    return Ctx(actor=actor, effective_date=date(2026, 6, 1), command_id=f"t:{actor}")


def commission() -> Commission:
    return Commission.establish(ctx(SECRETARIAT), reference="cct", members=[MEMBER])


def indicator(**changes: Any) -> Indicator:
    return Indicator.define(ctx(MEMBER), id=UUID(int=50), commission=commission(), **{**DEFINITION, **changes})


def code_of(fn: Any) -> str:
    with pytest.raises(DomainError) as e:
        fn()
    return e.value.code


def test_only_the_secretariat_establishes_the_commission() -> None:
    assert code_of(lambda: Commission.establish(ctx(MEMBER), reference="cct", members=[MEMBER])) == "secretariat_only"


def test_an_indicator_keeps_its_disaggregations_in_the_documented_order() -> None:
    assert indicator().disaggregation == ["sex", "status"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"recommendations": {str(UUID(int=9)): "endorsed"}}, "not_a_published_recommendation"),
    ({"recommendations": {}}, "no_recommendation"),
    ({"target_date": date(2025, 1, 1)}, "target_before_baseline"),
    ({"baseline": "cien"}, "not_a_number"),
    ({"disaggregation": ["income"]}, "unknown_disaggregation"),
    ({"states": ["ES"]}, "unknown_state"),
    ({"states": []}, "no_state"),
    ({"name": "n" * 301}, "text_too_long"),
])
def test_a_bad_definition_is_refused(changes: dict[str, Any], code: str) -> None:
    assert code_of(lambda: indicator(**changes)) == code


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_baseline_or_target_that_is_no_finite_number_is_refused(value: float) -> None:
    assert code_of(lambda: indicator(baseline=value)) == "not_a_number"
    assert code_of(lambda: indicator(target=value)) == "not_a_number"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**400])
def test_a_measurement_that_is_no_finite_number_is_refused(value: float) -> None:
    i = indicator()

    got = code_of(lambda: i.record_measurement(
        ctx(MEMBER), commission=commission(), state="CO", period="2026", value=value, disaggregation=None, source=SOURCE,
    ))

    assert (got, i.measurements) == ("not_a_number", {})


def test_someone_outside_the_commission_defines_no_indicator() -> None:
    got = code_of(lambda: Indicator.define(ctx(OTHER), id=UUID(int=50), commission=commission(), **DEFINITION))

    assert got == "not_a_commission_member"


@pytest.mark.parametrize(("actor", "changes", "code"), [
    (MEMBER, {"state": "BR"}, "state_not_covered"),
    (OTHER, {}, "not_a_commission_member"),
    (MEMBER, {"period": "2026-H1"}, "bad_measurement_period"),
    (MEMBER, {"disaggregation": {"age": {"0-17": 3}}}, "unknown_disaggregation"),
    (MEMBER, {"period": "1899"}, "bad_measurement_period"),
    (MEMBER, {"period": "2028-Q1"}, "bad_measurement_period"),
    (MEMBER, {"disaggregation": {"sex": {"women": float("nan")}}}, "not_a_number"),
    (MEMBER, {"disaggregation": {"sex": {"women": float("inf")}}}, "not_a_number"),
    (MEMBER, {"disaggregation": {"sex": {"women": 10**400}}}, "not_a_number"),
    (MEMBER, {"disaggregation": {"sex": {"women": "diez"}}}, "not_a_number"),
    (MEMBER, {"disaggregation": {"sex": 12}}, "bad_disaggregation"),
    (MEMBER, {"disaggregation": {"sex": {"w" * 101: 3}}}, "bad_disaggregation"),
    (MEMBER, {"source": {"title": "Boletín", "url": "ftp://example.org/x"}}, "bad_source"),
])
def test_a_bad_measurement_is_refused(actor: str, changes: dict[str, Any], code: str) -> None:
    i = indicator()
    values: dict[str, Any] = {"state": "CO", "period": "2026-Q2", "value": 120, "disaggregation": None, "source": SOURCE, **changes}

    assert code_of(lambda: i.record_measurement(ctx(actor), commission=commission(), **values)) == code


def test_a_later_measurement_of_the_same_state_and_period_counts() -> None:
    i = indicator()
    for value in (120, 135):
        i.record_measurement(ctx(MEMBER), commission=commission(), state="CO", period="2026", value=value, disaggregation=None, source=SOURCE)

    assert i.measurements == {"CO/2026": 135.0}


def test_the_indicator_reference_is_required() -> None:
    assert code_of(lambda: indicator(reference="  ")) == "empty_text"


def test_indicator_problems_lists_every_problem_in_the_order_of_the_form() -> None:
    content = {**DEFINITION, "reference": "", "name": " ", "baseline": "cien", "target_date": None, "states": ["ES"]}

    found = [(e.field, e.code) for e in indicator_problems(**content)]

    assert found == [
        ("reference", "empty_text"), ("name", "empty_text"), ("baseline", "not_a_number"),
        ("target_date", "missing_date"), ("states", "unknown_state"),
    ]


def test_indicator_problems_is_empty_for_a_good_definition() -> None:
    assert indicator_problems(**DEFINITION) == []


def test_measurement_problems_lists_every_problem_at_once() -> None:
    found = indicator().measurement_problems(
        state="BR", period="2026-H1", value="mucho", disaggregation={"age": 3}, source={"title": "", "url": "https://x.org"},
    )

    assert [(e.field, e.code) for e in found] == [
        ("state", "state_not_covered"), ("period", "bad_measurement_period"), ("value", "not_a_number"),
        ("disaggregation", "unknown_disaggregation"), ("source", "bad_source"),
    ]


def test_a_measurement_with_several_problems_is_refused_with_the_first() -> None:
    got = code_of(lambda: indicator().record_measurement(
        ctx(MEMBER), commission=commission(), state="CO", period="26", value="x", disaggregation=None, source=SOURCE,
    ))

    assert got == "bad_measurement_period"


def test_the_forms_label_every_disaggregation_of_the_domain() -> None:
    from web.commission_forms import DISAGGREGATION_LABELS

    assert tuple(DISAGGREGATION_LABELS) == DISAGGREGATIONS


@pytest.mark.parametrize(("value", "baseline", "target", "expected"), [
    (150.0, 100.0, 200.0, 50),
    (1e307, 0.0, 1.0, PROGRESS_BOUND),
    (-1e308, 1e308, -1e308, 100),
    (-1e308, 0.0, 1.0, -PROGRESS_BOUND),
    (5.0, 3.0, 3.0, 0),
])
def test_progress_toward_the_target_is_a_bounded_whole_percent_even_for_huge_values(
    value: float, baseline: float, target: float, expected: int,
) -> None:
    assert progress(value, baseline, target) == expected


def test_the_secretariat_appoints_a_member_later_who_may_then_define_indicators() -> None:
    c = commission()
    c.appoint_member(ctx(SECRETARIAT), OTHER)

    defined = Indicator.define(ctx(OTHER), id=UUID(int=51), commission=c, **DEFINITION)

    assert (c.members, defined.reference) == ([MEMBER, OTHER], "ind-1")


def test_only_the_secretariat_appoints_a_member() -> None:
    assert code_of(lambda: commission().appoint_member(ctx(MEMBER), OTHER)) == "secretariat_only"


def test_a_member_is_not_appointed_twice() -> None:
    assert code_of(lambda: commission().appoint_member(ctx(SECRETARIAT), MEMBER)) == "already_a_commission_member"


@pytest.mark.parametrize("value", [10**12, 1e12, -1e12, 1e308, -1e300, 0.1234567, 1e-7, 0.1 + 0.2])
def test_a_measurement_beyond_its_range_or_precision_is_refused_and_nothing_recorded(value: float) -> None:
    i = indicator()

    got = code_of(lambda: i.record_measurement(
        ctx(MEMBER), commission=commission(), state="CO", period="2026", value=value, disaggregation=None, source=SOURCE,
    ))

    assert (got, i.measurements) == ("number_out_of_range", {})


@pytest.mark.parametrize("value", [999_999_999_999, -999_999_999_999.5, 0.000001, 12.123456, 0])
def test_a_measurement_within_its_range_and_precision_is_recorded(value: float) -> None:
    i = indicator()

    i.record_measurement(ctx(MEMBER), commission=commission(), state="CO", period="2026", value=value, disaggregation=None, source=SOURCE)

    assert i.measurements == {"CO/2026": float(value)}


@pytest.mark.parametrize("field", ["baseline", "target"])
def test_a_baseline_or_target_beyond_its_range_or_precision_is_refused(field: str) -> None:
    assert code_of(lambda: indicator(**{field: 1e308})) == "number_out_of_range"
    assert code_of(lambda: indicator(**{field: 2.0000001})) == "number_out_of_range"


def test_a_breakdown_category_beyond_its_range_is_refused_on_the_breakdown() -> None:
    found = indicator().measurement_problems(
        state="CO", period="2026", value=10, disaggregation={"sex": {"women": 1e13, "men": 4}}, source=SOURCE,
    )

    assert [(e.field, e.code) for e in found] == [("disaggregation", "number_out_of_range")]
