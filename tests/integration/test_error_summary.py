"""A refused form's page begins with one error summary at the top of ``<main>``, announced
(role="alert"): the refusal of the whole command first, then every field's error as a link to
its control; its ``<title>`` begins with "Error: " in the reader's language. The form macros
give every form the summary (web/error_summary.py)."""

from __future__ import annotations

import html
import re

from tests.e2e.web_support import act_as, command_id, token
from tests.integration.test_web_proposals import (
    Site,
    _draft_data,
    _draft_form,
    _drafted,
    open_revision,
    send_revision,
)
from tests.integration.test_web_proposals import site as site  # noqa: F401, PLC0414  (the fixture)


def title_of(body: str) -> str:
    m = re.search(r"<title>(.*?)</title>", body, re.S)
    assert m
    return html.unescape(m.group(1)).strip()


def summary_of(body: str) -> str:
    """The summary's markup, which must come first in <main>."""
    m = re.search(r'<main id="main">\s*(<div class="error-summary" role="alert"[^>]*>.*?</ul>\s*</div>|<div class="error-summary" role="alert"[^>]*>.*?</div>\s*</div>)', body, re.S)
    assert m, "no error summary at the top of <main>"
    return m.group(1)


def links_of(summary: str) -> list[tuple[str, str]]:
    return [(t, html.unescape(x)) for t, x in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', summary)]


def test_an_empty_draft_lists_every_error_at_the_top_as_links_to_the_fields(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=en", data={"csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "language": "es"})

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    targets = [t for t, _ in links_of(summary_of(body))]
    assert targets == ["title", "problem", "recommendation", "rationale", "objectives-group", "targets-all"]
    for t in targets:
        assert f'id="{t}"' in body


def test_the_title_of_a_refused_form_begins_with_error_in_spanish(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=es", data={"csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "language": "es"})

    assert title_of(r.get_data(as_text=True)).startswith("Error: Redactar una propuesta")


def test_a_page_without_errors_has_no_summary_and_a_plain_title(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)

    body = _draft_form(client)

    assert 'class="error-summary"' not in body
    assert not title_of(body).startswith("Error")


def test_the_refusal_of_the_whole_command_heads_the_summary(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.other)

    r = send_revision(client, pid, page, title="", problem="Problema ajeno", targets=["all governments of the region"])

    body = r.get_data(as_text=True)
    summary = summary_of(body)
    assert r.status_code == 422
    first = re.search(r'<div class="refusal" id="refusal-page"[^>]*>\s*<p>(.*?)</p>', summary, re.S)
    assert first and "Only the author or a co-author may revise" in html.unescape(re.sub(r"<[^>]+>", "", first.group(1)))
    assert title_of(body).startswith("Error: ")


def test_a_refused_sign_in_has_the_summary_and_the_error_title(site: Site) -> None:  # noqa: F811
    client = site.client()
    page = client.get("/login?lang=en").get_data(as_text=True)

    r = client.post("/login?lang=en", data={"csrf_token": token(page), "email": "nadie@example.org", "password": "no es la clave"})

    body = r.get_data(as_text=True)
    assert 'class="refusal" id="refusal-page"' in summary_of(body)
    assert title_of(body).startswith("Error: ")


def test_a_draft_with_a_wrong_objective_keeps_the_text_and_links_the_objectives(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)

    r = client.post("/proposals/new?lang=en", data=_draft_data(_draft_form(client), objectives=["8"]))

    body = r.get_data(as_text=True)
    assert "meses 🌎 por un turno." in body
    assert [t for t, _ in links_of(summary_of(body))] == ["objectives-group"]


def test_each_link_of_the_summary_names_its_field_in_spanish(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=es", data={"csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "language": "es"})

    texts = [x for _, x in links_of(summary_of(r.get_data(as_text=True)))]
    assert texts[:4] == [
        "Título: Este texto no puede quedar vacío.",
        "Problema: Este texto no puede quedar vacío.",
        "Recomendación: Este texto no puede quedar vacío.",
        "Fundamentación: Este texto no puede quedar vacío.",
    ]
    assert len(set(texts)) == len(texts)
