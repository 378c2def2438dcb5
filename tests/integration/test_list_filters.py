"""An unknown filter value of a list is a 400 naming the filter and its allowed values, in
the reader's language, as an objective out of range is: never a list of everything."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import make_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


@pytest.mark.parametrize("query", [
    "/?status=bogus", "/?status=adopted", "/?table=RT9", "/recommendations?status=bogus", "/recommendations?status=draft",
    "/recommendations?table=RT9", "/sessions?table=RT9", "/dialogues/responses?country=XX", "/audit?type=Bogus",
    "/audit?type=%25",
])
def test_an_unknown_filter_value_is_a_400(app: Flask, query: str) -> None:
    assert app.test_client().get(query).status_code == 400


def test_the_400_names_the_filter_and_the_allowed_values(app: Flask) -> None:
    response = app.test_client().get("/recommendations?status=bogus&lang=en")

    assert response.status_code == 400
    assert ("status must be one of: adopted, under_liaison_review (under Liaison Table review), endorsed, not_endorsed (not endorsed), "
            "published.") in response.get_data(as_text=True)


def test_the_400_names_each_allowed_value_in_the_readers_language_beside_its_code(app: Flask) -> None:
    statuses = app.test_client().get("/recommendations?status=bogus&lang=es").get_data(as_text=True)
    countries = app.test_client().get("/dialogues/responses?country=XX&lang=es").get_data(as_text=True)

    assert "adopted (adoptada), under_liaison_review (en revisión de la Mesa de Enlace), endorsed (respaldada)," in statuses
    assert "BR (Brasil), BS (Bahamas), BZ (Belice)," in countries


def test_the_400_is_in_the_readers_language(app: Flask) -> None:
    response = app.test_client().get("/?table=RT9&lang=es")

    assert response.status_code == 400
    assert "En la dirección, table debe ser uno de: RT1," in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "/?status=draft&table=RT1", "/recommendations?status=published", "/sessions?table=RT1",
    "/dialogues/responses?country=MX", "/audit?type=Proposal", "/?table=&status=",
])
def test_known_or_empty_filter_values_still_filter(app: Flask, query: str) -> None:
    assert app.test_client().get(query).status_code == 200


def test_a_filter_value_in_another_case_or_with_spaces_filters_as_the_list_writes_it(app: Flask) -> None:
    client = app.test_client()

    typed, written = client.get("/sessions?table=%20rt1%20&lang=en"), client.get("/sessions?table=RT1&lang=en")

    def main(page: str) -> str:  # the list (the language links repeat the address as typed)
        return page[page.index("<main"):page.index("</main>")]

    assert typed.status_code == 200
    assert main(typed.get_data(as_text=True)) == main(written.get_data(as_text=True))
    assert "RT1" in main(written.get_data(as_text=True))


def _language_links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" hreflang="[a-z]{2}"', page)


def test_the_400s_language_links_leave_out_a_long_refused_value_and_keep_the_rest(app: Flask) -> None:
    page = app.test_client().get("/?status=draft&table=" + "x" * 10_000).get_data(as_text=True)

    links = _language_links(page)
    assert links == [f"/?status=draft&amp;lang={code}" for code in ("es", "en", "pt", "fr")]
    assert "x" * 200 not in page


def test_the_400s_language_links_keep_a_short_refused_value_to_show_the_refusal_in_that_language(app: Flask) -> None:
    page = app.test_client().get("/?table=RT9").get_data(as_text=True)

    assert _language_links(page) == [f"/?table=RT9&amp;lang={code}" for code in ("es", "en", "pt", "fr")]


@pytest.mark.parametrize(("query", "kept"), [
    ("table=RT9&page=" + "9" * 10_000, "table=RT9&amp;"),
    ("table=" + "x" * 10_000 + "&status=" + "y" * 10_000, ""),
    ("table=" + "x" * 10_000 + "&zz=" + "z" * 10_000, ""),
])
def test_the_400s_language_links_leave_out_every_long_value_whatever_its_key(app: Flask, query: str, kept: str) -> None:
    page = app.test_client().get("/?" + query).get_data(as_text=True)

    assert _language_links(page) == [f"/?{kept}lang={code}" for code in ("es", "en", "pt", "fr")]
    assert all(c * 200 not in page for c in "9xyz")
