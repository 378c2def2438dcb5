"""A form sent past the limit of submissions (429): the page speaks of too many submissions
and how long to wait (not of guessing passwords), shows back the text typed, which was not
stored, and links back to the page holding the form."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from application.bootstrap import Services
from tests.e2e.web_support import add_sample_call, make_app, text_of

TEXT = "Las tasas consulares deberían ser exentas para personas en situación vulnerable."


def _app(services: Services) -> Flask:
    return make_app(services.config.database_url, str(services.config.master_key), clock="2026-04-01")


def _burst(client: FlaskClient, path: str) -> TestResponse:
    for _ in range(200):
        r = client.post(path, data={"in-text": TEXT, "in-csrf_token": "x", "in-command_id": "y"}, headers={"Accept-Language": "en"})
        if r.status_code == 429:
            return r
    raise AssertionError("never limited")


def test_a_form_sent_past_the_limit_shows_the_typed_text_and_the_wait(sqlite_services: Services) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)

    r = _burst(app.test_client(), f"/calls/{call_id}/inputs")
    page = text_of(r.get_data(as_text=True))

    assert (TEXT in r.get_data(as_text=True), "Too many submissions" in page, "passwords" in page, r.headers["Retry-After"].isdigit()) == (True, True, False, True)
    assert f'href="/calls/{call_id}"' in r.get_data(as_text=True)


def _burst_in(client: FlaskClient, path: str, language: str) -> TestResponse:
    for _ in range(200):
        r = client.post(path, data={"in-text": TEXT, "in-organisation_name": "Red Andina", "in-csrf_token": "x", "in-command_id": "y"},
                        headers={"Accept-Language": language})
        if r.status_code == 429:
            return r
    raise AssertionError("never limited")


def test_the_typed_texts_are_named_by_their_fields_labels_in_the_readers_language(sqlite_services: Services) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)

    html = _burst_in(app.test_client(), f"/calls/{call_id}/inputs", "es").get_data(as_text=True)

    assert ("<figcaption>Su aporte</figcaption>" in html, "in-text" in html, "in-organisation_name" in html) == (True, False, False)


def test_of_two_forms_of_a_page_with_one_field_name_the_label_is_the_sent_forms(sqlite_services: Services) -> None:
    from web.limits import field_label

    app = _app(sqlite_services)
    sent = {"call-title": "Consulta", "call-text": "¿Qué proponen?", "call-csrf_token": "x"}

    with app.test_request_context("/calls?lang=en", method="POST", data=sent, headers={"Accept-Language": "en"}):
        assert field_label("call-text") == "What the call asks"
