"""The order of a write's answers, the same for every write of the API (docs/api.md,
"Errors"): nobody signed in gets 401, then someone who may not act gets 403, before the body
is read (422) and before ``If-Match`` (428): each case sends a body that breaks the schema and
no ``If-Match``, by someone the mechanism does not allow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import participant_id
from tests.integration.api_support import (
    api_app,
    bearer,
    draft,
    member_of,
    proposal,
    secretariat,
    session,
)

BAD_BODY = {"unexpected": 1, "reason": 3}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def _proposal_of_another(app: Flask) -> str:
    return draft(app, bearer(app, member_of(app, "RT1", not_of="RT2")))["id"]


def _other_member_of_rt1(app: Flask) -> str:
    """A member of RT1 other than the author of :func:`_proposal_of_another`."""
    from projections import people as people_views
    from projections import tables as table_views
    from tests.e2e.web_support import app_services

    e = app_services(app).projector.engine
    author = member_of(app, "RT1", not_of="RT2")
    ids = {m["participant_id"] for m in table_views.members(e, "RT1")}
    holders = {r["participant_id"] for r in table_views.representatives(e)}
    return next(p["reference"] for p in people_views.participants(e) if p["id"] in ids - holders and p["reference"] != author)


# (address from the app, who sends it, the code of the refusal)
CASES: dict[str, tuple[Callable[[Flask], str], Callable[[Flask], str], str]] = {
    "withdraw someone else's proposal": (lambda a: f"/proposals/{_proposal_of_another(a)}/withdraw", _other_member_of_rt1, "not_an_author"),
    "add a co-author to someone else's proposal": (lambda a: f"/proposals/{_proposal_of_another(a)}/co-authors", _other_member_of_rt1, "not_an_author"),
    "reject an amendment of someone else's proposal": (lambda a: f"/proposals/{_proposal_of_another(a)}/amendments/A1/reject", _other_member_of_rt1, "not_an_author"),
    "amend a proposal of another table": (lambda a: f"/proposals/{_proposal_of_another(a)}/amendments", lambda a: member_of(a, "RT2", not_of="RT1"), "not_a_member"),
    "amend one's own proposal": (lambda a: f"/proposals/{_proposal_of_another(a)}/amendments", lambda a: member_of(a, "RT1", not_of="RT2"), "author_cannot_amend"),
    "comment on a proposal of another table": (lambda a: f"/proposals/{_proposal_of_another(a)}/comments", lambda a: member_of(a, "RT2", not_of="RT1"), "not_a_member"),
    "a position in a session of another table": (lambda a: f"/sessions/{session(a, 'ses-rt1-2026q1-2')['id']}/positions", lambda a: member_of(a, "RT2", not_of="RT1"), "not_a_member"),
    "the agenda by a member": (lambda a: f"/sessions/{session(a, 'ses-rt1-2026q1-2')['id']}/agenda", _other_member_of_rt1, "not_a_facilitator"),
    "a decision by a member": (lambda a: f"/sessions/{session(a, 'ses-rt1-2026q1-2')['id']}/decisions", _other_member_of_rt1, "not_a_facilitator"),
    "closing a session by a member": (lambda a: f"/sessions/{session(a, 'ses-rt1-2026q1-2')['id']}/close", _other_member_of_rt1, "not_a_facilitator"),
    "scheduling a session by a member": (lambda a: "/sessions", _other_member_of_rt1, "secretariat_only"),
    "opening an endorsement round by a member": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/endorsement", _other_member_of_rt1, "secretariat_only"),
    "closing an endorsement round by a member": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/endorsement/close", _other_member_of_rt1, "secretariat_only"),
    "publishing by a member": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/publication", _other_member_of_rt1, "secretariat_only"),
    "a government's response by a member": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/government-responses", _other_member_of_rt1, "secretariat_only"),
    "a follow-up by a member": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/follow-ups", _other_member_of_rt1, "secretariat_only"),
    "scheduling a dialogue by a member": (lambda a: "/dialogues", _other_member_of_rt1, "secretariat_only"),
    "a presentation by a member": (lambda a: f"/dialogues/{uuid4()}/presentations", _other_member_of_rt1, "secretariat_only"),
    "a UN nomination by a member": (lambda a: "/liaison-table/un-seats", _other_member_of_rt1, "secretariat_only"),
    "ending a UN nomination by a member": (lambda a: "/liaison-table/un-seats/vacate", _other_member_of_rt1, "secretariat_only"),
    "a vote by a member who holds no seat": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/endorsement/votes", _other_member_of_rt1, "not_the_seat_holder"),
    "an election by a member": (lambda a: "/tables/RT1/elections", _other_member_of_rt1, "secretariat_only"),
    "vacating a seat of a table by a member who holds none": (lambda a: "/tables/RT1/vacate", _other_member_of_rt1, "not_allowed"),
    "UN advice by a member who is no agency's focal point": (lambda a: f"/proposals/{proposal(a, 'prop-rt1-05')['id']}/endorsement/advice",
                                                             _other_member_of_rt1, "not_allowed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_someone_who_may_not_act_gets_403_before_the_body_and_if_match(app: Flask, case: str) -> None:
    address, who, code = CASES[case]
    url = "/api/v1" + address(app)

    r = app.test_client().post(url, json=BAD_BODY, headers=bearer(app, who(app)))

    body: dict[str, Any] = r.get_json()
    assert (r.status_code, body["code"]) == (403, code)


@pytest.mark.parametrize("case", list(CASES))
def test_nobody_signed_in_gets_401_before_anything_else(app: Flask, case: str) -> None:
    url = "/api/v1" + CASES[case][0](app)

    r = app.test_client().post(url, json=BAD_BODY)

    assert (r.status_code, r.get_json()["code"], r.get_json()["errors"]) == (401, "sign_in_required", {})


def test_a_body_that_is_not_json_from_someone_who_may_not_act_is_403(app: Flask) -> None:
    url = f"/api/v1/proposals/{_proposal_of_another(app)}/withdraw"

    r = app.test_client().post(url, data="reason=x", content_type="text/plain", headers=bearer(app, _other_member_of_rt1(app)))

    assert (r.status_code, r.get_json()["code"]) == (403, "not_an_author")


def test_the_author_without_if_match_then_gets_428(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1", not_of="RT2"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/withdraw", json={}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (428, "if_match_required")


def _members_of_rt1(app: Flask, n: int) -> list[str]:
    """``n`` members of RT1 (not of RT2) who hold no seat: author, co-author, amender …"""
    from projections import people as people_views
    from projections import tables as table_views
    from tests.e2e.web_support import app_services

    e = app_services(app).projector.engine
    ids = {m["participant_id"] for m in table_views.members(e, "RT1")} - {m["participant_id"] for m in table_views.members(e, "RT2")}
    ids -= {r["participant_id"] for r in table_views.representatives(e)}
    return sorted(p["reference"] for p in people_views.participants(e) if p["id"] in ids)[:n]


# Someone who MAY act, with a body that breaks the schema: the body's 422, not a 403.
def test_a_co_author_rejecting_an_amendment_with_a_bad_body_gets_422(app: Flask) -> None:
    author, co, amender = _members_of_rt1(app, 3)
    client = app.test_client()
    p = draft(app, bearer(app, author))
    added = client.post(f"/api/v1/proposals/{p['id']}/co-authors", json={"co_author": participant_id(app, co)}, headers=bearer(app, author))
    amended = client.post(f"/api/v1/proposals/{p['id']}/amendments", json={"field": "rationale", "operation": "append", "text": "Y más."},
                          headers=bearer(app, amender))
    assert (added.status_code, amended.status_code) == (200, 201)

    r = client.post(f"/api/v1/proposals/{p['id']}/amendments/{amended.get_json()['reference']}/reject", json=BAD_BODY, headers=bearer(app, co))

    assert (r.status_code, r.get_json()["code"]) == (422, "invalid_input")


def test_the_secretariat_on_the_agenda_with_a_bad_body_gets_422(app: Flask) -> None:
    url = f"/api/v1/sessions/{session(app, 'ses-rt1-2026q1-2')['id']}/agenda"

    r = app.test_client().post(url, json=BAD_BODY, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"]) == (422, "invalid_input")


def test_a_seat_holder_voting_with_a_bad_body_gets_422(app: Flask) -> None:
    from projections import people as people_views
    from projections import tables as table_views
    from tests.e2e.web_support import app_services

    e = app_services(app).projector.engine
    holder = table_views.representatives(e, on=date(2026, 3, 27))[0]["participant_id"]
    url = f"/api/v1/proposals/{proposal(app, 'prop-rt1-05')['id']}/endorsement/votes"

    r = app.test_client().post(url, json=BAD_BODY, headers=bearer(app, next(p["reference"] for p in people_views.participants(e) if p["id"] == holder)))

    assert (r.status_code, r.get_json()["code"]) == (422, "invalid_input")


def test_a_member_who_joined_that_day_commenting_with_a_bad_body_gets_422(app: Flask) -> None:
    newcomer = member_of(app, "RT2", not_of="RT1")
    auth = bearer(app, newcomer)
    client = app.test_client()
    joined = client.post("/api/v1/tables/RT1/join", headers=auth)
    assert joined.status_code == 200

    r = client.post(f"/api/v1/proposals/{_proposal_of_another(app)}/comments", json=BAD_BODY, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (422, "invalid_input")


def test_the_secretariat_pre_check_says_the_command_s_own_message(app: Flask) -> None:
    url = f"/api/v1/proposals/{proposal(app, 'prop-rt1-05')['id']}/publication"

    r = app.test_client().post(url, json=BAD_BODY, headers=bearer(app, _other_member_of_rt1(app)))

    assert (r.status_code, r.get_json()["message"]) == (403, "Only the secretariat publishes to governments.")


def _holder_of_a_seat_of(app: Flask, table: str) -> str:
    from projections import people as people_views
    from projections import tables as table_views
    from tests.e2e.web_support import app_services

    e = app_services(app).projector.engine
    holder = next(r["participant_id"] for r in table_views.representatives(e, on=date(2026, 3, 27)) if r["table_code"] == table)
    return next(p["reference"] for p in people_views.participants(e) if p["id"] == holder)


def test_a_holder_of_a_seat_of_the_table_vacating_with_a_bad_body_gets_422(app: Flask) -> None:
    r = app.test_client().post("/api/v1/tables/RT1/vacate", json=BAD_BODY, headers=bearer(app, _holder_of_a_seat_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (422, "invalid_input")


def test_the_secretariat_giving_un_advice_with_a_bad_body_gets_422(app: Flask) -> None:
    url = f"/api/v1/proposals/{proposal(app, 'prop-rt1-05')['id']}/endorsement/advice"

    r = app.test_client().post(url, json=BAD_BODY, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"]) == (422, "invalid_input")
