"""A proposal's version and an aggregate's state at a version, asked for a version that does
not exist (0, negative, beyond the last, not a number, beyond any integer the database
holds), on SQLite and PostgreSQL: 404 (or the API's 422 for a query argument out of its
range), never a server error."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import account_for, make_app, sign_in_as


@pytest.fixture
def proposal(services: Services) -> tuple[Flask, str]:
    author = seed_members(services.app, 1)[0]
    pid = draft_sample_proposal(services.app, author)
    services.projector.catch_up()
    return make_app(services.config.database_url, str(services.config.master_key)), str(pid)


@pytest.mark.parametrize("number", ["0", "-1", "2", "999", "abc", "1.5", str(10**30), str(2**63)])
def test_a_version_of_a_proposal_that_does_not_exist_is_404(proposal: tuple[Flask, str], number: str) -> None:
    web, pid = proposal

    r = web.test_client().get(f"/proposals/{pid}/versions/{number}")

    assert r.status_code == 404


def test_the_first_version_of_a_proposal_is_shown(proposal: tuple[Flask, str]) -> None:
    web, pid = proposal

    assert web.test_client().get(f"/proposals/{pid}/versions/1").status_code == 200


@pytest.mark.parametrize("number", ["0", "-1", "999", "abc", str(10**30)])
def test_an_aggregate_at_a_version_that_does_not_exist_is_not_a_server_error(proposal: tuple[Flask, str], number: str) -> None:
    web, pid = proposal
    client = web.test_client()
    sign_in_as(client, account_for(web, "auditor"))

    r = client.get(f"/api/v1/audit/aggregates/{pid}?version={number}")

    assert r.status_code in (404, 422), r.get_json()
