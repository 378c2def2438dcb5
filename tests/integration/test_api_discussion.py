"""The discussion on a proposal through the JSON API (issue 17): GET and POST
``/api/v1/proposals/{id}/comments`` on the 2026-Q1 scenario (clock 2026-03-27)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import act_as, app_services, participant_id
from tests.integration.api_support import api_app, bearer, draft, member_of


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


@dataclass
class Drafted:
    proposal: str
    commenter: str  # participant id of a member of RT1 who is not the author
    auth: dict[str, str]


@pytest.fixture
def drafted(app: Flask) -> Drafted:
    """A draft of RT1 by a member (through the API), and the write token of another member."""
    from projections import people as people_views
    from projections import tables as table_views

    e = app_services(app).projector.engine
    members = {m["participant_id"] for m in table_views.members(e, "RT1")}
    author, other = sorted(p["reference"] for p in people_views.participants(e) if p["id"] in members)[:2]
    proposal = draft(app, bearer(app, author))
    return Drafted(proposal["id"], participant_id(app, other), bearer(app, other))


def url(proposal_id: str) -> str:
    return f"/api/v1/proposals/{proposal_id}/comments"


def test_a_member_comments_and_the_comment_is_answered_201(app: Flask, drafted: Drafted) -> None:
    r = app.test_client().post(url(drafted.proposal), json={"text": "¿Y el *Objetivo 5*?"}, headers=drafted.auth)

    body = r.get_json()
    assert r.status_code == 201
    assert (body["text"], body["reply_to"], body["hidden"], body["author"]["id"]) == ("¿Y el *Objetivo 5*?", None, False, drafted.commenter)


def test_a_comment_leaves_the_proposal_s_etag(app: Flask, drafted: Drafted) -> None:
    pid, auth = drafted.proposal, drafted.auth
    client = app.test_client()
    before = client.get(f"/api/v1/proposals/{pid}").headers["ETag"]

    client.post(url(pid), json={"text": "Un comentario."}, headers=auth)

    assert client.get(f"/api/v1/proposals/{pid}").headers["ETag"] == before


def test_the_public_reads_comments_without_names(app: Flask, drafted: Drafted) -> None:
    pid, auth = drafted.proposal, drafted.auth
    client = app.test_client()
    client.post(url(pid), json={"text": "Un comentario."}, headers=auth)

    r = client.get(url(pid))

    assert [(c["text"], c["author"], c["table"]) for c in r.get_json()] == [("Un comentario.", None, "RT1")]


def test_a_reply_to_a_reply_is_422_and_changes_nothing(app: Flask, drafted: Drafted) -> None:
    pid, auth = drafted.proposal, drafted.auth
    client = app.test_client()
    first = client.post(url(pid), json={"text": "Uno."}, headers=auth).get_json()["id"]
    reply = client.post(url(pid), json={"text": "Dos.", "reply_to": first}, headers=auth).get_json()["id"]

    r = client.post(url(pid), json={"text": "Tres.", "reply_to": reply}, headers=auth)

    assert (r.status_code, r.get_json()["code"]) == (422, "reply_too_deep")
    assert [c["text"] for c in client.get(url(pid)).get_json()] == ["Uno.", "Dos."]


def test_a_member_of_another_table_is_403(app: Flask, drafted: Drafted) -> None:
    pid = drafted.proposal

    r = app.test_client().post(url(pid), json={"text": "Desde RT2."}, headers=bearer(app, member_of(app, "RT2", not_of="RT1")))

    assert (r.status_code, r.get_json()["code"]) == (403, "not_a_member")


def test_a_comment_without_a_token_is_401(app: Flask, drafted: Drafted) -> None:
    pid = drafted.proposal

    r = app.test_client().post(url(pid), json={"text": "Anónimo."})

    assert (r.status_code, r.get_json()["code"]) == (401, "sign_in_required")


def test_an_auditor_reads_a_hidden_comment_s_text(app: Flask, drafted: Drafted) -> None:
    pid, auth = drafted.proposal, drafted.auth
    client = app.test_client()
    cid = client.post(url(pid), json={"text": "Publicidad."}, headers=auth).get_json()["id"]
    app_services(app).app.hide_comment(cid, reason="Fuera de tema.")
    app_services(app).projector.catch_up()
    auditor = app.test_client()
    act_as(auditor, "auditor")

    public = client.get(url(pid)).get_json()[0]
    audited = auditor.get(url(pid)).get_json()[0]

    assert (public["text"], public["hide_reason"], audited["text"]) == (None, "Fuera de tema.", "Publicidad.")


def test_comments_of_an_unknown_proposal_are_404(app: Flask) -> None:
    assert app.test_client().get(url("00000000-0000-4000-8000-000000000000")).status_code == 404
