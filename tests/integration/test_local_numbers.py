"""Numbers in error messages are written as the reader writes them (Flask-Babel's
``format_number``: 20.000 in Spanish, 20 000 in French, 20,000 in English), in the pages'
refusals, in the forms' length limits and in the API's marshmallow ``Length`` messages."""

from __future__ import annotations

from flask import Flask

from application.bootstrap import Services
from domain.errors import InvalidInputError
from tests.integration.api_support import DRAFT, api_app, bearer, member_of
from tests.integration.test_web_join_requests import World, ask
from tests.integration.test_web_join_requests import world as world  # noqa: F401, PLC0414  (the fixture)
from web.i18n import refusal_words

NNBSP = "\u202f"  # the narrow no-break space French groups digits with


def test_a_refusal_names_its_limit_as_the_reader_writes_numbers(loaded: Services) -> None:
    app = api_app(loaded)
    e = InvalidInputError("The problem is longer than 20000 characters.", code="text_too_long", field="problem", limit=20_000)
    words = {}
    for lang in ("es", "fr", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            words[lang] = refusal_words(e)

    assert "20.000" in words["es"]
    assert f"20{NNBSP}000" in words["fr"]
    assert "20,000" in words["en"]


def test_a_forms_length_limit_is_written_as_the_reader_writes_numbers(world: World) -> None:  # noqa: F811
    found = {}
    for lang in ("fr", "en"):
        client = world.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        found[lang] = ask(world, client, motivation="x" * 2001).get_data(as_text=True)

    assert f"2{NNBSP}000" in found["fr"]
    assert "2,000" in found["en"]


def test_the_apis_length_message_is_written_as_the_reader_writes_numbers(loaded: Services) -> None:
    import marshmallow as ma

    from web.api.inputs import Length

    app: Flask = api_app(loaded)
    with app.test_request_context("/api/v1/proposals", headers={"Accept-Language": "pt"}):
        try:
            Length(max=20_000)("x" * 20_001)
        except ma.ValidationError as e:
            message = str(e.messages)

    assert "20.000" in message


def test_an_api_text_over_the_rules_limit_is_refused_with_the_rules_code(loaded: Services) -> None:
    app: Flask = api_app(loaded)
    auth = {**bearer(app, member_of(app, "RT1")), "Accept-Language": "pt"}

    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, "title": "x" * 100_001}, headers=auth)

    assert (r.status_code, r.get_json()["errors"]) == (422, {"title": ["text_too_long"]})
