"""Election pages through HTTP (issue 19), on SQLite and PostgreSQL: the secretariat opens an
election, members stand and vote, the secretariat closes it; candidacies' answers and
ballots are shown to the table's members only, the result to everyone; a refused form
comes back with what the person typed."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID, uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import elections as election_views
from tests.e2e.web_support import act_as, app_services, make_app, post_form, visible

PEOPLE = {"ana": "woman", "bea": "woman", "carlos": "man", "dario": "man", "eva": "woman", "outsider": "man"}
CRITERIA = {
    "networks": "Red de casas del migrante", "coordination": "Coordiné la red nacional", "availability": "Dos días al mes",
    "advocacy_levels": ["local", "regional"], "subregion": "central_america", "sector": "migrant_organisation",
}


@pytest.fixture
def world(services: Services) -> tuple[Flask, dict[str, str]]:
    """RT1 with five members (quorum 3) and one outsider; the web app on the same database."""
    app = services.app
    for code in ("RT1", "RT2", "RT3", "RT4"):
        app.register_table(code)
    app.define_settings(values={"quorum": 3})
    ids = {}
    for name, gender in PEOPLE.items():
        ids[name] = str(app.register_participant(
            reference=name, display_name=name.capitalize(), organisation_id=None, gender=gender, preferred_language="es", id=uuid4(),
        ))
        if name != "outsider":
            app.join_table(ids[name], "RT1")
    web = make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-05")
    return web, ids


def as_(web: Flask, who: str, ids: dict[str, str]) -> FlaskClient:
    client = web.test_client()
    if who in ("secretariat", "public"):
        act_as(client, who)
    else:
        act_as(client, "participant", ids[who])
    return client


def set_day(web: Flask, day: date) -> None:
    app_services(web).app.clock.set(day)  # type: ignore[attr-defined]


def opened(web: Flask) -> str:
    r = post_form(
        as_(web, "secretariat", {}), "/elections", "/elections", prefix="open", table="RT1", seats=["LT-RT1-A", "LT-RT1-B"],
        term_start="2026-03-01", nominations_close="2026-01-31", voting_closes="2026-02-20",
    )
    assert r.status_code == 302
    return r.headers["Location"].rsplit("/", 1)[-1]


def stand(web: Flask, ids: dict[str, str], who: str, eid: str, **changes: object) -> object:
    fields = {**CRITERIA, **changes}
    return post_form(as_(web, who, ids), f"/elections/{eid}", f"/elections/{eid}/candidacy", prefix="stand", statement=f"Soy {who}", **fields)


def test_the_secretariat_opens_an_election_that_the_index_lists(world: tuple[Flask, dict[str, str]]) -> None:
    web, _ = world
    eid = opened(web)

    page = visible(web.test_client().get("/elections?lang=en"))

    assert "RT1: LT-RT1-A, LT-RT1-B · term from Mar 1, 2026 · nominations open" in page
    assert UUID(eid)


def summary_links(r: object) -> list[str]:
    return re.findall(r'<li><a href="#([^"]+)">', r.get_data(as_text=True))  # type: ignore[attr-defined]


def test_an_empty_opening_shows_the_seats_and_every_date_at_once(world: tuple[Flask, dict[str, str]]) -> None:
    web, _ids = world

    r = post_form(as_(web, "secretariat", {}), "/elections", "/elections?lang=es", prefix="open", table="RT1",
                  term_start="", nominations_close="", voting_closes="")

    assert r.status_code == 422
    assert "Una elección es para al menos uno de los puestos de la mesa." in visible(r)
    assert sorted(summary_links(r)) == ["open-nominations_close", "open-seats-LT-RT1-A", "open-term_start", "open-voting_closes"]


def test_a_seat_of_another_table_and_dates_out_of_order_are_told_at_once(world: tuple[Flask, dict[str, str]]) -> None:
    web, _ids = world

    r = post_form(as_(web, "secretariat", {}), "/elections", "/elections?lang=en", prefix="open", table="RT1", seats=["LT-RT2-A"],
                  term_start="2026-03-01", nominations_close="2026-02-20", voting_closes="2026-01-31")

    page = visible(r)
    assert r.status_code == 422
    assert "LT-RT2-A: seats of RT2, not of RT1." in page
    assert "Voting opens when nominations close and closes later." in page
    assert "Unknown Liaison Table seat" not in page
    assert election_views.elections(app_services(web).projector.engine) == []


def test_an_election_still_open_and_dates_out_of_order_are_told_at_once(world: tuple[Flask, dict[str, str]]) -> None:
    web, _ids = world
    opened(web)

    r = post_form(as_(web, "secretariat", {}), "/elections", "/elections?lang=en", prefix="open", table="RT1", seats=["LT-RT1-A"],
                  term_start="2026-03-01", nominations_close="2026-02-20", voting_closes="2026-01-31")

    page = visible(r)
    assert r.status_code == 422
    assert "is still open; close it first." in page
    assert "Voting opens when nominations close and closes later." in page
    assert len(election_views.elections(app_services(web).projector.engine)) == 1


def test_an_election_of_a_table_not_registered_is_refused_with_the_form_kept(services: Services) -> None:
    services.app.register_table("RT1")
    web = make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-05")

    r = post_form(as_(web, "secretariat", {}), "/elections", "/elections?lang=en", prefix="open", table="RT2", seats=["LT-RT2-A"],
                  term_start="2026-03-01", nominations_close="2026-01-31", voting_closes="2026-02-20")

    assert r.status_code == 422
    assert "Working table: RT2 is not registered yet: register the table before opening its elections." in visible(r)
    assert 'value="2026-03-01"' in r.get_data(as_text=True)  # type: ignore[attr-defined]
    assert election_views.elections(app_services(web).projector.engine) == []


def test_a_refused_candidacy_comes_back_with_the_text_typed_and_the_rule(world: tuple[Flask, dict[str, str]]) -> None:
    web, ids = world
    eid = opened(web)

    r = stand(web, ids, "ana", eid, availability=" ")

    page = r.get_data(as_text=True)  # type: ignore[attr-defined]
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "Red de casas del migrante" in page and "Soy ana" in page
    assert "Responda a cada criterio" in page
    assert election_views.candidacies(app_services(web).projector.engine, eid) == []


def test_a_candidacy_with_several_problems_shows_every_one_at_once(world: tuple[Flask, dict[str, str]]) -> None:
    web, ids = world
    eid = opened(web)

    r = post_form(
        as_(web, "ana", ids), f"/elections/{eid}", f"/elections/{eid}/candidacy", prefix="stand",
        **{**CRITERIA, "statement": " ", "availability": " ", "subregion": "mars", "sector": "nobody"},
    )

    html = r.get_data(as_text=True)  # type: ignore[attr-defined]
    assert r.status_code == 422  # type: ignore[attr-defined]
    shown = [f'id="stand-{f}-error"' in html for f in ("statement", "availability", "subregion", "sector", "networks")]
    assert shown == [True, True, True, True, False]
    assert election_views.candidacies(app_services(web).projector.engine, eid) == []


def test_a_candidacy_from_outside_the_table_is_refused(world: tuple[Flask, dict[str, str]]) -> None:
    web, ids = world
    eid = opened(web)

    r = stand(web, ids, "outsider", eid)

    assert r.status_code == 422  # type: ignore[attr-defined]
    assert election_views.candidacies(app_services(web).projector.engine, eid) == []


@pytest.fixture
def voted(world: tuple[Flask, dict[str, str]]) -> tuple[Flask, dict[str, str], str]:
    """Carlos, Dario and Ana stand; on 2026-02-05 four members vote; the men lead."""
    web, ids = world
    eid = opened(web)
    for who in ("carlos", "dario", "ana"):
        assert stand(web, ids, who, eid).status_code == 302  # type: ignore[attr-defined]
    set_day(web, date(2026, 2, 5))
    for voter, picks in {"carlos": ["carlos", "dario"], "dario": ["dario", "carlos"], "eva": ["carlos", "dario"], "bea": ["ana"]}.items():
        r = post_form(as_(web, voter, ids), f"/elections/{eid}", f"/elections/{eid}/ballot", prefix="ballot", choices=[ids[p] for p in picks])
        assert r.status_code == 302
    return web, ids, eid


def test_ballots_and_answers_are_shown_to_the_tables_members_only(voted: tuple[Flask, dict[str, str], str]) -> None:
    web, ids, eid = voted

    member = visible(as_(web, "bea", ids).get(f"/elections/{eid}?lang=en"))
    public = visible(web.test_client().get(f"/elections/{eid}?lang=en"))

    assert ("Bea: Ana" in member, "Red de casas del migrante" in member) == (True, True)
    assert ("Bea" in public, "Red de casas" in public, "Ballots" in public, "3 candidacies" in public) == (False, False, False, True)


def test_a_ballot_naming_more_candidates_than_seats_is_refused(voted: tuple[Flask, dict[str, str], str]) -> None:
    web, ids, eid = voted

    r = post_form(as_(web, "ana", ids), f"/elections/{eid}", f"/elections/{eid}/ballot", prefix="ballot", choices=[ids["ana"], ids["carlos"], ids["dario"]])

    assert r.status_code == 422
    assert "Una papeleta nombra como máximo tantas candidaturas como puestos hay." in visible(r)
    assert len(election_views.ballots(app_services(web).projector.engine, eid)) == 4


def test_closing_gives_the_second_seat_to_the_woman_and_publishes_the_result(voted: tuple[Flask, dict[str, str], str]) -> None:
    web, ids, eid = voted
    set_day(web, date(2026, 2, 20))
    secretariat = as_(web, "secretariat", ids)

    asked = post_form(secretariat, f"/elections/{eid}", f"/elections/{eid}/close")
    assert asked.status_code == 200 and "confirm" in asked.get_data(as_text=True)
    done = post_form(secretariat, f"/elections/{eid}", f"/elections/{eid}/close", confirm="yes")

    assert done.status_code == 302
    public = visible(web.test_client().get(f"/elections/{eid}?lang=en"))
    assert "LT-RT1-A representative of RT1 3 most votes LT-RT1-B representative of RT1 1 best placed who keeps gender parity" in public


def test_the_public_sees_whether_the_balance_holds_and_the_secretariat_its_counts(voted: tuple[Flask, dict[str, str], str]) -> None:
    web, ids, eid = voted

    public = visible(web.test_client().get(f"/elections/{eid}?lang=en"))
    member = visible(as_(web, "bea", ids).get(f"/elections/{eid}?lang=en"))
    secretariat = visible(as_(web, "secretariat", ids).get(f"/elections/{eid}?lang=en"))

    holds = "The subregional balance holds: no subregion would hold more than half of the eight seats."
    assert (holds in public, "to be elected here: 2" in public) == (True, False)
    assert "to be elected here: 2" not in member
    assert (holds in secretariat, "Vacant: 6 · to be elected here: 2 · not known: 0" in secretariat) == (True, True)


def test_what_waits_for_a_member_links_the_candidacy_then_the_ballot(world: tuple[Flask, dict[str, str]]) -> None:
    web, ids = world
    eid = opened(web)
    assert stand(web, ids, "carlos", eid).status_code == 302  # type: ignore[attr-defined]

    before = as_(web, "ana", ids).get("/me?lang=en").get_data(as_text=True)
    set_day(web, date(2026, 2, 5))
    during = as_(web, "ana", ids).get("/me?lang=en").get_data(as_text=True)

    assert (f'/elections/{eid}#stand-h' in before, f'/elections/{eid}#ballot-h' in before) == (True, False)
    assert (f'/elections/{eid}#stand-h' in during, f'/elections/{eid}#ballot-h' in during) == (False, True)
