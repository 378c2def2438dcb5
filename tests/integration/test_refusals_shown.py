"""A refused form that is not on the page shown still shows its refusal, with its message, at
the top of the page, with 422 (issue 11, item 8), on SQLite and PostgreSQL: a vote on a round
closed meanwhile, a vote without a seat, a participant scheduling a session and an auditor
joining a table.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from application.bootstrap import Config, bootstrap
from application.clock import FixedClock
from tests.e2e.web_support import app_services, make_app, post_form, sign_in_as
from tests.matrix_support import ON, START, World, build_world


@dataclass
class Site:
    app: Flask
    world: World

    def client_of(self, persona: str) -> FlaskClient:
        client = self.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        sign_in_as(client, self.world.accounts[persona])
        return client


@pytest.fixture
def site(database_url: str, master_key: str) -> Iterator[Site]:
    world = build_world(bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False), clock=FixedClock(START)))
    yield Site(make_app(database_url, master_key, clock=ON.isoformat(), csrf=True), world)


def top_refusal(r: TestResponse) -> tuple[str | None, str]:
    """The code and text of the refusal shown above the page's content ('' when none)."""
    m = re.search(r'<div class="refusal" id="refusal-page" data-code="([^"]*)">\s*<p>(.*?)</p>', r.get_data(as_text=True), re.S)
    return (m.group(1), html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))) if m else (None, "")


def test_a_vote_on_a_round_closed_meanwhile_shows_its_refusal_at_the_top(site: Site) -> None:
    client = site.client_of("representative")
    page = client.get("/liaison").get_data(as_text=True)
    app_services(site.app).app.close_endorsement(site.world.in_round, early=True, actor="secretariat")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    cid = re.search(r'name="command_id"[^>]*value="([^"]+)"', page)
    assert token and cid

    r = client.post("/liaison/votes", data={
        "csrf_token": token.group(1), "command_id": cid.group(1), "proposal_id": site.world.in_round, "seat": "LT-RT1-A",
        "vote": "endorse", "reason": "Lo apoyo.",
    })

    code, text = top_refusal(r)
    assert r.status_code == 422
    assert (code, text) == ("round_closed", "Not done: This endorsement round is closed.")


def test_a_vote_without_a_seat_shows_its_refusal_at_the_top(site: Site) -> None:
    client = site.client_of("member")

    r = post_form(client, "/liaison", "/liaison/votes", proposal_id=site.world.in_round, seat="LT-RT1-A", vote="endorse", reason="")

    code, text = top_refusal(r)
    assert r.status_code == 422
    assert (code, text) == ("not_the_seat_holder", "Not done: Only the holder of LT-RT1-A, during their term, votes for that seat.")


def test_a_participant_scheduling_a_session_sees_the_refusal_at_the_top(site: Site) -> None:
    client = site.client_of("member")

    r = post_form(client, "/sessions", "/sessions", table="RT1", date="2026-02-20", mode="virtual")

    code, text = top_refusal(r)
    assert r.status_code == 422
    assert (code, text) == ("secretariat_only", "Not done: Only the secretariat schedules sessions.")


def test_an_auditor_joining_a_table_sees_the_refusal_at_the_top(site: Site) -> None:
    client = site.client_of("auditor")

    r = post_form(client, "/tables", "/tables/join", table="RT2")

    code, text = top_refusal(r)
    assert r.status_code == 422
    assert (code, text) == ("no_participant", "Not done: Sign in with a participant's account to do this.")


def test_a_refusal_shown_beside_its_form_is_linked_from_the_summary_not_repeated_as_a_refusal(site: Site) -> None:
    client = site.client_of("representative")

    r = post_form(client, "/liaison", "/liaison/votes", proposal_id=site.world.in_round, seat="LT-RT1-B", vote="endorse", reason="")

    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert top_refusal(r) == (None, "")
    assert page.count("Only the holder of LT-RT1-B, during their term, votes for that seat.") == 2  # beside the seat, and its link
    assert re.search(r'<p class="error" id="seat-1-error">Only the holder of LT-RT1-B', page)
    assert re.search(r'<ul class="error-list"><li><a href="#seat-1[^"]*">Seat: Only the holder of LT-RT1-B', page)
