"""The API's reads on the 2026-Q1 scenario (issue 13): the OpenAPI 3.1 document, the list of
proposals with filters, pages, Link headers and a total, one proposal with its version as
ETag, the board's recommendations, working tables, and the one error shape."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import proposals as proposal_views
from tests.e2e.web_support import act_as, make_app, participant_id

ERROR_KEYS = {"code", "status", "message", "errors"}


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _proposal(loaded: Services, reference: str) -> dict:
    return next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == reference)


def test_the_document_is_openapi_3_1_with_every_read_operation(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()

    assert doc["openapi"] == "3.1.0"
    assert {"/api/v1/proposals", "/api/v1/proposals/{proposal_id}", "/api/v1/recommendations", "/api/v1/tables",
            "/api/v1/tables/{code}", "/api/v1/tables/{code}/representatives"} <= set(doc["paths"])


def test_the_document_describes_the_one_error_shape(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()

    assert set(doc["components"]["schemas"]["Error"]["properties"]) == ERROR_KEYS


def test_a_page_of_proposals_carries_the_total_and_a_link_to_the_next(app: Flask, loaded: Services) -> None:
    total = len(proposal_views.list_recommendations(loaded.projector.engine))

    r = app.test_client().get("/api/v1/proposals?page_size=3")

    assert r.status_code == 200
    assert len(r.get_json()) == 3
    assert r.headers["X-Total-Count"] == str(total)
    assert 'rel="next"' in r.headers["Link"] and 'rel="prev"' not in r.headers["Link"]
    assert "page=2&page_size=3" in r.headers["Link"]


def test_the_second_page_links_back_and_keeps_the_filters(app: Flask) -> None:
    r = app.test_client().get("/api/v1/proposals?table=RT1&page=2&page_size=1")

    assert '?table=RT1&page=1&page_size=1>; rel="prev"' in r.headers["Link"]


def test_pages_follow_one_another_without_repeating_a_proposal(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    seen = []
    for page in range(1, 100):
        items = client.get(f"/api/v1/proposals?page={page}&page_size=4").get_json()
        if not items:
            break
        seen += [p["id"] for p in items]

    assert sorted(seen) == sorted(r["id"] for r in proposal_views.list_recommendations(loaded.projector.engine))
    assert len(set(seen)) == len(seen)


def test_the_filters_select_by_table_status_and_objective(app: Flask) -> None:
    client = app.test_client()

    by_table = client.get("/api/v1/proposals?table=RT3&page_size=100").get_json()
    adopted = client.get("/api/v1/proposals?status=published&page_size=100").get_json()
    objective = client.get("/api/v1/proposals?objective=2&page_size=100").get_json()

    assert by_table and {p["table"] for p in by_table} == {"RT3"}
    assert adopted and {p["status"] for p in adopted} == {"published"}
    assert objective and all(2 in p["objectives"] for p in objective)


def test_an_unknown_filter_value_is_refused_in_the_error_shape(app: Flask) -> None:
    r = app.test_client().get("/api/v1/proposals?status=approved")

    assert r.status_code == 422
    body = r.get_json()
    assert set(body) == ERROR_KEYS
    assert (body["code"], body["status"]) == ("invalid_input", 422)
    assert "status" in body["errors"]["query"]


def test_a_proposal_carries_its_aggregate_version_as_etag(app: Flask, loaded: Services) -> None:
    p = _proposal(loaded, "prop-rt1-01")

    r = app.test_client().get(f"/api/v1/proposals/{p['id']}")

    assert r.status_code == 200
    assert r.headers["ETag"] == f'"{p["version"]}"'
    assert r.get_json()["version"] == p["version"]


def test_a_proposal_not_modified_since_its_etag_answers_304(app: Flask, loaded: Services) -> None:
    p = _proposal(loaded, "prop-rt1-01")

    r = app.test_client().get(f"/api/v1/proposals/{p['id']}", headers={"If-None-Match": f'"{p["version"]}"'})

    assert r.status_code == 304


def test_an_unknown_proposal_is_404_in_the_error_shape(app: Flask) -> None:
    r = app.test_client().get("/api/v1/proposals/6f1c1b9e-3f3e-4b8e-9a55-1d0a1f2b3c4d")

    assert r.status_code == 404
    assert r.get_json() == {"code": "not_found", "status": 404, "message": "No proposal with this id.", "errors": {}}


def test_the_public_reads_no_author_and_a_participant_reads_their_names(app: Flask, loaded: Services) -> None:
    p = _proposal(loaded, "prop-rt1-01")
    public = app.test_client()
    member = app.test_client()
    act_as(member, "participant", participant_id(app, "p-01"))

    assert public.get(f"/api/v1/proposals/{p['id']}").get_json()["authors"] is None
    authors = member.get(f"/api/v1/proposals/{p['id']}").get_json()["authors"]
    assert authors[0]["id"] == p["author_id"] and authors[0]["role"] == "author" and authors[0]["name"]


def test_the_board_lists_every_proposal(app: Flask, loaded: Services) -> None:
    r = app.test_client().get("/api/v1/recommendations?page_size=1")

    assert r.headers["X-Total-Count"] == str(len(proposal_views.list_recommendations(loaded.projector.engine)))


def test_published_recommendations_carry_their_provenance(app: Flask) -> None:
    published = app.test_client().get("/api/v1/recommendations?status=published&page_size=100").get_json()

    assert published and {r["status"] for r in published} == {"published"}
    assert all(r["adopted_in"]["reference"] for r in published)
    assert all(r["endorsement_rounds"] and r["endorsement_rounds"][-1]["outcome"] == "endorsed" for r in published)


def test_a_working_table_names_its_members_only_to_those_who_see_names(app: Flask) -> None:
    public = app.test_client().get("/api/v1/tables/RT1").get_json()
    secretariat = app.test_client()
    act_as(secretariat, "secretariat")
    named = secretariat.get("/api/v1/tables/RT1").get_json()

    assert public["members"] is None and public["member_count"] > 0
    assert len(named["members"]) == public["member_count"] and all(m["name"] for m in named["members"])
    assert all(r["representative"] is None for r in public["representatives"])


def test_the_tables_list_the_four_working_tables_with_representatives_in_term(app: Flask) -> None:
    tables = app.test_client().get("/api/v1/tables").get_json()

    assert [t["code"] for t in tables] == ["RT1", "RT2", "RT3", "RT4"]
    assert all(r["in_term"] for t in tables for r in t["representatives"])
    assert any(t["representatives"] for t in tables)


def test_an_unknown_working_table_is_404_with_its_code(app: Flask) -> None:
    r = app.test_client().get("/api/v1/tables/RT9/representatives")

    assert (r.status_code, r.get_json()["code"]) == (404, "unknown_table")


def test_a_method_the_address_does_not_take_is_405_in_the_error_shape(app: Flask) -> None:
    r = app.test_client().delete("/api/v1/tables")

    assert r.status_code == 405
    assert set(r.get_json()) == ERROR_KEYS and r.get_json()["code"] == "method_not_allowed"


def test_an_unknown_api_address_is_404_in_the_error_shape_and_a_page_stays_html(app: Flask) -> None:
    client = app.test_client()

    api = client.get("/api/v1/nothing-here")
    page = client.get("/nothing-here")

    assert api.status_code == 404 and api.get_json()["code"] == "not_found"
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_api_answers_are_never_cached_nor_framed(app: Flask) -> None:
    r = app.test_client().get("/api/v1/tables")

    assert r.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
