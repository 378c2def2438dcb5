"""Scheduling sessions, their agenda and opening, and opening endorsement rounds through the
JSON API (issue 13), on the 2026-Q1 scenario (clock 2026-03-27): each with a success, the
refusal of someone the mechanism does not allow (403, nothing changes) and a refused
transition or rule (409/422)."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import sessions as session_views
from tests.e2e.web_support import app_services
from tests.integration.api_support import (
    api_app,
    bearer,
    draft,
    member_of,
    proposal,
    secretariat,
    session,
)

SCHEDULE = {"table": "RT1", "date": "2026-04-14", "mode": "hybrid"}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def sessions(app: Flask) -> int:
    return len(session_views.list_sessions(app_services(app).projector.engine))


# ---------------------------------------------------------------------------- list
def test_the_sessions_come_the_latest_first_in_pages_and_by_table(app: Flask) -> None:
    client = app.test_client()

    first = client.get("/api/v1/sessions?page_size=3")
    rt1 = client.get("/api/v1/sessions?table=RT1").get_json()

    dates = [s["date"] for s in first.get_json()]
    assert first.status_code == 200 and first.headers["X-Total-Count"] == str(sessions(app))
    assert dates == sorted(dates, reverse=True) and len(dates) == 3 and 'rel="next"' in first.headers["Link"]
    assert [s["reference"] for s in rt1] == ["ses-rt1-2026q1-2", "ses-rt1-2026q1-1"]
    assert {s["stage"] for s in rt1} == {"in_progress"}


# ---------------------------------------------------------------------------- schedule
def test_the_secretariat_schedules_a_session_201_with_its_address(app: Flask) -> None:
    r = app.test_client().post("/api/v1/sessions", json=SCHEDULE, headers=secretariat(app))

    body = r.get_json()
    assert r.status_code == 201
    assert (body["table"], body["date"], body["mode"], body["quarter"], body["agenda"], body["opened_on"], body["stage"]) == (
        "RT1", "2026-04-14", "hybrid", "2026-Q2", [], None, "upcoming")
    assert r.headers["ETag"] == f'"{body["version"]}"'
    assert r.headers["Location"].endswith(f"/api/v1/sessions/{body['id']}")


def test_a_member_who_is_not_a_facilitator_may_not_schedule_a_session_403(app: Flask) -> None:
    before = sessions(app)

    r = app.test_client().post("/api/v1/sessions", json=SCHEDULE, headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (403, "secretariat_only")
    assert sessions(app) == before


def test_a_session_in_the_past_is_422(app: Flask) -> None:
    before = sessions(app)

    r = app.test_client().post("/api/v1/sessions", json={**SCHEDULE, "date": "2026-03-20"}, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"]) == (422, "session_date_in_past")
    assert sessions(app) == before


def test_scheduling_again_with_the_same_idempotency_key_schedules_one_session(app: Flask) -> None:
    headers = {**secretariat(app), "Idempotency-Key": "schedule-rt1-april"}
    client = app.test_client()
    before = sessions(app)

    first = client.post("/api/v1/sessions", json=SCHEDULE, headers=headers)
    retry = client.post("/api/v1/sessions", json=SCHEDULE, headers=headers)

    assert retry.get_json() == first.get_json() and retry.headers["Idempotent-Replayed"] == "true"
    assert sessions(app) == before + 1


# ---------------------------------------------------------------------------- agenda
def test_the_secretariat_puts_a_submitted_proposal_on_the_agenda(app: Flask) -> None:
    s, p = session(app, "ses-rt1-2026q1-2"), proposal(app, "prop-rt1-04")

    r = app.test_client().post(f"/api/v1/sessions/{s['id']}/agenda", json={"proposal_id": p["id"]}, headers=secretariat(app))

    assert r.status_code == 201
    assert p["id"] in [i["proposal_id"] for i in r.get_json()["agenda"]]
    assert proposal(app, "prop-rt1-04")["status"] == "on_agenda"


def test_a_member_may_not_set_the_agenda_403(app: Flask) -> None:
    s, p = session(app, "ses-rt1-2026q1-2"), proposal(app, "prop-rt1-04")

    r = app.test_client().post(f"/api/v1/sessions/{s['id']}/agenda", json={"proposal_id": p["id"]},
                               headers=bearer(app, member_of(app, "RT1")))

    assert r.status_code == 403 and r.get_json()["code"] in ("secretariat_only", "not_a_facilitator")
    assert proposal(app, "prop-rt1-04")["status"] == "submitted"


def test_a_draft_is_not_put_on_an_agenda_409(app: Flask) -> None:
    s, p = session(app, "ses-rt1-2026q1-2"), draft(app, bearer(app, member_of(app, "RT1")))

    r = app.test_client().post(f"/api/v1/sessions/{s['id']}/agenda", json={"proposal_id": p["id"]}, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"]) == (409, "proposal_not_submitted")


def test_a_stale_if_match_on_the_agenda_is_412_and_changes_nothing(app: Flask) -> None:
    s, p = session(app, "ses-rt1-2026q1-2"), proposal(app, "prop-rt1-04")
    client = app.test_client()
    version = int(client.get(f"/api/v1/sessions/{s['id']}").headers["ETag"].strip('"'))

    r = client.post(f"/api/v1/sessions/{s['id']}/agenda", json={"proposal_id": p["id"]},
                    headers={**secretariat(app), "If-Match": f'"{version - 1}"'})

    assert (r.status_code, r.get_json()["code"]) == (412, "version_mismatch")
    assert proposal(app, "prop-rt1-04")["status"] == "submitted"


# ---------------------------------------------------------------------------- open
def test_the_secretariat_opens_a_session_once(app: Flask) -> None:
    s = session(app, "ses-rt1-2026q1-2")
    client = app.test_client()
    headers = secretariat(app)

    first = client.post(f"/api/v1/sessions/{s['id']}/open", headers=headers)
    again = client.post(f"/api/v1/sessions/{s['id']}/open", headers=headers)

    assert (first.status_code, first.get_json()["opened_on"]) == (200, "2026-03-27")
    assert (again.status_code, again.get_json()["code"]) == (409, "session_already_open")


def test_a_member_may_not_open_a_session_403(app: Flask) -> None:
    s = session(app, "ses-rt1-2026q1-2")

    r = app.test_client().post(f"/api/v1/sessions/{s['id']}/open", headers=bearer(app, member_of(app, "RT1")))

    assert r.status_code == 403
    assert app.test_client().get(f"/api/v1/sessions/{s['id']}").get_json()["opened_on"] is None


# ---------------------------------------------------------------------------- endorsement rounds
def test_the_secretariat_opens_an_endorsement_round_on_an_adopted_recommendation(app: Flask) -> None:
    p = proposal(app, "prop-rt1-05")

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/endorsement", json={"closes_on": "2026-04-30"}, headers=secretariat(app))

    body = r.get_json()
    assert r.status_code == 201
    assert (body["proposal_id"], body["opened_on"], body["closes_on"], body["outcome"]) == (p["id"], "2026-03-27", "2026-04-30", None)
    assert r.headers["ETag"] == f'"{body["version"]}"'
    assert proposal(app, "prop-rt1-05")["status"] == "under_liaison_review"


def test_a_member_may_not_open_an_endorsement_round_403(app: Flask) -> None:
    p = proposal(app, "prop-rt1-05")

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/endorsement", json={"closes_on": "2026-04-30"},
                               headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (403, "secretariat_only")
    assert proposal(app, "prop-rt1-05")["status"] == "adopted"


def test_a_round_on_a_proposal_not_adopted_is_409_and_one_closing_in_the_past_422(app: Flask) -> None:
    client = app.test_client()
    headers = secretariat(app)

    submitted = client.post(f"/api/v1/proposals/{proposal(app, 'prop-rt1-04')['id']}/endorsement", json={"closes_on": "2026-04-30"}, headers=headers)
    past = client.post(f"/api/v1/proposals/{proposal(app, 'prop-rt1-05')['id']}/endorsement", json={"closes_on": "2026-03-01"}, headers=headers)

    assert (submitted.status_code, submitted.get_json()["code"]) == (409, "proposal_not_adopted")
    assert (past.status_code, past.get_json()["code"]) == (422, "closes_in_past")


@pytest.mark.parametrize("day", ["0001-01-01", "1950-06-01", "2300-01-01", "9999-12-31"])
def test_a_session_date_outside_the_mechanism_s_years_is_422_date_out_of_range_as_on_the_web(app: Flask, day: str) -> None:
    before = sessions(app)

    r = app.test_client().post("/api/v1/sessions", json={**SCHEDULE, "date": day}, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"], r.get_json()["errors"]) == (422, "date_out_of_range", {"date": ["date_out_of_range"]})
    assert sessions(app) == before


@pytest.mark.parametrize(("day", "code"), [("0001-01-01", "closes_in_past"), ("9999-12-31", "date_out_of_range")])
def test_an_endorsement_round_closing_on_a_date_the_schema_reads_gets_the_mechanism_s_code(app: Flask, day: str, code: str) -> None:
    p = proposal(app, "prop-rt1-05")

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/endorsement", json={"closes_on": day}, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"], r.get_json()["errors"]) == (422, code, {"closes_on": [code]})
