"""Reads of a proposal's co-authors and amendments, and search, through the JSON API
(issue 13), on the 2026-Q1 scenario: names only for readers who may see names, the
proposal's version as the co-authors' ETag, search paged like every list."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import participant_id
from tests.integration.api_support import api_app, bearer, draft, member_of


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def two_members(app: Flask) -> tuple[str, str]:
    """References of two members of RT1."""
    from projections import people as people_views
    from projections import tables as table_views
    from tests.e2e.web_support import app_services

    e = app_services(app).projector.engine
    ids = {m["participant_id"] for m in table_views.members(e, "RT1")}
    refs = sorted(p["reference"] for p in people_views.participants(e) if p["id"] in ids)
    return refs[0], refs[1]


def test_the_co_authors_are_named_for_a_participant_and_counted_for_the_public(app: Flask) -> None:
    author, co = two_members(app)
    auth = bearer(app, author)
    p = draft(app, auth)
    client = app.test_client()
    added = client.post(f"/api/v1/proposals/{p['id']}/co-authors", json={"co_author": participant_id(app, co)}, headers=auth)

    named = client.get(f"/api/v1/proposals/{p['id']}/co-authors", headers=auth)
    public = client.get(f"/api/v1/proposals/{p['id']}/co-authors")

    assert added.status_code == 200
    assert named.status_code == 200 and named.headers["ETag"] == added.headers["ETag"]
    assert [c["id"] for c in named.get_json()["co_authors"]] == [participant_id(app, co)]
    assert (public.get_json()["count"], public.get_json()["co_authors"]) == (1, None)


def test_the_co_authors_of_an_unknown_proposal_are_404(app: Flask) -> None:
    r = app.test_client().get("/api/v1/proposals/6f1c1b9e-3f3e-4b8e-9a55-1d0a1f2b3c4d/co-authors")

    assert (r.status_code, r.get_json()["code"]) == (404, "not_found")


def test_the_amendments_of_a_proposal_are_read_with_their_status(app: Flask) -> None:
    author, amender = two_members(app)
    p = draft(app, bearer(app, author))
    client = app.test_client()
    sent = client.post(f"/api/v1/proposals/{p['id']}/amendments", json={"field": "rationale", "operation": "append", "text": "Y el objetivo 7."},
                       headers=bearer(app, amender))

    named = client.get(f"/api/v1/proposals/{p['id']}/amendments", headers=bearer(app, author)).get_json()
    public = client.get(f"/api/v1/proposals/{p['id']}/amendments").get_json()

    assert sent.status_code == 201
    assert [(a["field"], a["operation"], a["text"], a["status"]) for a in named] == [("rationale", "append", "Y el objetivo 7.", "pending")]
    assert named[0]["amender"]["id"] == participant_id(app, amender)
    assert public[0]["amender"] is None and public[0]["text"] == "Y el objetivo 7."


def test_search_finds_a_new_draft_whatever_the_accents_in_pages(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth, title="Corredores humanitarios zapotecas")
    draft(app, auth, title="Otros corredores humanitarios zapotecas")

    first = app.test_client().get("/api/v1/search?q=ZAPOTECAS&page_size=1")
    second = app.test_client().get("/api/v1/search?q=zapotécas&page=2&page_size=1")

    hits = first.get_json()
    assert first.status_code == 200 and first.headers["X-Total-Count"] == "2"
    assert 'rel="next"' in first.headers["Link"] and "q=ZAPOTECAS" in first.headers["Link"]
    assert hits[0]["kind"] == "proposal" and hits[0]["proposal_id"] in {p["id"], second.get_json()[0]["proposal_id"]}
    assert any(piece["marked"] and piece["text"].lower() == "zapotecas" for piece in hits[0]["snippet"])
    assert hits[0]["proposal_id"] != second.get_json()[0]["proposal_id"]


def test_search_without_a_query_is_422_and_one_without_words_finds_nothing(app: Flask) -> None:
    missing = app.test_client().get("/api/v1/search")
    blank = app.test_client().get("/api/v1/search?q=%20%2B%20")

    assert (missing.status_code, missing.get_json()["code"]) == (422, "invalid_input")
    assert (blank.status_code, blank.get_json(), blank.headers["X-Total-Count"]) == (200, [], "0")
