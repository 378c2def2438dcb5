"""A page whose language follows the reader's ``Accept-Language`` (or the language cookie)
says so in ``Vary``, for the signed-in and the anonymous reader, cached or not; a page
asked in one language with ``?lang=`` does not depend on the header."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import act_as, make_app


def _app(services: Services) -> Flask:
    return make_app(services.config.database_url, str(services.config.master_key))


def _vary(header: str | None) -> set[str]:
    return {v.strip().lower() for v in (header or "").split(",") if v.strip()}


@pytest.mark.parametrize("path", ["/recommendations", "/login", "/me", "/no-such-page"])
def test_a_page_in_the_language_of_accept_language_varies_on_it(sqlite_services: Services, path: str) -> None:
    client = _app(sqlite_services).test_client()
    act_as(client, "secretariat")

    r = client.get(path, headers={"Accept-Language": "pt"})

    assert "accept-language" in _vary(r.headers.get("Vary"))


def test_an_anonymous_page_read_twice_varies_on_accept_language_both_times(sqlite_services: Services) -> None:
    client = _app(sqlite_services).test_client()

    varies = ["accept-language" in _vary(client.get("/recommendations", headers={"Accept-Language": "en"}).headers.get("Vary")) for _ in range(2)]

    assert varies == [True, True]


def test_a_page_asked_with_lang_does_not_vary_on_accept_language(sqlite_services: Services) -> None:
    client = _app(sqlite_services).test_client()
    act_as(client, "secretariat")

    r = client.get("/me?lang=fr", headers={"Accept-Language": "pt"})

    assert "accept-language" not in _vary(r.headers.get("Vary"))
