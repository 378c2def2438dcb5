"""The Liaison Table's seats and the UN agencies' nominations through the JSON API (issue
13), on the 2026-Q1 scenario (clock 2026-03-27): the seats for everyone (holders named only
for readers who may see names), ending and recording a nomination (the secretariat; others
403; a refused rule 409)."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.integration.api_support import api_app, bearer, member_of, secretariat

NOMINATION = {"seat": "LT-UN-1", "agency": "ACNUR", "consensus_record": "Acta del GT-SC, 2026-03-20"}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def seat(app: Flask, code: str) -> dict:
    return next(s for s in app.test_client().get("/api/v1/liaison-table").get_json() if s["seat"] == code)


def test_the_ten_seats_name_their_holders_only_for_those_who_may_see_names(app: Flask) -> None:
    public = app.test_client().get("/api/v1/liaison-table").get_json()
    named = app.test_client().get("/api/v1/liaison-table", headers=bearer(app, member_of(app, "RT1"))).get_json()

    assert [s["seat"] for s in public][:2] == ["LT-RT1-A", "LT-RT1-B"] and len(public) == 10
    assert {s["kind"] for s in public[-2:]} == {"un_agency"}
    assert all(s["holder"] is None for s in public)
    assert named[0]["holder"]["id"] and named[0]["table"] == "RT1"


def test_the_secretariat_records_a_nomination_and_ends_it(app: Flask) -> None:
    client = app.test_client()
    headers = secretariat(app)

    nominated = client.post("/api/v1/liaison-table/un-seats", json=NOMINATION, headers=headers)
    held = seat(app, "LT-UN-1")
    vacated = client.post("/api/v1/liaison-table/un-seats/vacate", json={"seat": "LT-UN-1", "reason": "Fin del mandato"}, headers=headers)

    assert nominated.status_code == 201 and (held["agency"], held["since"]) == ("ACNUR", "2026-03-27")
    assert vacated.status_code == 200
    assert next(s for s in vacated.get_json() if s["seat"] == "LT-UN-1")["agency"] is None


def test_a_member_may_not_nominate_nor_vacate_a_un_seat_403(app: Flask) -> None:
    client = app.test_client()
    client.post("/api/v1/liaison-table/un-seats", json=NOMINATION, headers=secretariat(app))
    before = seat(app, "LT-UN-1")
    auth = bearer(app, member_of(app, "RT1"))

    vacate = client.post("/api/v1/liaison-table/un-seats/vacate", json={"seat": "LT-UN-1"}, headers=auth)
    nominate = client.post("/api/v1/liaison-table/un-seats", json={**NOMINATION, "seat": "LT-UN-2"}, headers=auth)

    assert vacate.status_code == 403 and nominate.status_code == 403
    assert seat(app, "LT-UN-1") == before and seat(app, "LT-UN-2")["agency"] is None


def test_a_nomination_with_an_objection_or_to_a_held_seat_and_vacating_a_vacant_one_are_409(app: Flask) -> None:
    client = app.test_client()
    headers = secretariat(app)
    client.post("/api/v1/liaison-table/un-seats", json=NOMINATION, headers=headers)

    objected = client.post("/api/v1/liaison-table/un-seats", json={**NOMINATION, "seat": "LT-UN-2", "agency": "UNICEF", "objections": 1},
                           headers=headers)
    held = client.post("/api/v1/liaison-table/un-seats", json={**NOMINATION, "agency": "UNICEF"}, headers=headers)
    vacant = client.post("/api/v1/liaison-table/un-seats/vacate", json={"seat": "LT-UN-2"}, headers=headers)

    assert (objected.status_code, objected.get_json()["code"]) == (409, "no_wgcs_consensus")
    assert (held.status_code, held.get_json()["code"]) == (409, "seat_occupied")
    assert (vacant.status_code, vacant.get_json()["code"]) == (409, "seat_not_held")
