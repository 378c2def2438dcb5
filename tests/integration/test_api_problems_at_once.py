"""The API's draft and revise routes: nobody signed in gets 401 before any 422 (no validation
details for anonymous callers), a token of someone who may not act gets 403 before the content
is checked, and a body with several problems gets one 422 naming every field's problem."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.integration.api_support import (
    DRAFT,
    api_app,
    bearer,
    draft,
    member_of,
    proposal,
    secretariat,
)

EMPTY_TEXTS = {**DRAFT, "title": "", "problem": " ", "objectives": [], "targets": []}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def test_an_anonymous_draft_with_a_bad_body_is_401_without_details(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals", json={"title": 3})

    assert (r.status_code, r.get_json()["code"], r.get_json()["errors"]) == (401, "sign_in_required", {})


def test_an_anonymous_revision_with_a_bad_body_is_401(app: Flask) -> None:
    p = draft(app, bearer(app, member_of(app, "RT1")))

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": 3}, headers={"If-Match": '"1"'})

    assert (r.status_code, r.get_json()["code"]) == (401, "sign_in_required")


def test_a_draft_in_a_table_of_which_one_is_not_a_member_is_403_before_its_content(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1", not_of="RT2"))

    r = app.test_client().post("/api/v1/proposals", json={**EMPTY_TEXTS, "table": "RT2"}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (403, "not_a_member")


def test_a_draft_with_a_missing_field_by_a_non_member_is_403(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1", not_of="RT2"))

    r = app.test_client().post("/api/v1/proposals", json={"table": "RT2", "title": ""}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (403, "not_a_member")


def test_a_revision_by_someone_not_an_author_is_403_before_its_content(app: Flask) -> None:
    p = draft(app, bearer(app, member_of(app, "RT1")))
    other = bearer(app, member_of(app, "RT2", not_of="RT1"))

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "", "problem": ""}}, headers={**other, "If-Match": '"1"'})

    assert (r.status_code, r.get_json()["code"]) == (403, "not_an_author")


def test_a_draft_with_several_problems_names_every_field_in_one_422(app: Flask, loaded: Services) -> None:
    auth = bearer(app, member_of(app, "RT1"))

    r = app.test_client().post("/api/v1/proposals", json=EMPTY_TEXTS, headers=auth)

    body = r.get_json()
    assert r.status_code == 422
    assert body["errors"] == {"title": ["empty_text"], "problem": ["empty_text"], "objectives": ["no_objective"], "targets": ["no_target"]}
    assert body["code"] == "empty_text"


def test_a_revision_with_several_problems_names_every_field_in_one_422(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "", "problem": " ", "objectives": [14], "language": "xx"}},
                               headers={**auth, "If-Match": '"1"'})

    assert r.status_code == 422
    assert r.get_json()["errors"] == {"title": ["empty_text"], "problem": ["empty_text"], "objectives": ["objective_not_in_table"], "language": ["unknown_language"]}


def test_a_draft_that_breaks_the_schema_also_names_its_contents_problems_in_the_same_422(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))

    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, "title": "", "problem": 3, "objectives": []}, headers=auth)

    body = r.get_json()
    assert (r.status_code, body["code"]) == (422, "invalid_input")
    assert body["errors"] == {"json": {"problem": ["Not a valid string."]}, "title": ["empty_text"], "objectives": ["no_objective"]}


def test_a_revision_that_breaks_the_schema_also_names_its_contents_problems_in_the_same_422(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "", "problem": 3, "objectives": [14]}, "x": 1},
                               headers={**auth, "If-Match": '"1"'})

    assert r.status_code == 422
    assert r.get_json()["errors"] == {"json": {"changes": {"problem": ["Not a valid string."]}, "x": ["Unknown field."]},
                                      "title": ["empty_text"], "objectives": ["objective_not_in_table"]}


@pytest.mark.parametrize("action", ["revise", "withdraw"])
def test_a_bad_body_without_the_required_if_match_is_428_before_422(app: Flask, action: str) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/{action}", json={"changes": 3, "reason": 4}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (428, "if_match_required")


def test_a_government_response_with_several_problems_names_every_field_in_one_422(app: Flask) -> None:
    p = proposal(app, "prop-rt1-01")  # published
    sent = {"country": "XX", "status": "accepted", "response": "Sí", "language": "Español", "response_date": "2026-12-31"}

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/government-responses", json=sent, headers=secretariat(app))

    assert r.status_code == 422
    assert r.get_json()["errors"] == {"country": ["unknown_country"], "language": ["unknown_language"], "response_date": ["response_in_future"]}


def test_a_government_response_that_breaks_the_schema_also_names_its_contents_problems(app: Flask) -> None:
    p = proposal(app, "prop-rt1-01")
    sent = {"country": "XX", "status": "maybe", "response": "Sí", "language": "Español"}

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/government-responses", json=sent, headers=secretariat(app))

    errors = r.get_json()["errors"]
    assert (r.status_code, set(errors), set(errors["json"])) == (422, {"json", "country", "language"}, {"status"})
    assert (errors["country"], errors["language"]) == (["unknown_country"], ["unknown_language"])
