"""The writes that take no body (submit, join, leave, open a session …) refuse one instead of
ignoring it (break-it: any body was accepted silently), at the steps of the documented order
(docs/api.md, "Errors"): 415 for a body that is not JSON, then 428, then 422
``unexpected_body`` for a JSON body other than ``{}``; none, or ``{}``, is accepted. The
document states it as the operation's optional body, an empty object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import app_services, participant_id
from tests.integration.api_support import (
    api_app,
    bearer,
    draft,
    member_of,
    proposal,
    secretariat,
    session,
)


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def _author(app: Flask) -> str:
    return member_of(app, "RT1", not_of="RT2")


def _own_draft(app: Flask) -> tuple[str, dict[str, str]]:
    auth = bearer(app, _author(app))
    return draft(app, auth)["id"], auth


def _co_authored(app: Flask) -> tuple[str, dict[str, str]]:
    pid, auth = _own_draft(app)
    co = participant_id(app, _another_member_of_rt1(app))
    added = app.test_client().post(f"/api/v1/proposals/{pid}/co-authors", json={"co_author": co}, headers=auth)
    assert added.status_code == 200
    return f"{pid}/co-authors/{co}", auth


def _another_member_of_rt1(app: Flask) -> str:
    from projections import people as people_views
    from projections import tables as table_views

    e = app_services(app).projector.engine
    ids = {m["participant_id"] for m in table_views.members(e, "RT1")}
    return next(p["reference"] for p in sorted(people_views.participants(e), key=lambda p: p["reference"])
                if p["id"] in ids and p["reference"] != _author(app))


def _proposal_write(tail: str) -> Callable[[Flask], tuple[str, str, dict[str, str]]]:
    def make(app: Flask) -> tuple[str, str, dict[str, str]]:
        pid, auth = _own_draft(app)
        return "POST", f"/api/v1/proposals/{pid}/{tail}", auth
    return make


# (method, path template of the document) -> who may act and the address: (method, url, headers)
CASES: dict[tuple[str, str], Callable[[Flask], tuple[str, str, dict[str, str]]]] = {
    ("post", "/api/v1/proposals/{proposal_id}/submit"): _proposal_write("submit"),
    ("delete", "/api/v1/proposals/{proposal_id}/co-authors/{co_author}"):
        lambda a: ("DELETE", "/api/v1/proposals/" + (c := _co_authored(a))[0], c[1]),
    ("post", "/api/v1/proposals/{proposal_id}/amendments/{reference}/accept"): _proposal_write("amendments/A1/accept"),
    ("post", "/api/v1/proposals/{proposal_id}/amendments/{reference}/withdraw"): _proposal_write("amendments/A1/withdraw"),
    ("post", "/api/v1/tables/{code}/join"): lambda a: ("POST", "/api/v1/tables/RT1/join", bearer(a, member_of(a, "RT2", not_of="RT1"))),
    ("post", "/api/v1/tables/{code}/leave"): lambda a: ("POST", "/api/v1/tables/RT1/leave", bearer(a, _author(a))),
    ("post", "/api/v1/sessions/{session_id}/open"):
        lambda a: ("POST", f"/api/v1/sessions/{session(a, 'ses-rt1-2026q1-2')['id']}/open", secretariat(a)),
    ("post", "/api/v1/proposals/{proposal_id}/endorsement/close"):
        lambda a: ("POST", f"/api/v1/proposals/{proposal(a, 'prop-rt1-05')['id']}/endorsement/close", {**secretariat(a), "If-Match": '"1"'}),
}


def _no_body_writes(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in document["paths"].items() for method, op in item.items()
            if method in ("post", "delete", "put", "patch")
            and op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("maxProperties") == 0}


def test_the_document_states_each_write_that_takes_no_body_and_every_one_is_tested(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").get_json()

    writes = _no_body_writes(document)

    assert writes == set(CASES)
    assert all({"415", "422"} <= set(document["paths"][path][method]["responses"]) for method, path in writes)
    assert all(document["paths"][path][method]["requestBody"]["required"] is False for method, path in writes)


@pytest.mark.parametrize("case", list(CASES), ids=lambda c: f"{c[0]} {c[1]}")
def test_a_json_body_is_422_unexpected_body_and_changes_nothing(app: Flask, case: tuple[str, str]) -> None:
    method, url, headers = CASES[case](app)
    recorder = app_services(app).app.recorder
    before = recorder.max_notification_id()

    r = app.test_client().open(url, method=method, json={"reason": "by mistake"}, headers=headers)

    assert (r.status_code, r.get_json()["code"], r.get_json()["errors"]) == (422, "unexpected_body", {"json": ["This write takes no body: send none (or {})."]})
    assert recorder.max_notification_id() == before


@pytest.mark.parametrize("case", list(CASES), ids=lambda c: f"{c[0]} {c[1]}")
def test_a_body_that_is_not_json_is_415(app: Flask, case: tuple[str, str]) -> None:
    method, url, headers = CASES[case](app)

    r = app.test_client().open(url, method=method, data="reason=by mistake", content_type="application/x-www-form-urlencoded", headers=headers)

    assert (r.status_code, r.get_json()["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize("body", [None, {}])
def test_no_body_or_an_empty_object_is_accepted(app: Flask, body: dict[str, Any] | None) -> None:
    method, url, headers = CASES[("post", "/api/v1/proposals/{proposal_id}/submit")](app)

    r = app.test_client().open(url, method=method, json=body, headers=headers) if body is not None else app.test_client().open(url, method=method, headers=headers)

    assert (r.status_code, r.get_json()["status"]) == (200, "submitted")


def test_someone_who_may_not_act_sending_a_body_gets_403_first(app: Flask) -> None:
    pid, _ = _own_draft(app)

    r = app.test_client().post(f"/api/v1/proposals/{pid}/submit", json={"reason": "x"}, headers=bearer(app, _another_member_of_rt1(app)))

    assert (r.status_code, r.get_json()["code"]) == (403, "not_an_author")


def test_a_required_if_match_missing_is_428_before_the_bodys_422(app: Flask) -> None:
    url = f"/api/v1/proposals/{proposal(app, 'prop-rt1-05')['id']}/endorsement/close"

    r = app.test_client().post(url, json={"reason": "x"}, headers=secretariat(app))

    assert (r.status_code, r.get_json()["code"]) == (428, "if_match_required")


@pytest.mark.parametrize("sent", [b"\n", b" \r\n\t"])
def test_a_body_of_white_space_only_is_no_body(app: Flask, sent: bytes) -> None:
    method, url, headers = CASES[("post", "/api/v1/proposals/{proposal_id}/submit")](app)

    r = app.test_client().open(url, method=method, data=sent, content_type="application/json", headers=headers)

    assert (r.status_code, r.get_json()["status"]) == (200, "submitted")


@pytest.mark.parametrize("retried", [b"{}", b"{ }\n", b"\n"])
def test_a_retry_with_an_empty_object_for_no_body_replays_the_first_answer(app: Flask, retried: bytes) -> None:
    method, url, headers = CASES[("post", "/api/v1/proposals/{proposal_id}/submit")](app)
    keyed = {**headers, "Idempotency-Key": "submit-once"}
    client = app.test_client()
    first = client.open(url, method=method, headers=keyed)

    retry = client.open(url, method=method, data=retried, content_type="application/json", headers=keyed)

    assert (first.status_code, retry.status_code, retry.headers.get("Idempotent-Replayed")) == (200, 200, "true")
