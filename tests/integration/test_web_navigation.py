"""Navigation on a phone, checked on the HTML (the browser tests measure it): the menu
folds without JavaScript (details/summary), the current page is marked with
aria-current, and every part of the page sits in a landmark (banner, main, contentinfo)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import make_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def test_the_menu_folds_without_javascript(app: Flask) -> None:
    page = app.test_client().get("/?lang=en").get_data(as_text=True)

    menu = re.search(r'<details class="menu">\s*<summary>Menu</summary>(.*?)</details>', page, re.S)
    assert menu and 'aria-label="Main"' in menu.group(1)
    assert "<script" not in page


@pytest.mark.parametrize(("path", "current"), [
    ("/", "Draft recommendations"), ("/recommendations", "Adopted recommendations"), ("/tables/RT2", "Working tables"),
    ("/sessions", "Table sessions"), ("/audit/log", "Audit"),
])
def test_the_current_page_is_marked(app: Flask, path: str, current: str) -> None:
    page = app.test_client().get(f"{path}?lang=en").get_data(as_text=True)

    assert re.findall(r'aria-current="page">([^<]+)</a>', page) == [current]


def test_every_part_of_the_page_is_in_a_landmark(app: Flask) -> None:
    page = app.test_client().get("/tables/RT1?lang=en").get_data(as_text=True)
    body = page.split("<body>", 1)[1]

    outside = re.sub(r'<a class="skip"[^>]*>.*?</a>|<header class="site">.*?</header>|<main id="main">.*</main>|<footer>.*?</footer>', "", body, flags=re.S)
    assert re.sub(r"<[^>]+>|\s", "", outside) == ""
    assert body.index("<h1") > body.index('<main id="main">')


def test_the_scrolling_table_can_be_reached_and_is_named(app: Flask) -> None:
    page = app.test_client().get("/tables/RT1?lang=en").get_data(as_text=True)

    assert '<div class="scroll" role="region" tabindex="0" aria-labelledby="activity-h">' in page
