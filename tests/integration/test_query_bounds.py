"""Numeric query arguments are read with bounds (400 with the argument's name and range,
never a 500), and ``next`` is followed only as a path of this site (issue 11, item 6)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import proposals as proposal_views
from tests.e2e.web_support import account_for, make_app, sign_in_as

DIGITS_4301 = "9" * 4301  # one past what Python converts from text to int


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


@pytest.fixture
def auditor(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in_as(client, account_for(app, "auditor"))
    return client


def _a_proposal(loaded: Services) -> str:
    return str(proposal_views.list_recommendations(loaded.projector.engine)[0]["id"])


@pytest.mark.parametrize("query", [
    f"/?objective={DIGITS_4301}", f"/recommendations?objective={DIGITS_4301}", "/?objective=²", "/?objective=24",
    "/?objective=0", "/?objective=-3", f"/?page={DIGITS_4301}", "/?page=²", "/?page=0", "/recommendations?page=1000001",
    f"/audit?after={DIGITS_4301}", "/audit/log?after=9223372036854775808", "/audit/log?limit=0", "/audit/log?limit=501",
    f"/audit/log.json?limit={DIGITS_4301}", "/audit/log?after=1e3",
])
def test_a_numeric_argument_out_of_bounds_is_a_400(app: Flask, query: str) -> None:
    assert app.test_client().get(query).status_code == 400


@pytest.mark.parametrize("page", ["?version=", "/diff?from=", "/diff?to="])
def test_an_audit_version_out_of_bounds_is_a_400(app: Flask, loaded: Services, page: str) -> None:
    url = f"/audit/aggregates/{_a_proposal(loaded)}{page}{DIGITS_4301}"

    assert app.test_client().get(url).status_code == 400


@pytest.mark.parametrize("before", [DIGITS_4301, "²", "99999999999999999999999"])
def test_the_security_logs_cursor_out_of_bounds_is_a_400(auditor: FlaskClient, before: str) -> None:
    assert auditor.get(f"/account/security-log?before={before}").status_code == 400


def test_the_400_page_names_the_argument_and_its_range(app: Flask) -> None:
    response = app.test_client().get("/recommendations?objective=24&lang=en")

    assert response.status_code == 400
    assert "objective must be a whole number from 1 to 23" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_400_of_a_json_address_has_the_error_shape(app: Flask) -> None:
    response = app.test_client().get("/audit/log.json?limit=501&lang=en")

    assert response.status_code == 400
    assert response.json is not None
    assert response.json["code"] == "invalid_query_argument"
    assert response.json["status"] == 400
    assert list(response.json["errors"]) == ["limit"]


def test_numbers_within_bounds_still_filter(app: Flask) -> None:
    client = app.test_client()

    assert client.get("/?objective=23").status_code == 200
    assert client.get("/recommendations?objective=1&page=1").status_code == 200
    assert client.get("/audit/log?after=0&limit=500").status_code == 200


@pytest.mark.parametrize("target", ["/me%0d%0aSet-Cookie:%20x=1", "/%0aabc", "/%7Fx", "/%5Cevil.example", "//evil.example", "https://evil.example/"])
def test_a_next_that_is_not_a_plain_same_site_path_is_not_followed(auditor: FlaskClient, target: str) -> None:
    response = auditor.get(f"/login?next={target}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"


def test_a_plain_same_site_next_is_followed(auditor: FlaskClient) -> None:
    response = auditor.get("/login?next=/liaison%3Flang%3Den")

    assert response.status_code == 302
    assert response.headers["Location"] == "/liaison?lang=en"
