"""Numbers typed in the commission's forms are read as the reader writes them (their
language's decimal mark and grouping, web/typed_numbers.py), through HTTP on SQLite and
PostgreSQL: what is stored, what comes back, and the ambiguous texts refused as typed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from projections import indicators as views
from tests.e2e.web_support import app_services, post_form, visible
from tests.integration.test_web_commission import INDICATOR, as_participant, measurement_prefix
from tests.integration.test_web_commission import site as site  # noqa: F401  (the fixture)


def measure_in(web: Flask, pid: str, language: str, **fields: str) -> Any:
    """p-06 (a member) sends the measurement form of the first indicator, reading the site in ``language``."""
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    good = {"state": "CO", "period": "2027", "source_title": "Boletín", "source_url": "https://example.org/b.csv"}
    return post_form(
        as_participant(web, "p-06"), f"/proposals/{pid}?lang={language}", f"/proposals/{pid}/indicators/{iid}/measurements?lang={language}",
        prefix=measurement_prefix(web), **{**good, **fields},
    )


def stored(web: Flask, period: str = "2027") -> list[Any]:
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    return [m["value"] for m in views.measurements(app_services(web).projector.engine, iid) if m["period"] == period]


@pytest.mark.parametrize(("language", "typed", "value"), [
    ("en", "1,200", 1200), ("en", "1,234.5", 1234.5), ("en", "1,5", 1.5),
    ("es", "1.234,5", 1234.5), ("es", "1.5", 1.5), ("es", "2,25", 2.25), ("es", "1.234.567", 1234567),
    ("pt", "1.234,5", 1234.5), ("pt", "1,500", 1.5), ("pt", "1.500", 1500),
    ("fr", "1 234,5", 1234.5), ("fr", "1\u202f234,5", 1234.5), ("fr", "1,500", 1.5), ("fr", "1.5", 1.5),
    ("es", "0,001", 0.001), ("es", "-0.125", -0.125), ("es", "1,2340", 1.234), ("es", "\u22125", -5),
])
def test_a_measurement_typed_as_the_reader_writes_numbers_is_stored_as_that_number(
    site: tuple[Flask, str], language: str, typed: str, value: float,  # noqa: F811
) -> None:
    web, pid = site

    r = measure_in(web, pid, language, value=typed)

    assert (r.status_code, stored(web)) == (302, [value])


@pytest.mark.parametrize(("language", "typed", "words"), [
    ("es", "1.500", "1.500 puede leerse como dos números: escriba 1500 o 1,5."),
    ("es", "1,500", "1,500 puede leerse como dos números: escriba 1500 o 1,5."),
    ("es", "2.000", "2.000 puede leerse como dos números: escriba 2000 o 2."),
    ("es", "2,050", "2,050 puede leerse como dos números: escriba 2050 o 2,05."),
    ("es", "1,234", "1,234 puede leerse como dos números: escriba 1234 o 1,2340."),
    ("fr", "1.500", "1.500 peut se lire comme deux nombres : écrivez 1500 ou 1,5."),
    ("en", "1.234,5", "1.234,5 is not a number as written here: write it like 1,234.5 or 1234.5."),
    ("es", "1,234.5", "1,234.5 no es un número tal como está escrito: escríbalo como 1.234,5 o 1234,5."),
    ("pt", "1.2.3", "1.2.3 não é um número tal como está escrito: escreva-o como 1.234,5 ou 1234,5."),
])
def test_a_measurement_written_ambiguously_is_refused_as_typed_naming_how_to_write_it(
    site: tuple[Flask, str], language: str, typed: str, words: str,  # noqa: F811
) -> None:
    web, pid = site

    r = measure_in(web, pid, language, value=typed)

    assert (r.status_code, f'value="{typed}"' in r.get_data(as_text=True), words in visible(r)) == (422, True, True)
    assert stored(web) == []


def test_a_breakdown_line_written_ambiguously_is_refused_on_its_field(site: tuple[Flask, str]) -> None:  # noqa: F811
    web, pid = site
    prefix = measurement_prefix(web)

    r = measure_in(web, pid, "es", value="2600", breakdown_sex="mujeres: 1.400\nhombres: 1200")

    html = r.get_data(as_text=True)
    assert (r.status_code, f'id="{prefix}-breakdown_sex-error"' in html, "mujeres: 1.400\nhombres: 1200</textarea>" in html) == (422, True, True)
    assert "1.400 puede leerse como dos números: escriba 1400 o 1,4." in visible(r)
    assert stored(web) == []


def test_an_english_baseline_of_1_250_is_stored_as_twelve_hundred_and_fifty_and_shown_back_as_the_reader_writes_it(
    site: tuple[Flask, str],  # noqa: F811
) -> None:
    web, pid = site
    member = as_participant(web, "p-01")

    r = post_form(member, f"/proposals/{pid}?lang=en", f"/proposals/{pid}/indicators?lang=en", prefix="ind",
                  **{**INDICATOR, "baseline": "1,250", "target": "5,000.5"})

    found = {i["reference"]: i for i in views.indicators(app_services(web).projector.engine)}
    assert (r.status_code, found["IND-9"]["baseline"], found["IND-9"]["target"]) == (302, 1250, 5000.5)
    assert "baseline 1,250 on Dec 31, 2025 · target 5,000.5 by Dec 31, 2028" in visible(member.get(f"/proposals/{pid}?lang=en"))
    assert "línea de base 1.250 el" in visible(member.get(f"/proposals/{pid}?lang=es"))


# Spaces group thousands in every language (break-it: "1 000" was refused in Spanish while the
# French form shows narrow no-break spaces); an exponent, underscores or another script's digits
# are no way a person types a number here, and are refused naming how to write it.
@pytest.mark.parametrize(("language", "typed", "value"), [
    ("es", "1 000", 1000), ("es", "1\u00a0000,5", 1000.5), ("es", "-1\u202f234\u202f567", -1234567),
    ("pt", "1 234,25", 1234.25), ("en", "1 000.5", 1000.5), ("fr", "12 000", 12000),
])
def test_a_measurement_grouped_with_spaces_is_stored_as_that_number(
    site: tuple[Flask, str], language: str, typed: str, value: float,  # noqa: F811
) -> None:
    web, pid = site

    r = measure_in(web, pid, language, value=typed)

    assert (r.status_code, stored(web)) == (302, [value])


@pytest.mark.parametrize(("language", "typed", "words"), [
    ("es", "1e5", "1e5 no es un número tal como está escrito: escríbalo como 1.234,5 o 1234,5."),
    ("en", "1_000", "1_000 is not a number as written here: write it like 1,234.5 or 1234.5."),
    ("es", "\u0661\u0662", "\u0661\u0662 no es un número tal como está escrito: escríbalo como 1.234,5 o 1234,5."),
    ("pt", "2E3", "2E3 não é um número tal como está escrito: escreva-o como 1.234,5 ou 1234,5."),
    ("es", "1 00", "1 00 no es un número tal como está escrito: escríbalo como 1.234,5 o 1234,5."),
    ("en", "0 001", "0 001 is not a number as written here: write it like 1,234.5 or 1234.5."),
    ("es", "1 000,500", "1 000,500 puede leerse como dos números: escriba 1000500 o 1000,5."),
])
def test_an_exponent_underscores_or_other_digits_are_refused_naming_how_to_write_the_number(
    site: tuple[Flask, str], language: str, typed: str, words: str,  # noqa: F811
) -> None:
    web, pid = site

    r = measure_in(web, pid, language, value=typed)

    assert (r.status_code, words in visible(r)) == (422, True)
    assert stored(web) == []


def test_a_text_longer_than_any_number_is_refused_before_any_pattern_reads_it(
    site: tuple[Flask, str], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    import web.typed_numbers as typed_numbers

    class Unread:
        def fullmatch(self, text: str) -> None:
            raise AssertionError("a pattern read a text longer than any number")

    for name in ("_READABLE", "_NUMBERISH", "_SPACE_GROUPED", "_ONE_SEPARATOR"):
        monkeypatch.setattr(typed_numbers, name, Unread())
    web, pid = site

    r = measure_in(web, pid, "en", value="1" * 40_000 + "x")

    assert (r.status_code, "11111111111111111111… is not a number as written here" in visible(r)) == (422, True)
    assert stored(web) == []


def test_each_number_of_a_form_is_read_once(site: tuple[Flask, str], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    import web.commission_forms as commission_forms

    read: list[str] = []
    reader = commission_forms.read_number
    monkeypatch.setattr(commission_forms, "read_number", lambda text, language: read.append(text) or reader(text, language))
    web, pid = site

    r = measure_in(web, pid, "es", value="2600", breakdown_sex="mujeres: 1400\nhombres: 1200")

    assert (r.status_code, sorted(read)) == (302, sorted(["2600", " 1400", " 1200"]))


def test_the_range_of_a_number_is_worded_from_the_domains_bound() -> None:
    from domain.commission import MAX_DIGITS, MAX_MAGNITUDE, _number
    from domain.errors import InvalidInputError

    with pytest.raises(InvalidInputError) as refused:
        _number(MAX_MAGNITUDE, "value")

    assert len(str(MAX_MAGNITUDE - 1)) == MAX_DIGITS
    assert f"at most {MAX_DIGITS} digits before the decimal point" in refused.value.message


@pytest.mark.parametrize(("typed", "value", "shown"), [
    ("123.456.789.012,123", 123456789012.123, "123.456.789.012,123"),  # 15 significant digits, 12 + 3
    ("999.999.999.999,999", 999999999999.999, "999.999.999.999,999"),  # the largest number with 3 decimals
    ("123.456.789,123456", 123456789.123456, "123.456.789,123456"),  # 9 + 6
])
def test_a_number_of_15_significant_digits_is_stored_and_shown_back_as_typed(
    site: tuple[Flask, str], typed: str, value: float, shown: str,  # noqa: F811
) -> None:
    web, pid = site

    r = measure_in(web, pid, "es", value=typed)

    assert (r.status_code, stored(web)) == (302, [value])
    page = as_participant(web, "p-06").get(f"/proposals/{pid}?lang=es")
    assert shown in visible(page)


@pytest.mark.parametrize("typed", ["123 456 789 012,1234", "999 999 999 999,99999", "100 000 000 000,000001", "1234567890,123456"])
def test_a_number_of_more_than_15_significant_digits_is_refused_as_typed_and_nothing_stored(
    site: tuple[Flask, str], typed: str,  # noqa: F811
) -> None:
    web, pid = site
    before = stored(web)

    r = measure_in(web, pid, "es", value=typed)

    assert r.status_code == 422
    assert "Indique un número con 12 cifras como máximo antes de la coma decimal, 6 después y 15 en total." in visible(r)
    assert stored(web) == before


@pytest.mark.parametrize(("value", "accepted"), [
    (123456789012.123, True), (999999999999.999, True), (123456789.123456, True), (0.000001, True),
    (123456789012.1234, False), (1234567890.123456, False), (0.0000001, False), (10**12, False),
])
def test_the_domain_bounds_a_float_by_its_shortest_form(value: float, accepted: bool) -> None:
    from domain.commission import _number
    from domain.errors import InvalidInputError

    if accepted:
        assert _number(value, "value") == value
    else:
        with pytest.raises(InvalidInputError) as refused:
            _number(value, "value")
        assert refused.value.code == "number_out_of_range"
        assert "15 in all" in refused.value.message
