"""Writes through the JSON API (issue 13): the status of each kind of refusal, If-Match
(required, stale), idempotent retries, the request limits and the CSRF token of a web
session, on the 2026-Q1 scenario with a member's write token."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import proposals as proposal_views
from tests.e2e.web_support import act_as, app_services, make_app, participant_id
from tests.integration.api_support import DRAFT, api_app, bearer, draft, member_of

ERROR_KEYS = {"code", "status", "message", "errors"}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def count(loaded: Services) -> int:
    return len(proposal_views.list_recommendations(loaded.projector.engine))


def test_a_draft_is_201_with_its_address_and_version(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))

    r = app.test_client().post("/api/v1/proposals", json=DRAFT, headers=auth)

    body = r.get_json()
    assert r.status_code == 201
    assert (body["status"], body["title"], body["version"]) == ("draft", "Vías regulares", 1)
    assert r.headers["ETag"] == '"1"'
    assert r.headers["Location"].endswith(f"/api/v1/proposals/{body['id']}")


def test_a_write_without_a_token_is_401(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals", json=DRAFT)

    assert (r.status_code, r.get_json()["code"]) == (401, "sign_in_required")


def test_a_draft_in_a_table_of_which_one_is_not_a_member_is_403(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1", not_of="RT2"))

    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, "table": "RT2", "objectives": [4]}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (403, "not_a_member")


def test_a_rule_of_the_mechanism_refuses_with_its_code_and_422(app: Flask, loaded: Services) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    before = count(loaded)

    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, "objectives": [14]}, headers=auth)

    assert r.status_code == 422
    assert r.get_json()["code"] == "objective_not_in_table" and set(r.get_json()) == ERROR_KEYS
    assert count(loaded) == before


def test_a_body_that_is_not_json_is_400(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals", data="{not json", content_type="application/json", headers=bearer(app))

    assert r.status_code == 400 and set(r.get_json()) == ERROR_KEYS


HUGE = "1" + "0" * 4300  # past the interpreter's 4,300 digits of an int read from text


@pytest.mark.parametrize(("address", "body"), [
    ("/api/v1/proposals", f'{{"title": {HUGE}}}'), ("/api/v1/proposals", f'{{"objectives": [{HUGE}]}}'), ("/api/v1/proposals", HUGE),
    ("/api/v1/tables/RT1/join", f'{{"a": {HUGE}}}'),
])
def test_a_body_with_an_integer_too_long_to_read_is_400_invalid_json(app: Flask, loaded: Services, address: str, body: str) -> None:
    before = count(loaded)

    r = app.test_client().post(address, data=body, content_type="application/json", headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"], count(loaded)) == (400, "invalid_json", before)


@pytest.mark.parametrize("body", [
    json.dumps(DRAFT, ensure_ascii=False).encode("utf-16"), json.dumps(DRAFT, ensure_ascii=False).encode("latin-1"),
    b"\xef\xbb\xbf" + json.dumps(DRAFT).encode(), b"{not json",
])
def test_a_body_that_is_not_json_in_utf_8_is_400_invalid_json(app: Flask, body: bytes) -> None:
    r = app.test_client().post("/api/v1/proposals", data=body, content_type="application/json", headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (400, "invalid_json")


@pytest.mark.parametrize("content_type", ["application/problem+json", "application/json; charset=latin-1", "application/json; v=2"])
def test_a_body_sent_as_another_json_type_or_charset_is_415_and_stores_nothing(app: Flask, loaded: Services, content_type: str) -> None:
    before = count(loaded)

    r = app.test_client().post("/api/v1/proposals", data=json.dumps(DRAFT), content_type=content_type, headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"], count(loaded)) == (415, "unsupported_media_type", before)


def test_json_with_its_charset_utf_8_is_json(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals", data=json.dumps(DRAFT), content_type="application/json; charset=UTF-8",
                               headers=bearer(app, member_of(app, "RT1")))

    assert r.status_code == 201


def test_every_write_documents_the_answers_of_its_idempotency_key(app: Flask) -> None:
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    writes = [op for item in paths.values() for method, op in item.items() if method in ("post", "delete")]

    assert writes and all(
        "request_in_progress" in op["responses"]["409"]["description"]
        and "idempotency_key_reused" in op["responses"]["422"]["description"]
        and "Idempotent-Replayed" in op["responses"]["303"]["headers"]
        and any("Idempotent-Replayed" in r.get("headers", {}) for status, r in op["responses"].items() if status in ("200", "201"))
        for op in writes
    )


def test_the_same_json_written_otherwise_with_the_same_idempotency_key_is_the_same_request(app: Flask, loaded: Services) -> None:
    auth = {**bearer(app, member_of(app, "RT1")), "Idempotency-Key": "draft-indented"}
    client = app.test_client()
    before = count(loaded)

    first = client.post("/api/v1/proposals", data=json.dumps(DRAFT), content_type="application/json", headers=auth)
    retry = client.post("/api/v1/proposals", data=json.dumps(dict(reversed(DRAFT.items())), indent=4), content_type="application/json", headers=auth)

    assert (first.status_code, retry.status_code, retry.headers.get("Idempotent-Replayed")) == (201, 201, "true")
    assert count(loaded) == before + 1


@pytest.mark.parametrize(("address", "body"), [
    ("/api/v1/proposals", '{"table":"RT1"}'.encode("utf-16-le")), ("/api/v1/proposals", b"\xef\xbb\xbf{}"),
    ("/api/v1/proposals", '{"table":"RT1"}'.encode("utf-16")), ("/api/v1/tables/RT1/join", "{}".encode("utf-16-le")),
    ("/api/v1/tables/RT1/join", b"\xef\xbb\xbf{}"),
])
def test_a_body_that_breaks_the_schema_and_is_not_utf_8_is_400_invalid_json_not_a_422(app: Flask, loaded: Services, address: str,
                                                                                       body: bytes) -> None:
    before = count(loaded)

    r = app.test_client().post(address, data=body, content_type="application/json", headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"], count(loaded)) == (400, "invalid_json", before)


def test_a_number_written_otherwise_with_the_same_idempotency_key_is_another_request(app: Flask, loaded: Services) -> None:
    auth = {**bearer(app, member_of(app, "RT1")), "Idempotency-Key": "draft-numbers"}
    client = app.test_client()
    before = count(loaded)

    first = client.post("/api/v1/proposals", json={**DRAFT, "objectives": [2, 5]}, headers=auth)
    retry = client.post("/api/v1/proposals", json={**DRAFT, "objectives": [2.0, 5]}, headers=auth)

    assert (first.status_code, retry.status_code, retry.get_json()["code"]) == (201, 422, "idempotency_key_reused")
    assert count(loaded) == before + 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_sent_as_json_is_415_and_stores_nothing(app: Flask, loaded: Services, content_type: str | None) -> None:
    before = count(loaded)

    r = app.test_client().post("/api/v1/proposals", data=json.dumps(DRAFT), content_type=content_type, headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (415, "unsupported_media_type")
    assert "application/json" in r.get_json()["message"] and set(r.get_json()) == ERROR_KEYS
    assert count(loaded) == before


def test_a_write_whose_body_is_optional_takes_no_body_at_all(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/withdraw", headers={**auth, "If-Match": '"1"'})

    assert (r.status_code, r.get_json()["status"]) == (200, "withdrawn")


@pytest.mark.parametrize("body", ["[" * 100_000, '{"title": ' * 50_000, "[" * 100_000 + "]" * 100_000])
def test_a_body_nested_too_deeply_is_400_saying_so_and_stores_nothing(app: Flask, loaded: Services, body: str) -> None:
    before = count(loaded)

    r = app.test_client().post("/api/v1/proposals", data=body, content_type="application/json", headers=bearer(app, member_of(app, "RT1")))

    assert (r.status_code, r.get_json()["code"]) == (400, "invalid_json")
    assert "nested" in r.get_json()["message"]
    assert count(loaded) == before


def test_a_page_form_sent_as_json_nested_too_deeply_is_400(app: Flask) -> None:
    r = app.test_client().post("/login", data="[" * 100_000, content_type="application/json")

    assert r.status_code == 400


def test_an_unknown_or_missing_field_is_422_naming_it(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, "colour": "red", "title": None}, headers=bearer(app))

    errors = r.get_json()["errors"]["json"]
    assert r.status_code == 422
    assert "colour" in errors and "title" in errors


def test_a_text_with_a_nul_character_is_422_and_stores_nothing(app: Flask, loaded: Services) -> None:
    before = count(loaded)

    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, "title": "a\x00b"}, headers=bearer(app, member_of(app, "RT1")))

    assert r.status_code == 422 and "title" in r.get_json()["errors"]["json"]
    assert count(loaded) == before


def test_a_body_over_the_size_limit_is_413(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals", data="x" * (3 * 1024 * 1024), content_type="application/json", headers=bearer(app))

    assert r.status_code == 413 and r.get_json()["code"] == "request_too_large"


def test_revise_requires_if_match(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "Otra"}}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (428, "if_match_required")


def test_a_stale_if_match_is_412_and_changes_nothing(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)
    client = app.test_client()
    first = client.post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "Una"}}, headers={**auth, "If-Match": '"1"'})

    stale = client.post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "Otra"}}, headers={**auth, "If-Match": '"1"'})

    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    assert (stale.status_code, stale.get_json()["code"]) == (412, "version_mismatch")
    assert client.get(f"/api/v1/proposals/{p['id']}").get_json()["title"] == "Una"


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_the_etag_of_a_compressed_answer_is_a_good_if_match(app: Flask, coding: str) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)
    client = app.test_client()
    etag = client.get(f"/api/v1/proposals/{p['id']}", headers={**auth, "Accept-Encoding": coding}).headers["ETag"]

    r = client.post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "Una"}}, headers={**auth, "If-Match": etag})

    assert (etag, r.status_code) == (f'"1:{coding}"', 200)
    assert client.get(f"/api/v1/proposals/{p['id']}").get_json()["title"] == "Una"


def test_a_weak_etag_is_no_if_match(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/revise", json={"changes": {"title": "Una"}}, headers={**auth, "If-Match": 'W/"1"'})

    assert (r.status_code, r.get_json()["code"]) == (412, "version_mismatch")


def test_withdraw_with_a_stale_if_match_is_412(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/withdraw", json={}, headers={**auth, "If-Match": '"9"'})

    assert r.status_code == 412
    assert app.test_client().get(f"/api/v1/proposals/{p['id']}").get_json()["status"] == "draft"


def test_a_refused_transition_is_409(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)
    client = app.test_client()
    assert client.post(f"/api/v1/proposals/{p['id']}/submit", headers=auth).status_code == 200

    again = client.post(f"/api/v1/proposals/{p['id']}/submit", headers=auth)

    assert again.status_code == 409 and set(again.get_json()) == ERROR_KEYS


def test_an_unknown_proposal_is_404_on_a_write(app: Flask) -> None:
    r = app.test_client().post("/api/v1/proposals/6f1c1b9e-3f3e-4b8e-9a55-1d0a1f2b3c4d/submit", headers=bearer(app))

    assert r.status_code == 404 and set(r.get_json()) == ERROR_KEYS


def test_a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_changes_nothing(app: Flask, loaded: Services) -> None:
    auth = {**bearer(app, member_of(app, "RT1")), "Idempotency-Key": "draft-2026-03-27-a"}
    client = app.test_client()
    before = count(loaded)

    first = client.post("/api/v1/proposals", json=DRAFT, headers=auth)
    retry = client.post("/api/v1/proposals", json=DRAFT, headers=auth)

    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.headers["Location"] == first.headers["Location"]
    assert count(loaded) == before + 1


def test_the_same_idempotency_key_with_another_body_is_422(app: Flask) -> None:
    auth = {**bearer(app, member_of(app, "RT1")), "Idempotency-Key": "draft-b"}
    client = app.test_client()
    client.post("/api/v1/proposals", json=DRAFT, headers=auth)

    other = client.post("/api/v1/proposals", json={**DRAFT, "title": "Otro"}, headers=auth)

    assert (other.status_code, other.get_json()["code"]) == (422, "idempotency_key_reused")


def test_the_idempotency_key_is_the_command_id_of_its_account(app: Flask) -> None:
    s = app_services(app)
    auth = {**bearer(app, member_of(app, "RT1")), "Idempotency-Key": "draft-c"}

    app.test_client().post("/api/v1/proposals", json=DRAFT, headers=auth)

    token = s.accounts.token_account(auth["Authorization"].split()[1])
    assert token is not None
    assert s.app.command_applied(f"api:{token.account_id}:draft-c")


def test_writes_past_the_limit_are_429_with_retry_after(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    client = app.test_client()
    statuses = [client.post("/api/v1/proposals", json={**DRAFT, "objectives": [99]}, headers=auth).status_code for _ in range(15)]

    assert statuses[:15] == [422] * 15
    last = client.post("/api/v1/proposals", json=DRAFT, headers=auth)
    assert last.status_code == 429 and last.get_json()["code"] == "too_many_requests" and int(last.headers["Retry-After"]) >= 1


def test_a_web_session_write_needs_the_csrf_token(loaded: Services) -> None:
    app = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)
    client = app.test_client()
    act_as(client, "participant", participant_id(app, member_of(app, "RT1")))

    refused = client.post("/api/v1/proposals", json=DRAFT)
    csrf = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    accepted = client.post("/api/v1/proposals", json=DRAFT, headers={"X-CSRFToken": csrf})

    assert (refused.status_code, refused.get_json()["code"]) == (400, "csrf_token_missing")
    assert accepted.status_code == 201
