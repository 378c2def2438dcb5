"""Working table pages through HTTP on the 2026-Q1 scenario (clock 2026-03-27): members
count, representatives and terms, activity per quarter, the secretariat's election and
vacancy forms, and a participant leaving or joining a table. Each form is shown working
(on the next page) and refused (422, naming the rule, nothing changed)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import tables as table_views
from tests.e2e.web_support import act_as, make_app, participant_id, post_form, visible

TABLES = ("RT1", "RT2", "RT3", "RT4")


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


def _holders(loaded: Services, table: str) -> dict[str, str]:
    """Seat → participant id of the terms in force on the scenario's last day."""
    return {r["seat"]: r["participant_id"] for r in table_views.representatives(loaded.projector.engine, on=date(2026, 3, 27)) if r["table_code"] == table}


def _secretariat(app: Flask) -> FlaskClient:
    client = app.test_client()
    act_as(client, "secretariat")
    return client


# ---------------------------------------------------------------------------- reading
@pytest.mark.parametrize("table", TABLES)
def test_each_table_shows_that_it_held_a_session_in_2026_q1(app: Flask, table: str) -> None:
    page = app.test_client().get(f"/tables/{table}?lang=en").get_data(as_text=True)

    row = re.search(r'<tr data-quarter="2026-Q1"><th scope="row">2026-Q1</th><td>(\w+)</td><td>(\d+)</td><td>(\d+)</td>', page)
    assert row is not None
    assert row.groups() == ("yes", "2", "2")


def test_the_tables_page_lists_the_activity_of_every_table_per_quarter(app: Flask) -> None:
    page = visible(app.test_client().get("/tables?lang=en"))

    assert len(re.findall(r"2026-Q1 : a session was held · 2 scheduled, 2 held", page)) == 4


def test_a_table_page_shows_its_members_count_and_its_representatives_terms(app: Flask, loaded: Services) -> None:
    members = len(table_views.members(loaded.projector.engine, "RT1"))

    page = visible(app.test_client().get("/tables/RT1?lang=en"))

    assert f"{members} members" in page
    assert "LT-RT1-A · representative of RT1 · term 2/1/26 – 1/31/27" in page
    assert "LT-RT1-B · representative of RT1 · term 2/1/26 – 1/31/27" in page


def test_the_secretariat_sees_the_representatives_names(app: Flask) -> None:
    page = visible(_secretariat(app).get("/tables/RT1?lang=en"))

    assert re.search(r"LT-RT1-B · \S[^·]+ · term 2/1/26", page)
    assert "LT-RT1-B · representative of RT1" not in page


# ---------------------------------------------------------------------------- vacate and elect
def test_the_secretariat_vacates_a_seat_and_the_page_shows_it_vacant(app: Flask, loaded: Services) -> None:
    client = _secretariat(app)

    r = post_form(client, "/tables/RT1", "/tables/RT1/vacate", seat="LT-RT1-A", reason="Renuncia por motivos personales", confirm="yes")

    assert r.status_code == 302
    page = visible(app.test_client().get("/tables/RT1?lang=en"))
    assert "LT-RT1-A · vacant" in page
    assert "vacated on Mar 27, 2026" in page
    assert "LT-RT1-A" not in _holders(loaded, "RT1")


def test_vacating_someone_elses_seat_is_refused_and_changes_nothing(app: Flask, loaded: Services) -> None:
    before = _holders(loaded, "RT1")
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-01"))  # a member of RT1, not its representative

    r = post_form(client, "/tables/RT1", "/tables/RT1/vacate?lang=en", seat="LT-RT1-A", reason="No soy yo", confirm="yes")

    assert r.status_code == 422
    assert "Only the secretariat or the holder vacates a seat." in visible(r)
    assert "not_allowed" in r.get_data(as_text=True)
    assert _holders(loaded, "RT1") == before


def test_the_secretariat_records_a_by_election_with_the_tables_votes(app: Flask, loaded: Services) -> None:
    client = _secretariat(app)
    post_form(client, "/tables/RT1", "/tables/RT1/vacate", seat="LT-RT1-A", reason="Renuncia", confirm="yes")
    woman = participant_id(app, "p-01")

    r = post_form(client, "/tables/RT1", "/tables/RT1/elections", prefix="elect", seat="LT-RT1-A", participant=woman,
                  term_start="2026-03-27", session="", votes_for="9", votes_against="1", votes_abstain="2")

    assert r.status_code == 302
    assert _holders(loaded, "RT1")["LT-RT1-A"] == woman
    public = visible(app.test_client().get("/tables/RT1?lang=en"))
    assert "LT-RT1-A · representative of RT1 · term 3/27/26 – 1/31/27 · by-election" in public
    assert "Lucía Quispe Mamani" in visible(client.get("/tables/RT1?lang=en"))


def test_an_election_breaking_gender_parity_is_refused_with_the_votes_kept(app: Flask, loaded: Services) -> None:
    client = _secretariat(app)
    post_form(client, "/tables/RT1", "/tables/RT1/vacate", seat="LT-RT1-A", reason="Renuncia", confirm="yes")
    man = participant_id(app, "p-41")  # the other seat, LT-RT1-B, is held by a man

    r = post_form(client, "/tables/RT1", "/tables/RT1/elections?lang=en", prefix="elect", seat="LT-RT1-A", participant=man,
                  term_start="2026-03-27", session="", votes_for="11", votes_against="3", votes_abstain="0")

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Gender parity: the two representatives of a table differ in gender and at least one is a woman." in visible(r)
    assert 'value="11"' in body and 'value="3"' in body
    assert "LT-RT1-A" not in _holders(loaded, "RT1")


def test_an_election_to_a_held_seat_is_refused_in_spanish_naming_the_rule(app: Flask, loaded: Services) -> None:
    before = _holders(loaded, "RT1")
    client = _secretariat(app)

    r = post_form(client, "/tables/RT1", "/tables/RT1/elections?lang=es", prefix="elect", seat="LT-RT1-A",
                  participant=participant_id(app, "p-01"), term_start="2026-03-27", session="", votes_for="9", votes_against="0", votes_abstain="0")

    assert r.status_code == 422
    assert "Este puesto está ocupado durante ese período; déjelo vacante primero." in visible(r)
    assert _holders(loaded, "RT1") == before


# ---------------------------------------------------------------------------- my tables
def test_a_member_leaves_a_table_from_their_tables(app: Flask, loaded: Services) -> None:
    member = participant_id(app, "p-41")  # RT1 only, no seat
    client = app.test_client()
    act_as(client, "participant", member)

    r = post_form(client, "/tables", "/tables/leave", table="RT1")

    assert r.status_code == 302
    assert table_views.member_tables(loaded.projector.engine, member) == []
    page = visible(client.get("/tables?lang=en"))
    assert "RT1 · you are not a member" in page
    assert "Join RT1" in page


def test_a_representative_cannot_leave_before_vacating_the_seat(app: Flask, loaded: Services) -> None:
    representative = _holders(loaded, "RT1")["LT-RT1-A"]
    client = app.test_client()
    act_as(client, "participant", representative)

    r = post_form(client, "/tables", "/tables/leave?lang=en", table="RT1")

    assert r.status_code == 422
    assert "A representative's seat is vacated before they leave." in visible(r)
    assert "representative_must_vacate" in r.get_data(as_text=True)
    assert "RT1" in table_views.member_tables(loaded.projector.engine, representative)


def test_a_participant_joins_another_table(app: Flask, loaded: Services) -> None:
    member = participant_id(app, "p-41")
    client = app.test_client()
    act_as(client, "participant", member)

    r = post_form(client, "/tables", "/tables/join", table="RT2")

    assert r.status_code == 302
    assert table_views.member_tables(loaded.projector.engine, member) == ["RT1", "RT2"]
    assert "Leave RT2" in visible(client.get("/tables?lang=en"))
