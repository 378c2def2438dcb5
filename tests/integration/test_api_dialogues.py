"""Dialogues with governments, the governments' responses and follow-up entries through the
JSON API (issue 13), on the 2026-Q1 scenario (clock 2026-03-27): scheduling a dialogue and
recording a presentation (the secretariat; others 403; refused transitions 409, bad data
422), and the public reads."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.integration.api_support import api_app, bearer, member_of, proposal, secretariat

H1 = {"period": "2026-H1", "date": "2026-03-27", "title": "Diálogo con gobiernos, primer semestre", "governments": ["MX", "CO"]}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def schedule(app: Flask, **changes: Any) -> Any:
    return app.test_client().post("/api/v1/dialogues", json={**H1, **changes}, headers=secretariat(app))


def test_the_secretariat_schedules_a_dialogue_201_and_everyone_reads_it(app: Flask) -> None:
    r = schedule(app)

    body = r.get_json()
    listed = app.test_client().get("/api/v1/dialogues").get_json()
    one = app.test_client().get(r.headers["Location"])
    assert r.status_code == 201
    assert (body["period"], body["date"], body["governments"], body["mode"], body["presented"]) == ("2026-H1", "2026-03-27", ["MX", "CO"], "virtual", [])
    assert [d["id"] for d in listed] == [body["id"]]
    assert one.status_code == 200 and one.headers["ETag"] == r.headers["ETag"] == f'"{body["version"]}"'


def test_a_member_may_not_schedule_a_dialogue_403(app: Flask) -> None:
    r = app.test_client().post("/api/v1/dialogues", json=H1, headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (403, "secretariat_only")
    assert app.test_client().get("/api/v1/dialogues").get_json() == []


def test_a_second_dialogue_in_a_half_year_is_409_and_a_date_outside_it_422(app: Flask) -> None:
    schedule(app)

    again = schedule(app, date="2026-04-02")
    outside = schedule(app, period="2026-H2", date="2026-05-02")

    assert (again.status_code, again.get_json()["code"]) == (409, "dialogue_already_scheduled")
    assert (outside.status_code, outside.get_json()["code"]) == (422, "dialogue_date_outside_period")


def test_the_secretariat_records_a_presentation_at_a_dialogue_held(app: Flask) -> None:
    d = schedule(app).get_json()
    p = proposal(app, "prop-rt1-01")

    r = app.test_client().post(f"/api/v1/dialogues/{d['id']}/presentations", json={"proposal_id": p["id"], "note": "Bien recibida."},
                               headers={**secretariat(app), "If-Match": f'"{d["version"]}"'})

    assert r.status_code == 201
    assert [(x["proposal_id"], x["note"], x["presented_on"]) for x in r.get_json()["presented"]] == [(p["id"], "Bien recibida.", "2026-03-27")]
    assert r.headers["ETag"] == f'"{d["version"] + 1}"'


def test_a_member_may_not_record_a_presentation_403(app: Flask) -> None:
    d = schedule(app).get_json()

    r = app.test_client().post(f"/api/v1/dialogues/{d['id']}/presentations", json={"proposal_id": proposal(app, "prop-rt1-01")["id"]},
                               headers=bearer(app, member_of(app, "RT1")))

    assert r.status_code == 403
    assert app.test_client().get(f"/api/v1/dialogues/{d['id']}").get_json()["presented"] == []


def test_a_presentation_before_the_dialogue_is_409(app: Flask) -> None:
    d = schedule(app, period="2026-H2", date="2026-09-15").get_json()

    r = app.test_client().post(f"/api/v1/dialogues/{d['id']}/presentations", json={"proposal_id": proposal(app, "prop-rt1-01")["id"]},
                               headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"]) == (409, "dialogue_not_held_yet")


def test_an_unknown_dialogue_is_404(app: Flask) -> None:
    r = app.test_client().get("/api/v1/dialogues/6f1c1b9e-3f3e-4b8e-9a55-1d0a1f2b3c4d")

    assert (r.status_code, r.get_json()["code"]) == (404, "not_found")


def test_the_government_responses_come_latest_first_in_pages_and_by_state(app: Flask) -> None:
    client = app.test_client()

    everyone = client.get("/api/v1/government-responses?page_size=2")
    country = everyone.get_json()[0]["country"]
    one_state = client.get(f"/api/v1/government-responses?country={country}&page_size=100").get_json()

    dates = [r["response_date"] for r in everyone.get_json()]
    assert everyone.status_code == 200 and int(everyone.headers["X-Total-Count"]) >= len(one_state) >= 1
    assert dates == sorted(dates, reverse=True)
    assert {r["country"] for r in one_state} == {country}


def test_the_follow_up_entries_of_a_recommendation_are_read(app: Flask) -> None:
    p = proposal(app, "prop-rt1-01")
    client = app.test_client()
    responded = client.get("/api/v1/government-responses?page_size=100").get_json()
    country = next(r["country"] for r in responded if r["proposal_id"] == p["id"])
    sent = client.post(f"/api/v1/proposals/{p['id']}/follow-ups", json={"country": country, "progress": "in_progress", "note": "Decreto en consulta."},
                       headers=secretariat(app))

    r = client.get(f"/api/v1/proposals/{p['id']}/follow-ups")

    assert sent.status_code == 201
    assert [(f["country"], f["progress"], f["note"]) for f in r.get_json()][-1] == (country, "in_progress", "Decreto en consulta.")


def test_a_government_response_sent_twice_is_refused_409_the_second_time(app: Flask) -> None:
    p = proposal(app, "prop-rt2-03")  # published to MX, GT, CR, PA
    sent = {"country": "MX", "status": "accepted", "response": "Se acepta.", "language": "es", "response_date": "2026-03-26"}

    first = app.test_client().post(f"/api/v1/proposals/{p['id']}/government-responses", json=sent, headers=secretariat(app))
    second = app.test_client().post(f"/api/v1/proposals/{p['id']}/government-responses", json=sent, headers=secretariat(app))

    assert (first.status_code, second.status_code, second.get_json()["code"]) == (201, 409, "response_already_recorded")
