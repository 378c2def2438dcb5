"""A working table's code typed in an address in another case, or with spaces around it
(percent-encoded), is moved for good to the address with the code as the tables write it,
keeping the query string: 301 for a page's GET, 308 for a form's POST and for the API; an
unknown code is still a 404 (``web/addresses.py``)."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import make_app
from tests.integration.api_support import secretariat


@pytest.fixture
def app(sqlite_services: Services) -> Flask:
    return make_app(sqlite_services.config.database_url, str(sqlite_services.config.master_key))


@pytest.mark.parametrize(("typed", "canonical"), [
    ("/tables/rt1", "/tables/RT1"),
    ("/tables/Rt2?lang=es", "/tables/RT2?lang=es"),
    ("/tables/%20rt3%20", "/tables/RT3"),
    ("/tables/rt4/join", "/tables/RT4/join"),
    ("/tables/rt1/join-requests", "/tables/RT1/join-requests"),
    ("/feeds/tables/rt2.atom?lang=fr", "/feeds/tables/RT2.atom?lang=fr"),
    ("/calendars/tables/rt3.ics", "/calendars/tables/RT3.ics"),
])
def test_a_page_of_a_table_typed_in_another_case_moves_for_good_to_its_address(app: Flask, typed: str, canonical: str) -> None:
    r = app.test_client().get(typed)

    assert (r.status_code, r.headers["Location"]) == (301, canonical)


@pytest.mark.parametrize(("raw", "kept"), [
    ("q=\xc3\xa9", "q=%C3%A9"),  # a UTF-8 é sent unquoted (WSGI gives its bytes as Latin-1 characters)
    ("q=%C3%A9&lang=es&x=a+b", "q=%C3%A9&lang=es&x=a+b"),
    ("q=a b\"<", "q=a%20b%22%3C"),
])
def test_the_moved_address_keeps_the_query_strings_bytes_percent_quoted(app: Flask, raw: str, kept: str) -> None:
    r = app.test_client().get("/tables/rt1", environ_overrides={"QUERY_STRING": raw})

    assert (r.status_code, r.headers["Location"]) == (301, "/tables/RT1?" + kept)


def test_the_moved_address_answers_the_tables_page(app: Flask) -> None:
    r = app.test_client().get("/tables/rt1", follow_redirects=True)

    assert (r.status_code, r.request.path) == (200, "/tables/RT1")


def test_a_form_posted_to_a_table_typed_in_another_case_moves_with_its_method(app: Flask) -> None:
    r = app.test_client().post("/tables/rt1/vacate", data={"seat": "LT-RT1-A"})

    assert (r.status_code, r.headers["Location"]) == (308, "/tables/RT1/vacate")


@pytest.mark.parametrize(("typed", "canonical"), [
    ("/api/v1/tables/rt1", "/api/v1/tables/RT1"),
    ("/api/v1/tables/%20rt2/representatives", "/api/v1/tables/RT2/representatives"),
])
def test_the_apis_table_typed_in_another_case_moves_for_good(app: Flask, typed: str, canonical: str) -> None:
    r = app.test_client().get(typed)

    assert (r.status_code, r.headers["Location"]) == (308, canonical)


@pytest.mark.parametrize("path", ["/tables/RT9", "/tables/rt9", "/feeds/tables/xx.atom", "/calendars/tables/RT0.ics", "/tables/r%20t1/join"])
def test_an_unknown_table_is_still_not_found(app: Flask, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/tables/rt9"), ("GET", "/api/v1/tables/rt9/representatives"), ("GET", "/api/v1/tables/RT9/representatives"),
    ("POST", "/api/v1/tables/rt9/elections"), ("POST", "/api/v1/tables/rt9/vacate"),
])  # join and leave (a participant's): test_api_tables.py
def test_the_apis_unknown_table_keeps_its_own_refusal(app: Flask, method: str, path: str) -> None:
    body = {"seat": "LT-RT1-A", "participant_id": "00000000-0000-4000-8000-000000000001", "term_start": "2026-03-27"}
    r = app.test_client().open(path, method=method, headers=secretariat(app), json=body)

    assert (r.status_code, r.get_json()["code"]) == (404, "unknown_table")


def test_the_api_document_declares_a_tables_code_as_any_string_naming_the_codes(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()

    schemas = [p["schema"] for path, item in doc["paths"].items() if "{code}" in path
               for p in item.get("parameters", []) if p["name"] == "code"]
    assert len(schemas) == 6
    assert all(set(s) == {"type", "description"} and s["type"] == "string" for s in schemas)
    assert all(all(code in s["description"] for code in ("RT1", "RT2", "RT3", "RT4", "308", "unknown_table")) for s in schemas)


@pytest.mark.parametrize("path", ["/api/v1/tables/rt1", "/api/v1/tables/rt2/join", "/tables/rt3"])
def test_options_is_answered_without_a_redirect(app: Flask, path: str) -> None:
    r = app.test_client().options(path)

    assert (r.status_code, "Location" in r.headers) == (200, False)
