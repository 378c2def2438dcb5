"""An address that only takes a form's POST, opened with GET (reloading the page of a refused
form, a bookmark): it goes (303) to the page holding the form; any other method not allowed
is the site's own 405 page in the visitor's language, not the framework's English one."""

from __future__ import annotations

from uuid import uuid4

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import add_sample_call, make_app, text_of


def _app(services: Services) -> Flask:
    return make_app(services.config.database_url, str(services.config.master_key), clock="2026-04-01")


def test_a_get_of_a_calls_inputs_address_goes_to_the_call_page(sqlite_services: Services) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)

    r = app.test_client().get(f"/calls/{call_id}/inputs")

    assert (r.status_code, r.headers["Location"]) == (303, f"/calls/{call_id}")


def test_a_get_of_a_proposals_comments_address_goes_to_the_proposal_page(sqlite_services: Services) -> None:
    pid = str(uuid4())

    r = _app(sqlite_services).test_client().get(f"/proposals/{pid}/comments")

    assert (r.status_code, r.headers["Location"]) == (303, f"/proposals/{pid}")


@pytest.mark.parametrize(("language", "heading"), [("es", "No es una página"), ("en", "Not a page")])
def test_another_method_not_allowed_is_the_sites_page_in_the_visitors_language(sqlite_services: Services, language: str, heading: str) -> None:
    r = _app(sqlite_services).test_client().put("/login", headers={"Accept-Language": language})

    assert (r.status_code, heading in text_of(r.get_data(as_text=True)), "Method Not Allowed" in r.get_data(as_text=True)) == (405, True, False)


def test_the_405_page_names_the_methods_the_address_takes(sqlite_services: Services) -> None:
    r = _app(sqlite_services).test_client().put("/login")

    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "OPTIONS"}
