"""The Liaison Table's 10 seats and the UN agencies through HTTP on the 2026-Q1 scenario
(clock 2026-03-27): the seats listed, a UN agency nominated by consensus, its advice on
an open round, and a nomination ended; each refused with 422 when a rule says no."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from tests.e2e.web_support import act_as, app_services, make_app, post_form, visible

SEATS = ["LT-RT1-A", "LT-RT1-B", "LT-RT2-A", "LT-RT2-B", "LT-RT3-A", "LT-RT3-B", "LT-RT4-A", "LT-RT4-B", "LT-UN-1", "LT-UN-2"]


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


@pytest.fixture
def secretariat(app: Flask) -> FlaskClient:
    client = app.test_client()
    act_as(client, "secretariat")
    return client


def _proposal(loaded: Services, reference: str) -> str:
    return next(str(r["id"]) for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == reference)


def _open_round_with_an_agency(app: Flask, loaded: Services) -> str:
    """A round open until 2026-04-10 on prop-rt1-05 (adopted), UNHCR on LT-UN-1."""
    s = app_services(app)
    pid = _proposal(loaded, "prop-rt1-05")
    s.app.open_endorsement(pid, date(2026, 4, 10))
    s.app.nominate_un_agency(seat="LT-UN-1", agency="UNHCR", consensus_record="Acta WG-CS 2026-03-20")
    s.wait_for_views()
    return pid


def test_the_liaison_table_page_lists_its_10_seats(app: Flask) -> None:
    page = app.test_client().get("/liaison?lang=en").get_data(as_text=True)

    assert re.findall(r'data-seat="([^"]+)"', page) == SEATS
    assert "LT-UN-1 · UN agency seat · vacant" in visible(app.test_client().get("/liaison?lang=en"))


def test_the_secretariat_nominates_a_un_agency_and_the_public_sees_it_on_its_seat(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    r = post_form(secretariat, "/liaison", "/liaison/un-seats", prefix="un", seat="LT-UN-1", agency="OIM / IOM",
                  consensus_record="Acta de la reunión del GT-SC del 20 de marzo de 2026", objections="0", focal_point="")

    assert r.status_code == 302
    page = visible(app.test_client().get("/liaison?lang=en"))
    assert "LT-UN-1 · OIM / IOM · UN agency (advises, does not vote) · since 3/27/26" in page
    assert [s["agency"] for s in liaison_views.un_seats(loaded.projector.engine)] == ["OIM / IOM"]


def test_a_nomination_with_an_objection_is_refused_with_the_text_kept(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    r = post_form(secretariat, "/liaison", "/liaison/un-seats?lang=en", prefix="un", seat="LT-UN-2", agency="ACNUR / UNHCR",
                  consensus_record="Consulta por correo", objections="1", focal_point="")

    assert r.status_code == 422
    assert 'A UN agency is nominated by consensus of the WG-CS (seed, "Architecture"): no member objects.' in visible(r)
    assert 'value="ACNUR / UNHCR"' in r.get_data(as_text=True)
    assert liaison_views.un_seats(loaded.projector.engine) == []


def test_the_secretariat_records_a_un_agencys_advice_on_an_open_round(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    pid = _open_round_with_an_agency(app, loaded)

    r = post_form(secretariat, "/liaison", "/liaison/advice", proposal_id=pid, seat="LT-UN-1", advice="Recomendamos citar la Opinión Consultiva OC-21/14.")

    assert r.status_code == 302
    page = visible(app.test_client().get("/liaison?lang=en"))
    assert "Advice of the UN agencies: LT-UN-1 · UNHCR · Mar 27, 2026 Recomendamos citar la Opinión Consultiva OC-21/14." in page


def test_advice_for_a_vacant_un_seat_is_refused_with_the_text_kept(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    pid = _open_round_with_an_agency(app, loaded)

    r = post_form(secretariat, "/liaison", "/liaison/advice?lang=en", proposal_id=pid, seat="LT-UN-2", advice="Texto que se conserva")

    assert r.status_code == 422
    assert "No UN agency holds LT-UN-2 on 2026-03-27." in visible(r)
    assert "Texto que se conserva</textarea>" in r.get_data(as_text=True)
    assert liaison_views.un_advice(loaded.projector.engine) == []


def test_the_secretariat_ends_a_nomination(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    _open_round_with_an_agency(app, loaded)

    r = post_form(secretariat, "/liaison", "/liaison/un-seats/vacate", seat="LT-UN-1", reason="La agencia se retira", confirm="yes")

    assert r.status_code == 302
    assert "LT-UN-1 · UN agency seat · vacant" in visible(app.test_client().get("/liaison?lang=en"))


def test_ending_a_nomination_on_a_vacant_seat_is_refused(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    r = post_form(secretariat, "/liaison", "/liaison/un-seats/vacate?lang=en", seat="LT-UN-2", reason="", confirm="yes")

    assert r.status_code == 422
    assert "LT-UN-2 is not held on 2026-03-27." in visible(r)
    assert "seat_not_held" in r.get_data(as_text=True)


def test_a_long_title_in_the_liaison_table_s_lists_is_cut_at_a_word_with_an_ellipsis(app: Flask, secretariat: FlaskClient) -> None:
    page = secretariat.get("/liaison?lang=es").get_data(as_text=True)
    labels = [label for label in re.findall(r"<option[^>]*>([^<]*)</option>", page) if "comunidades rurales" in label]

    assert labels and {label.split(" · ", 1)[1] for label in labels} == {"Atender los factores adversos: inversión en comunidades rurales e indígenas de…"}
