"""Working tables' writes through the JSON API (issue 13), on the 2026-Q1 scenario (clock
2026-03-27): joining and leaving a table (the participant), vacating a seat and recording a
by-election (the secretariat): each with a success, a 403 and a refused transition or rule."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import tables as table_views
from tests.e2e.web_support import app_services, participant_id
from tests.integration.api_support import api_app, bearer, member_of, secretariat

BY_ELECTION = {"seat": "LT-RT1-A", "term_start": "2026-03-27", "votes": {"for": 9, "against": 1, "abstain": 2}}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def holders(app: Flask, table: str) -> dict[str, str]:
    return {r["seat"]: r["participant_id"] for r in table_views.representatives(app_services(app).projector.engine, on=app_services(app).app.clock.today())
            if r["table_code"] == table}


def members(app: Flask, table: str) -> set[str]:
    return {m["participant_id"] for m in table_views.members(app_services(app).projector.engine, table)}


def test_a_participant_joins_a_table_then_leaves_it(app: Flask) -> None:
    reference = member_of(app, "RT1", not_of="RT2")
    auth, pid = bearer(app, reference), participant_id(app, reference)
    client = app.test_client()

    joined = client.post("/api/v1/tables/RT2/join", headers=auth)
    in_rt2 = pid in members(app, "RT2")
    left = client.post("/api/v1/tables/RT2/leave", headers=auth)

    assert joined.status_code == 200 and in_rt2
    assert pid in [m["id"] for m in joined.get_json()["members"]]
    assert left.status_code == 200 and pid not in members(app, "RT2")


def test_joining_a_table_twice_is_409_and_a_staff_account_may_not_join_403(app: Flask) -> None:
    reference = member_of(app, "RT1")
    client = app.test_client()

    again = client.post("/api/v1/tables/RT1/join", headers=bearer(app, reference))
    staff = client.post("/api/v1/tables/RT1/join", headers=secretariat(app))

    assert (again.status_code, again.get_json()["code"]) == (409, "already_a_member")
    assert (staff.status_code, staff.get_json()["code"]) == (403, "no_participant")


def test_an_unknown_table_is_404_and_joining_without_a_token_401(app: Flask) -> None:
    client = app.test_client()

    unknown = client.post("/api/v1/tables/RT9/join", headers=bearer(app))
    anonymous = client.post("/api/v1/tables/RT1/join")

    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "unknown_table")
    assert (anonymous.status_code, anonymous.get_json()["code"]) == (401, "sign_in_required")


def test_the_secretariat_vacates_a_seat_and_records_a_by_election(app: Flask) -> None:
    woman = participant_id(app, "p-01")
    client = app.test_client()
    headers = secretariat(app)

    vacated = client.post("/api/v1/tables/RT1/vacate", json={"seat": "LT-RT1-A", "reason": "Renuncia"}, headers=headers)
    vacant = "LT-RT1-A" not in holders(app, "RT1")
    elected = client.post("/api/v1/tables/RT1/elections", json={**BY_ELECTION, "participant_id": woman}, headers=headers)

    assert vacated.status_code == 200 and vacant
    assert elected.status_code == 201 and holders(app, "RT1")["LT-RT1-A"] == woman
    seat_a = next(r for r in elected.get_json()["representatives"] if r["seat"] == "LT-RT1-A")
    assert (seat_a["term_start"], seat_a["by_election"], seat_a["representative"]["id"]) == ("2026-03-27", True, woman)


def test_a_member_may_not_vacate_someone_elses_seat_nor_record_an_election_403(app: Flask) -> None:
    before = holders(app, "RT1")
    auth = bearer(app, "p-01")  # a member of RT1, not its representative
    client = app.test_client()

    vacate = client.post("/api/v1/tables/RT1/vacate", json={"seat": "LT-RT1-A", "reason": "No soy yo"}, headers=auth)
    elect = client.post("/api/v1/tables/RT1/elections", json={**BY_ELECTION, "participant_id": participant_id(app, "p-01")}, headers=auth)

    assert (vacate.status_code, vacate.get_json()["code"]) == (403, "not_allowed")
    assert (elect.status_code, elect.get_json()["code"]) == (403, "secretariat_only")
    assert holders(app, "RT1") == before


def test_an_election_to_a_held_seat_is_409_and_to_an_unknown_seat_422(app: Flask) -> None:
    woman = participant_id(app, "p-01")
    client = app.test_client()
    headers = secretariat(app)

    held = client.post("/api/v1/tables/RT1/elections", json={**BY_ELECTION, "participant_id": woman}, headers=headers)
    unknown = client.post("/api/v1/tables/RT1/elections", json={**BY_ELECTION, "seat": "LT-RT2-A", "participant_id": woman}, headers=headers)

    assert (held.status_code, held.get_json()["code"]) == (409, "seat_occupied")
    assert (unknown.status_code, unknown.get_json()["code"]) == (422, "unknown_seat")
