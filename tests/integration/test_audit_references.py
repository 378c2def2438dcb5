"""Participants' references (``p-01``…) are not in the public audit pages: docs/privacy.md
shows them to participants, the secretariat and auditors only (issue 11, item 10)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from tests.e2e.web_support import account_for, make_app, participant_id, sign_in_as

REFERENCE = re.compile(r"\bp-\d{2}\b")


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _client(app: Flask, role: str | None) -> FlaskClient:
    client = app.test_client()
    if role == "participant":
        sign_in_as(client, account_for(app, "participant", participant_id(app, "p-01")))
    elif role:
        sign_in_as(client, account_for(app, role))
    return client


def _whole_log(client: FlaskClient) -> str:
    pages, after = [], 0
    while True:
        response = client.get(f"/audit/log.json?after={after}&limit=500")
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
        after = response.json["next_after"] if response.json else None
        if not after:
            return "".join(pages)


def test_the_public_log_holds_no_participant_reference(app: Flask) -> None:
    assert REFERENCE.findall(_whole_log(_client(app, None))) == []


@pytest.mark.parametrize("role", ["participant", "secretariat", "auditor"])
def test_those_privacy_names_see_the_references_in_the_log(app: Flask, role: str) -> None:
    assert "p-01" in REFERENCE.findall(_whole_log(_client(app, role)))


def test_a_participants_audit_page_hides_the_reference_from_the_public(app: Flask) -> None:
    pid = participant_id(app, "p-01")

    public = _client(app, None).get(f"/audit/aggregates/{pid}.json").get_data(as_text=True)
    secretariat = _client(app, "secretariat").get(f"/audit/aggregates/{pid}.json").get_data(as_text=True)

    assert REFERENCE.findall(public) == []
    assert "p-01" in secretariat


def test_a_participants_audit_html_page_hides_the_reference_from_the_public(app: Flask) -> None:
    pid = participant_id(app, "p-01")

    page = _client(app, None).get(f"/audit/aggregates/{pid}").get_data(as_text=True)

    assert REFERENCE.findall(page) == []
