"""The API's list filters match a value whatever its case and the spaces around it, as the
pages' filters do (``?table=rt1`` is RT1), and refuse any other value (422)."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import make_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


@pytest.mark.parametrize(("path", "typed", "written"), [
    ("/api/v1/proposals", "table=rt1", "table=RT1"),
    ("/api/v1/proposals", "status=%20Draft%20", "status=draft"),
    ("/api/v1/recommendations", "table=Rt2", "table=RT2"),
    ("/api/v1/sessions", "table=rt1", "table=RT1"),
    ("/api/v1/government-responses", "country=mx", "country=MX"),
])
def test_a_filter_value_in_another_case_reads_as_the_list_writes_it(app: Flask, path: str, typed: str, written: str) -> None:
    client = app.test_client()

    got, expected = client.get(f"{path}?{typed}"), client.get(f"{path}?{written}")

    assert (got.status_code, expected.status_code) == (200, 200)
    assert got.get_json() == expected.get_json()


def test_an_unknown_filter_value_is_still_refused_and_the_document_lists_the_values(app: Flask) -> None:
    client = app.test_client()

    refused = client.get("/api/v1/proposals?table=RT9")
    document = client.get("/api/v1/openapi.json").get_json()

    assert refused.status_code == 422
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/proposals"]["get"]["parameters"]}
    assert parameters["table"]["schema"]["enum"] == ["RT1", "RT2", "RT3", "RT4"]
