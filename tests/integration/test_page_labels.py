"""Every page in es, en, pt and fr shows labels, never codes: no ``snake_case`` word, no
``CamelCase`` class or ``Aggregate.Event`` topic in the visible text, and on the es, pt and
fr pages no English message id left untranslated. The raw event data of the audit pages
(``<pre>``), commands and file names to type (``<code>``, ``….py``) and people's own
names are apart.

The pages are found by following the site's links (:mod:`tests.integration.page_crawl`)
as the public, a member and the secretariat."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import (
    act_as,
    add_sample_call,
    add_sample_join_request,
    make_app,
    participant_id,
)
from tests.integration.page_crawl import STARTS, crawl

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"
CODE_LIKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b(?!\.py)|\b[A-Z][a-z]{2,}[A-Z][A-Za-z]*\b|\b[A-Z][a-z]+\.[A-Z][A-Za-z]+\b")
# Proper names of the scenario's organisations (written as one word by their members).
PROPER_NAMES = {"RemesaJusta"}


class VisibleText(HTMLParser):
    """The text nodes a person reads, without raw data (pre), code to type (code), and
    what is not shown (title, style, script)."""

    SKIPPED = {"pre", "code", "script", "style", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def text_nodes(page: str) -> list[str]:
    p = VisibleText()
    p.feed(page)
    return p.nodes


def english_ids(lang: str) -> set[str]:
    """Message ids whose translation in ``lang`` differs from the English (only those
    without placeholders, of two words or more: a single word may be the same in both)."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        m.id for m in catalog
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and m.string != m.id
        and "%(" not in m.id and " " in m.id.strip()
    }


@pytest.fixture(scope="module")
def pages(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(role, language) → [(address, HTML)] of every page reached by links."""
    src, key, _ = loaded_scenario_file
    dst = tmp_path_factory.mktemp("labels") / "copy.sqlite"
    shutil.copy(src, dst)
    app: Flask = make_app(f"sqlite:///{dst}", key, clock="2026-03-27")
    add_sample_call(app)
    add_sample_join_request(app)
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for role in ("public", "p-01", "secretariat"):
        for lang in ("es", "en", "pt", "fr"):
            client = app.test_client()
            if role == "p-01":
                act_as(client, "participant", participant_id(app, role))
            elif role != "public":
                act_as(client, role)
            client.get(f"/?lang={lang}")
            found[(role, lang)] = list(crawl(client, starts=(*STARTS, "/privacy/participation")))
    return found


@pytest.mark.parametrize("lang", ["es", "en", "pt", "fr"])
def test_no_page_shows_a_code_like_word(pages: dict[tuple[str, str], list[tuple[str, str]]], lang: str) -> None:
    problems = {}
    for role in ("public", "p-01", "secretariat"):
        for url, page in pages[(role, lang)]:
            words = sorted({w for node in text_nodes(page) for w in CODE_LIKE.findall(node)} - PROPER_NAMES)
            if words:
                problems[f"{role} {url}"] = words
    assert problems == {}


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_no_page_shows_an_english_message_id(pages: dict[tuple[str, str], list[tuple[str, str]]], lang: str) -> None:
    english = english_ids(lang)
    problems = {}
    for role in ("public", "p-01", "secretariat"):
        for url, page in pages[(role, lang)]:
            left = sorted({n for n in text_nodes(page) if n in english})
            if left:
                problems[f"{role} {url}"] = left
    assert problems == {}


def test_the_crawl_reaches_the_pages_of_every_area(pages: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
    reached = {url.split("?")[0].split("/")[1] for url, _ in pages[("secretariat", "es")]}
    assert {"", "recommendations", "proposals", "sessions", "tables", "liaison", "dialogues", "dashboards", "audit", "me", "privacy"} <= reached


def test_the_check_finds_a_code_planted_on_purpose() -> None:
    nodes = text_nodes("<main><p>Regla: quorum_not_reached</p><p>Organisation.Registered</p><pre>raw_data</pre></main>")
    assert [w for n in nodes for w in CODE_LIKE.findall(n)] == ["quorum_not_reached", "Organisation.Registered"]


def test_an_unknown_address_gets_the_sites_page_in_the_visitors_language(loaded: Services) -> None:
    app = make_app(loaded.config.database_url, str(loaded.config.master_key))
    r = app.test_client().get("/no/such/page?lang=pt")
    assert r.status_code == 404
    assert "<h1>Não encontrado</h1>" in r.get_data(as_text=True)
