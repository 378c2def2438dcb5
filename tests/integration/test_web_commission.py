"""The cross-cutting commission's pages through HTTP (issue 19, "The commission"), on SQLite
and PostgreSQL: /commission (members named only to those who see names), the secretariat's
form establishing it, and the members' forms on a published recommendation's page (define
an indicator, record a measurement), each refused with what was typed and every problem at
once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from application.scenario.loader import ScenarioLoader
from domain.errors import DomainError, NotAllowedError
from projections import indicators as views
from projections import people as people_views
from tests.e2e.web_support import act_as, app_services, make_app, participant_id, post_form, visible

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "indicators"
INDICATOR = {
    "reference": "IND-9", "name": "Niñas y niños con acceso a la escuela", "definition": "Matrícula de niñas y niños migrantes.",
    "unit": "personas", "baseline": "100", "baseline_date": "2025-12-31", "target": "250,5", "target_date": "2028-12-31",
    "disaggregation": ["age"], "states": ["CO", "PE"],
}


@pytest.fixture
def site(services: Services) -> tuple[Flask, str]:
    """The indicators scenario: prop-a published, the commission (p-01, p-06), one indicator."""
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(services.app, FOLDER)
    loader.run()
    services.projector.catch_up()
    web = make_app(services.config.database_url, str(services.config.master_key), clock="2026-10-05")
    return web, str(loader.prop("prop-a"))


def as_participant(web: Flask, reference: str) -> FlaskClient:
    client = web.test_client()
    act_as(client, "participant", participant_id(web, reference))
    return client


def measurement_prefix(web: Flask) -> str:
    indicator = views.indicators(app_services(web).projector.engine)[0]
    return f"m-{indicator['id'][:8]}"


def measure(web: Flask, pid: str, **fields: str) -> Any:
    """p-06 (a member) sends the measurement form of the first indicator with ``fields``
    (state CO and a good source unless given)."""
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    good = {"state": "CO", "source_title": "Boletín", "source_url": "https://example.org/b.csv"}
    return post_form(
        as_participant(web, "p-06"), f"/proposals/{pid}", f"/proposals/{pid}/indicators/{iid}/measurements",
        prefix=measurement_prefix(web), **{**good, **fields},
    )


def test_the_public_sees_how_many_members_the_commission_has_never_who(site: tuple[Flask, str]) -> None:
    web, _ = site

    page = visible(web.test_client().get("/commission?lang=en"))

    assert "Reference cct-2026 · established on Jun 1, 2026" in page
    assert "2 members, appointed by the Liaison Table." in page
    assert "ind-regularisation" in page


def test_a_participant_sees_the_members_names(site: tuple[Flask, str]) -> None:
    web, _ = site
    directory = people_views.directory(app_services(web).projector.engine)
    names = [directory[participant_id(web, r)]["name"] for r in ("p-01", "p-06")]

    page = visible(as_participant(web, "p-03").get("/commission?lang=en"))
    public = visible(web.test_client().get("/commission?lang=en"))

    assert [f"{n} · appointed on Jun 1, 2026" in page for n in names] == [True, True]
    assert [n in public for n in names] == [False, False]


def test_only_members_of_the_commission_are_offered_the_indicator_forms(site: tuple[Flask, str]) -> None:
    web, pid = site

    member = visible(as_participant(web, "p-01").get(f"/proposals/{pid}?lang=en"))
    other = visible(as_participant(web, "p-03").get(f"/proposals/{pid}?lang=en"))
    public = visible(web.test_client().get(f"/proposals/{pid}?lang=en"))

    assert ("Define an indicator" in member, "Record a measurement" in member) == (True, True)
    assert ("Define an indicator" in other, "Record a measurement" in other) == (False, False)
    assert ("Define an indicator" in public, "Indicators of the cross-cutting commission" in public) == (False, True)


def test_the_recommendation_page_shows_the_progress_per_state_of_the_latest_period(site: tuple[Flask, str]) -> None:
    web, pid = site

    page = visible(web.test_client().get(f"/proposals/{pid}?lang=en"))

    assert "Progress toward the target per state (latest period)" in page
    assert "Colombia 2026-Q3 2,300 29 %" in page


def test_a_member_defines_an_indicator(site: tuple[Flask, str]) -> None:
    web, pid = site

    r = post_form(as_participant(web, "p-01"), f"/proposals/{pid}", f"/proposals/{pid}/indicators", prefix="ind", **INDICATOR)

    assert r.status_code == 302
    found = {i["reference"]: i for i in views.indicators(app_services(web).projector.engine)}
    assert (found["IND-9"]["target"], found["IND-9"]["states"], found["IND-9"]["recommendations"]) == (250.5, ["CO", "PE"], [pid])


def test_a_second_indicator_with_a_reference_already_used_is_refused(site: tuple[Flask, str]) -> None:
    web, pid = site

    r = post_form(
        as_participant(web, "p-01"), f"/proposals/{pid}", f"/proposals/{pid}/indicators", prefix="ind",
        **{**INDICATOR, "reference": "IND-REGULARISATION"},
    )

    assert r.status_code == 422
    assert 'id="ind-reference-error"' in r.get_data(as_text=True)
    assert [i["reference"] for i in views.indicators(app_services(web).projector.engine)] == ["ind-regularisation"]


def test_a_refused_indicator_comes_back_with_the_text_typed_and_every_problem(site: tuple[Flask, str]) -> None:
    web, pid = site
    bad = {**INDICATOR, "reference": " ", "baseline": "cien", "target_date": "2025-01-01", "states": []}

    r = post_form(as_participant(web, "p-01"), f"/proposals/{pid}", f"/proposals/{pid}/indicators", prefix="ind", **bad)

    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Niñas y niños con acceso a la escuela" in html and 'value="cien"' in html
    errors = [f'id="ind-{f}-error"' in html for f in ("reference", "baseline", "target_date", "states", "name")]
    assert errors == [True, True, True, True, False]
    assert [i["reference"] for i in views.indicators(app_services(web).projector.engine)] == ["ind-regularisation"]


@pytest.mark.parametrize(("language", "words"), [("es", "Tiene más de 300 caracteres."), ("en", "This is longer than 300 characters.")])
def test_a_too_long_indicator_name_is_refused_naming_its_own_limit_of_300_characters(
    site: tuple[Flask, str], language: str, words: str,
) -> None:
    web, pid = site

    r = post_form(as_participant(web, "p-01"), f"/proposals/{pid}", f"/proposals/{pid}/indicators?lang={language}", prefix="ind",
                  **{**INDICATOR, "name": "n" * 301})

    assert r.status_code == 422
    assert (words in visible(r), "20,000" in visible(r), "20.000" in visible(r)) == (True, False, False)
    assert [i["reference"] for i in views.indicators(app_services(web).projector.engine)] == ["ind-regularisation"]


def test_a_baseline_typed_as_nan_is_refused_and_later_writes_still_work(site: tuple[Flask, str]) -> None:
    web, pid = site
    member = as_participant(web, "p-01")

    r = post_form(member, f"/proposals/{pid}", f"/proposals/{pid}/indicators", prefix="ind", **{**INDICATOR, "baseline": "nan", "target": "inf"})
    after = post_form(member, f"/proposals/{pid}", f"/proposals/{pid}/indicators", prefix="ind", **INDICATOR)

    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert ('value="nan"' in html, 'id="ind-baseline-error"' in html, 'id="ind-target-error"' in html) == (True, True, True)
    assert after.status_code == 302
    assert sorted(i["reference"] for i in views.indicators(app_services(web).projector.engine)) == ["IND-9", "ind-regularisation"]


def test_someone_outside_the_commission_defines_no_indicator(site: tuple[Flask, str]) -> None:
    web, pid = site

    r = post_form(as_participant(web, "p-03"), f"/proposals/{pid}", f"/proposals/{pid}/indicators", prefix="ind", **INDICATOR)

    assert r.status_code == 422
    assert "Solo los integrantes de la comisión transversal definen indicadores" in visible(r)
    assert len(views.indicators(app_services(web).projector.engine)) == 1


def test_a_member_records_a_measurement(site: tuple[Flask, str]) -> None:
    web, pid = site
    prefix = measurement_prefix(web)
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]

    r = post_form(
        as_participant(web, "p-06"), f"/proposals/{pid}", f"/proposals/{pid}/indicators/{iid}/measurements", prefix=prefix,
        state="CO", period="2026-Q4", value="2600", source_title="Boletín", source_url="https://example.org/b.csv",
    )

    assert r.status_code == 302
    got = [(m["state"], m["period"], m["value"]) for m in views.measurements(app_services(web).projector.engine, iid) if m["period"] == "2026-Q4"]
    assert got == [("CO", "2026-Q4", 2600.0)]


RANGE = "Indique un número con 12 cifras como máximo antes de la coma decimal, 6 después y 15 en total."


@pytest.mark.parametrize(("value", "words"), [
    ("1000000000000", RANGE), ("2,1234567", RANGE),
    # An exponent is no way a person types a number here: refused as written, whatever its size.
    ("1e307", "1e307 no es un número tal como está escrito"), ("1e308", "1e308 no es un número tal como está escrito"),
])
def test_a_measurement_beyond_its_range_or_precision_is_refused_as_typed_and_nothing_stored(site: tuple[Flask, str], value: str, words: str) -> None:
    web, pid = site
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    before = views.measurements(app_services(web).projector.engine, iid)

    r = measure(web, pid, period="2027", value=value)

    assert (r.status_code, f'value="{value}"' in r.get_data(as_text=True)) == (422, True)
    assert words in visible(r)
    assert views.measurements(app_services(web).projector.engine, iid) == before


def test_a_refused_measurement_comes_back_with_the_text_typed_and_every_problem(site: tuple[Flask, str]) -> None:
    web, pid = site
    prefix = measurement_prefix(web)
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    before = views.measurements(app_services(web).projector.engine, iid)

    r = measure(web, pid, period="2026-H2", value="mucho", source_url="ftp://example.org/b.csv")

    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'value="2026-H2"' in html and 'value="ftp://example.org/b.csv"' in html
    assert [f'id="{prefix}-{f}-error"' in html for f in ("period", "value", "source_url", "state")] == [True, True, True, False]
    assert views.measurements(app_services(web).projector.engine, iid) == before


def test_a_member_records_a_measurement_with_its_breakdown_by_sex_and_status(site: tuple[Flask, str]) -> None:
    web, pid = site
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]

    r = measure(web, pid, period="2026-Q4", value="2600", breakdown_sex="mujeres: 1400\nhombres: 1200,5\n", breakdown_status="refugiadas: 300")

    assert r.status_code == 302
    got = [m["disaggregation"] for m in views.measurements(app_services(web).projector.engine, iid) if m["period"] == "2026-Q4"]
    assert got == [{"sex": {"mujeres": 1400, "hombres": 1200.5}, "status": {"refugiadas": 300}}]


def test_the_measurement_form_offers_a_breakdown_only_by_the_indicators_disaggregations(site: tuple[Flask, str]) -> None:
    web, pid = site

    page = visible(as_participant(web, "p-06").get(f"/proposals/{pid}?lang=en"))

    assert ("Breakdown by sex" in page, "Breakdown by migratory status" in page, "Breakdown by age" in page) == (True, True, False)


def test_a_refused_breakdown_comes_back_as_typed_with_every_problem_on_its_own_field(site: tuple[Flask, str]) -> None:
    web, pid = site
    prefix = measurement_prefix(web)
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    before = views.measurements(app_services(web).projector.engine, iid)

    r = measure(web, pid, period="2026-H2", value="2600", breakdown_sex="mujeres: muchas", breakdown_status="refugiadas: 300")

    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "mujeres: muchas</textarea>" in html
    assert [f'id="{prefix}-{f}-error"' in html for f in ("period", "breakdown_sex", "breakdown_status")] == [True, True, False]
    assert views.measurements(app_services(web).projector.engine, iid) == before


@pytest.fixture
def fresh(services: Services) -> tuple[Flask, list[str]]:
    """Two participants, no commission yet."""
    ids = [
        str(services.app.register_participant(
            reference=f"p-{n}", display_name=name, organisation_id=None, gender="woman", preferred_language="es", id=uuid4(),
        )) for n, name in (("1", "Ana Pérez"), ("2", "Bea Soto"))
    ]
    return make_app(services.config.database_url, str(services.config.master_key), clock="2026-06-01"), ids


def test_the_secretariat_establishes_the_commission_with_its_members(fresh: tuple[Flask, list[str]]) -> None:
    web, ids = fresh
    secretariat = web.test_client()
    act_as(secretariat, "secretariat")

    r = post_form(secretariat, "/commission", "/commission", prefix="cct", reference="CCT-1", members=ids)

    assert r.status_code == 302
    found = views.commission(app_services(web).projector.engine)
    assert found is not None
    assert (found["reference"], sorted(m["participant_id"] for m in found["members"])) == ("CCT-1", sorted(ids))


def test_a_refused_establishment_shows_every_problem_at_once(fresh: tuple[Flask, list[str]]) -> None:
    web, _ = fresh
    secretariat = web.test_client()
    act_as(secretariat, "secretariat")

    r = post_form(secretariat, "/commission", "/commission", prefix="cct", reference=" ")

    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert ('id="cct-reference-error"' in html, 'id="cct-members-error"' in html) == (True, True)
    assert views.commission(app_services(web).projector.engine) is None


def test_only_the_secretariat_establishes_the_commission(fresh: tuple[Flask, list[str]]) -> None:
    web, ids = fresh

    public = visible(web.test_client().get("/commission?lang=en"))
    participant = web.test_client()
    act_as(participant, "participant", ids[0])
    r = participant.post("/commission", data={"cct-command_id": str(uuid4()), "cct-reference": "CCT-1", "cct-members": ids})

    assert "Establish the commission" not in public
    assert r.status_code == 422
    assert views.commission(app_services(web).projector.engine) is None


def test_a_participant_establishing_an_established_commission_is_told_secretariat_only(
    site: tuple[Flask, str], services: Services,
) -> None:
    web, _ = site
    member = participant_id(web, "p-01")

    with pytest.raises(NotAllowedError) as refused:
        services.app.establish_commission(reference="cct-2", members=[member], actor=member)

    assert refused.value.code == "secretariat_only"


def test_the_secretariat_appoints_a_member_of_the_established_commission(site: tuple[Flask, str]) -> None:
    web, _ = site
    secretariat = web.test_client()
    act_as(secretariat, "secretariat")
    newcomer = participant_id(web, "p-03")

    r = post_form(secretariat, "/commission", "/commission/members", prefix="appoint", member=newcomer)

    assert r.status_code == 302
    assert views.is_member(app_services(web).projector.engine, newcomer)


def test_an_appointment_without_a_person_comes_back_with_its_problem(site: tuple[Flask, str]) -> None:
    web, _ = site
    secretariat = web.test_client()
    act_as(secretariat, "secretariat")
    before = views.commission(app_services(web).projector.engine)

    r = post_form(secretariat, "/commission", "/commission/members", prefix="appoint", member="")

    assert r.status_code == 422
    assert 'id="appoint-member-error"' in r.get_data(as_text=True)
    assert views.commission(app_services(web).projector.engine) == before


def test_a_participant_appoints_no_member_and_is_not_offered_the_form(site: tuple[Flask, str]) -> None:
    web, _ = site
    member = as_participant(web, "p-01")
    newcomer = participant_id(web, "p-03")

    page = visible(member.get("/commission?lang=en"))
    r = member.post("/commission/members", data={"appoint-command_id": str(uuid4()), "appoint-member": newcomer})

    assert "Appoint a member" not in page
    assert r.status_code == 422
    assert not views.is_member(app_services(web).projector.engine, newcomer)


def test_a_measurement_with_a_nan_breakdown_is_refused_and_never_stored(site: tuple[Flask, str], services: Services) -> None:
    web, _ = site
    indicator = views.indicators(services.projector.engine)[0]["id"]
    before = views.measurements(services.projector.engine, indicator)

    with pytest.raises(DomainError) as refused:
        services.app.record_measurement(
            indicator, state="CO", period="2026-Q3", value=10, disaggregation={"sex": {"women": float("nan")}},
            source={"title": "Boletín", "url": "https://example.org/b.csv"}, actor=participant_id(web, "p-06"),
        )

    services.projector.catch_up()
    assert (refused.value.code, views.measurements(services.projector.engine, indicator)) == ("not_a_number", before)


def test_a_refused_appointment_by_the_public_lists_nobody_and_says_why(site: tuple[Flask, str]) -> None:
    web, _ = site
    someone = participant_id(web, "p-03")
    name = people_views.directory(app_services(web).projector.engine)[someone]["name"]

    expired = web.test_client().post("/commission/members?lang=en", data={"appoint-member": "x"})
    refused = web.test_client().post("/commission/members?lang=en", data={"appoint-command_id": str(uuid4()), "appoint-member": "x"})

    assert expired.status_code in (400, 422) and refused.status_code == 422
    for r in (expired, refused):
        text = r.get_data(as_text=True)
        assert name not in text and "(p-03)" not in text and 'name="appoint-member"' not in text
    assert "secretariat" in visible(refused).lower()


def test_a_refused_establishment_by_a_participant_lists_nobody(fresh: tuple[Flask, list[str]]) -> None:
    web, ids = fresh
    participant = web.test_client()
    act_as(participant, "participant", ids[0])
    secretariat = web.test_client()
    act_as(secretariat, "secretariat")
    offered = secretariat.get("/commission?lang=en").get_data(as_text=True)

    r = participant.post("/commission?lang=en", data={"cct-command_id": str(uuid4()), "cct-reference": "CCT-1", "cct-members": ids})

    assert all(f'value="{i}"' in offered for i in ids)  # the secretariat's form lists them
    assert r.status_code == 422
    assert not any(f'value="{i}"' in r.get_data(as_text=True) for i in ids)
    assert 'name="cct-members"' not in r.get_data(as_text=True)


def test_a_breakdown_naming_a_category_twice_comes_back_asking_which_number_was_meant(site: tuple[Flask, str]) -> None:
    web, pid = site
    prefix = measurement_prefix(web)
    iid = views.indicators(app_services(web).projector.engine)[0]["id"]
    before = views.measurements(app_services(web).projector.engine, iid)

    r = measure(web, pid, period="2026", value="2600", breakdown_sex="mujeres: 10\nhombres: 5\nmujeres: 20")

    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'id="{prefix}-breakdown_sex-error"' in html and "mujeres: 20</textarea>" in html
    assert views.measurements(app_services(web).projector.engine, iid) == before
