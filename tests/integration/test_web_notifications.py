"""The notifications page and the preference form through HTTP (issue 18, "In the
service"), on the 2026-Q1 scenario (clock 2026-03-27): the count of unseen notifications
in the navigation, marking them seen, and a refused preference form that comes back with
every choice and error and changes nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from tests.conftest import notified_from_the_log_start
from tests.e2e.web_support import act_as, app_services, make_app, participant_id, text_of, token


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


@pytest.fixture
def author(app: Flask) -> FlaskClient:
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-01"))
    s = app_services(app)
    account = s.accounts.of_participant(participant_id(app, "p-01"))
    assert account is not None
    notified_from_the_log_start(s.accounts.engine, account.id)  # told of the scenario recorded before the account
    return client


def _count(page: str) -> int:
    m = re.search(r'href="/notifications"[^>]*>[^<]*<span class="count">(\d+)</span>', page)
    return int(m.group(1)) if m else 0


def test_the_navigation_counts_the_unseen_notifications_and_marking_them_seen_clears_it(author: FlaskClient) -> None:
    page = author.get("/notifications?lang=en").get_data(as_text=True)
    shown = _count(page)

    r = author.post("/notifications/seen", data={"csrf_token": token(page)})
    after = author.get("/?lang=en").get_data(as_text=True)

    assert shown > 0 and f"{shown} notifications not seen yet." in text_of(page)
    assert "Colombia responded to " in text_of(page)
    assert r.status_code == 302 and _count(after) == 0


def test_one_notification_is_marked_seen(author: FlaskClient) -> None:
    page = author.get("/notifications").get_data(as_text=True)
    first = re.search(r'name="id" value="(\d+)"', page)
    assert first
    shown = _count(page)

    author.post("/notifications/seen", data={"csrf_token": token(page), "id": first.group(1)})

    assert _count(author.get("/notifications").get_data(as_text=True)) == shown - 1


def test_the_public_is_sent_to_sign_in(app: Flask) -> None:
    r = app.test_client().get("/notifications")

    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_refused_preference_form_keeps_every_choice_and_shows_every_error(app: Flask, author: FlaskClient) -> None:
    page = author.get("/notifications/preferences?lang=en").get_data(as_text=True)
    form = {"csrf_token": token(page), "session_scheduled": "weekly", "agenda_item_added": "hourly", "positions_due": "sometimes"}

    r = author.post("/notifications/preferences?lang=en", data=form)
    body = r.get_data(as_text=True)

    assert r.status_code == 422
    assert body.count("Choose immediately, daily digest, weekly digest or never.") >= 3  # the summary and both fields
    assert re.search(r'<option selected value="weekly">|<option value="weekly" selected>', body.split('id="session_scheduled"')[1])
    s = app_services(app)
    account = s.accounts.of_participant(participant_id(app, "p-01"))
    assert account is not None
    assert s.notifications.preferences(account.id, s.notifications.roles(account, s.app.clock.today()))["session_scheduled"] == "daily"


def test_the_preference_form_saves_each_kind(app: Flask, author: FlaskClient) -> None:
    page = author.get("/notifications/preferences").get_data(as_text=True)
    names = re.findall(r'<select id="(\w+)" name="\1"', page)
    form = {"csrf_token": token(page), **dict.fromkeys(names, "weekly"), "round_opened": "none"}

    r = author.post("/notifications/preferences", data=form)

    s = app_services(app)
    account = s.accounts.of_participant(participant_id(app, "p-01"))
    assert account is not None
    saved = s.notifications.preferences(account.id, s.notifications.roles(account, s.app.clock.today()))
    assert r.status_code == 302
    assert "round_opened" in names and saved == {**dict.fromkeys(names, "weekly"), "round_opened": "none"}


def test_a_typed_title_is_isolated_in_the_notification_sentence(app: Flask) -> None:
    from web.notification_words import describe

    with app.test_request_context("/?lang=en"):
        sentence = describe("proposal_published", {"title": "Vías \u202eseguras"})

    assert sentence == "\u2068Vías \u202eseguras\u2069 is published to governments."


@pytest.mark.parametrize("raw", ["1" + "0" * 4300, "²", "9" * 20])
def test_an_id_that_is_no_notification_number_is_400_and_marks_nothing(author: FlaskClient, raw: str) -> None:
    page = author.get("/notifications").get_data(as_text=True)
    shown = _count(page)

    r = author.post("/notifications/seen", data={"csrf_token": token(page), "id": raw})

    assert (r.status_code, _count(author.get("/notifications").get_data(as_text=True))) == (400, shown)
