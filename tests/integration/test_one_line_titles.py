"""A title stored before titles had to be one line (an older release took line breaks in
it) still loads, and is shown on one line (``web.typed_text.one_line``); a new one is
refused by the domain (``not_one_line``, tests/unit/test_text_rules.py)."""

from __future__ import annotations

import re

import pytest

import domain.base
from domain.reference import ALL_GOVERNMENTS
from tests.e2e.web_support import act_as
from tests.integration.test_web_proposals import Site
from tests.integration.test_web_proposals import site as site  # noqa: F401, PLC0414  (the fixture)
from web.typed_text import one_line


def test_a_proposal_stored_with_a_line_break_in_its_title_loads_and_shows_it_on_one_line(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    with monkeypatch.context() as older_release:
        older_release.setattr(domain.base, "SINGLE_LINE_FIELDS", frozenset())
        pid = site.services.app.draft_proposal(
            actor=site.author, table="RT1", title="Título\r\nsegunda línea", problem="Problema", recommendation="Recomendación",
            rationale="Razones", objectives=[2], targets=[ALL_GOVERNMENTS], language="es",
        )
    site.services.wait_for_views()
    client = site.client()
    act_as(client, "participant", site.other)

    r = client.get(f"/proposals/{pid}?lang=es")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", r.get_data(as_text=True), re.S)

    assert site.services.app.proposal(pid).title == "Título\r\nsegunda línea"
    assert (r.status_code, h1.group(1) if h1 else None) == (200, "Título segunda línea")


def test_one_line_reads_each_run_of_line_breaks_and_overrides_as_one_space() -> None:
    assert one_line("Eve\r\n\r\nBcc: x\u202e\tz") == "Eve Bcc: x z"
    assert one_line("Título \u200fعربي") == "Título \u200fعربي"


def refused_title(site: Site, lang: str) -> str:  # noqa: F811
    from tests.integration.test_web_proposals import _draft_data, _draft_form

    client = site.client()
    act_as(client, "participant", site.author)
    r = client.post(f"/proposals/new?lang={lang}", data=_draft_data(_draft_form(client), title="Ventanillas\túnicas"))
    assert r.status_code == 422
    return " ".join(re.sub(r"<[^>]+>", " ", r.get_data(as_text=True)).split())


def test_a_tab_in_a_title_is_refused_in_english_naming_tabs_and_the_field_once(site: Site) -> None:  # noqa: F811
    page = refused_title(site, "en")

    assert "Title: This field is one line: remove its line breaks, tabs and invisible control characters." in page
    assert "The title must be one line" not in page


def test_a_tab_in_a_title_is_refused_in_spanish_naming_tabs(site: Site) -> None:  # noqa: F811
    page = refused_title(site, "es")

    assert "Este campo ocupa una sola línea: quite sus saltos de línea, tabulaciones y caracteres de control invisibles." in page
