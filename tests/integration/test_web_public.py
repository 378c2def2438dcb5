"""What the public and the other viewers read on the 2026-Q1 scenario: no personal data
for the public, names for auditors, positions only for table members and auditors, the
planted messy texts exactly as typed, and the four languages."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from markupsafe import escape

from application.bootstrap import Services
from projections import proposals as proposal_views
from projections import sessions as session_views
from tests.conftest import SCENARIO
from tests.e2e.web_support import act_as, app_services, make_app, participant_id, text_of

NAMES = [p["display_name"] for p in json.loads((SCENARIO / "participants.json").read_text("utf-8"))]


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _ids(loaded: Services, *references: str) -> dict[str, str]:
    rows = proposal_views.list_recommendations(loaded.projector.engine)
    return {r["reference"]: r["id"] for r in rows if r["reference"] in references}


def _session(loaded: Services, reference: str) -> str:
    return next(s["id"] for s in session_views.list_sessions(loaded.projector.engine) if s["reference"] == reference)


def _public_pages(loaded: Services) -> list[str]:
    ids = _ids(loaded, "prop-rt1-01", "prop-rt3-01", "prop-rt2-05")
    sessions = [f"/sessions/{s['id']}" for s in session_views.list_sessions(loaded.projector.engine)]
    tables = [f"/tables/{t}" for t in ("RT1", "RT2", "RT3", "RT4")]
    return [
        "/", "/recommendations", "/sessions", "/liaison", "/login", "/tables", "/dialogues", *tables, *sessions,
        *[f"/proposals/{i}" for i in ids.values()],
    ]


def test_the_public_pages_show_no_participant_name(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    shown = {}
    for url in _public_pages(loaded):
        r = client.get(url)
        assert r.status_code == 200, url
        shown[url] = [n for n in NAMES if n in r.get_data(as_text=True)]

    assert {url: names for url, names in shown.items() if names} == {}


def test_the_pages_of_seats_follow_up_and_dialogues_name_nobody_to_the_public(app: Flask, loaded: Services) -> None:
    from datetime import date

    s = app_services(app)
    focal_point = participant_id(app, "p-01")
    published = _ids(loaded, "prop-rt1-01")["prop-rt1-01"]
    s.app.nominate_un_agency(seat="LT-UN-1", agency="OIM / IOM", consensus_record="Acta GT-SC", focal_point=focal_point)
    s.app.record_follow_up(published, country="CO", progress="in_progress", note="Informe publicado.", on=date(2026, 3, 20))
    s.app.schedule_government_dialogue(period="2026-H1", on=date(2026, 3, 27), title="Diálogo 2026-I", governments=["all governments of the region"])
    s.app.present_at_dialogue("2026-H1", published)
    s.wait_for_views()
    secretariat = app.test_client()
    act_as(secretariat, "secretariat")
    urls = ["/liaison", "/dialogues", "/tables", "/tables/RT1", f"/proposals/{published}"]

    shown = {url: [n for n in NAMES if n in app.test_client().get(url).get_data(as_text=True)] for url in urls}

    assert {url: names for url, names in shown.items() if names} == {}
    assert "Lucía Quispe Mamani" in secretariat.get("/liaison").get_data(as_text=True)


def test_the_public_board_shows_a_neutral_wording_instead_of_the_author(app: Flask) -> None:
    page = text_of(app.test_client().get("/recommendations?lang=en&table=RT1").get_data(as_text=True))

    assert "Lucía Quispe Mamani" not in page
    assert "By a member of RT1" in page


def test_an_auditor_sees_the_authors_names(app: Flask) -> None:
    client = app.test_client()
    act_as(client, "auditor")

    page = client.get("/recommendations").get_data(as_text=True)

    assert "Lucía Quispe Mamani" in page


def test_the_public_sees_the_counts_of_a_session_but_not_who_took_which_position(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")

    page = text_of(app.test_client().get(f"/sessions/{sid}?lang=en").get_data(as_text=True))

    assert "6 in support, 0 objecting, 0 abstentions" in page
    assert "Decision of the table: adopt" in page
    assert "Who stated which position" not in page
    assert not [n for n in NAMES if n in page]


def test_a_member_of_the_table_sees_who_took_which_position(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-01"))

    page = text_of(client.get(f"/sessions/{sid}?lang=en").get_data(as_text=True))

    assert "Who stated which position" in page
    assert re.search(r"Lucía Quispe Mamani:\s+support", page)


def test_a_participant_of_another_table_does_not_see_the_positions(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-02"))  # RT3 and RT4

    page = text_of(client.get(f"/sessions/{sid}?lang=en").get_data(as_text=True))

    assert "Who stated which position" not in page
    assert "6 in support, 0 objecting, 0 abstentions" in page


def test_an_auditor_sees_the_positions(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "auditor")

    page = text_of(client.get(f"/sessions/{sid}?lang=en").get_data(as_text=True))

    assert re.search(r"Lucía Quispe Mamani:\s+support", page)


@pytest.mark.parametrize("reference", ["prop-rt3-07", "prop-rt3-09", "prop-rt4-08", "prop-rt4-05", "prop-rt2-02"])
def test_the_planted_messy_titles_are_shown_exactly_as_typed(app: Flask, loaded: Services, reference: str) -> None:
    pid = _ids(loaded, reference)[reference]
    stored = loaded.app.proposal(pid)

    page = app.test_client().get(f"/proposals/{pid}").get_data(as_text=True)

    assert f'<h1 class="typed-title" lang="{stored.language}">{escape(stored.title)}</h1>' in page


@pytest.mark.parametrize("reference", ["prop-rt3-09", "prop-rt4-08", "prop-rt4-05", "prop-rt3-07"])
def test_the_planted_messy_texts_are_shown_as_typed(app: Flask, loaded: Services, reference: str) -> None:
    pid = _ids(loaded, reference)[reference]
    stored = loaded.app.proposal(pid)

    page = app.test_client().get(f"/proposals/{pid}").get_data(as_text=True)

    for text in (stored.problem, stored.recommendation, stored.rationale):
        for paragraph in (p for p in text.split("\n") if p.strip()):
            assert str(escape(paragraph)) in page


def test_the_long_markdown_proposal_keeps_its_list_and_url(app: Flask, loaded: Services) -> None:
    pid = _ids(loaded, "prop-rt2-02")["prop-rt2-02"]
    stored = loaded.app.proposal(pid)
    urls = re.findall(r"https?://\S+", stored.problem + stored.recommendation + stored.rationale)

    page = app.test_client().get(f"/proposals/{pid}").get_data(as_text=True)

    assert len(stored.problem + stored.recommendation + stored.rationale) > 6000
    assert "<ol>" in page
    assert urls and all(u in page for u in urls)


def test_typed_html_is_shown_as_text_never_run(app: Flask, loaded: Services) -> None:
    from web.pages.common import typed

    assert str(typed('<script>alert(1)</script> [x](javascript:alert(1))')) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>\n"
    )


def test_the_rendered_text_cache_keeps_short_texts_only_and_a_bounded_number_of_them() -> None:
    from web.pages import common

    common._typed_html.cache_clear()
    long_text = "palabra " * 2_000  # 16,000 characters

    html = common.typed(long_text)
    common.typed("Un comentario breve")

    assert "palabra palabra" in html
    assert (common._typed_html.cache_info().currsize, common._typed_html.cache_info().maxsize) == (1, 1024)


BOARD_HEADINGS = {
    "es": "Recomendaciones en borrador",
    "en": "Draft recommendations",
    "pt": "Recomendações em rascunho",
    "fr": "Projets de recommandations",
}


@pytest.mark.parametrize("lang", sorted(BOARD_HEADINGS))
def test_the_board_renders_in_each_language(app: Flask, lang: str) -> None:
    r = app.test_client().get(f"/?lang={lang}")

    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{BOARD_HEADINGS[lang]}</h1>" in page


def test_spanish_is_the_default_language(app: Flask) -> None:
    page = app.test_client().get("/").get_data(as_text=True)

    assert f"<h1>{BOARD_HEADINGS['es']}</h1>" in page


def test_the_browser_language_is_used_when_nothing_was_chosen(app: Flask) -> None:
    page = app.test_client().get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"}).get_data(as_text=True)

    assert f"<h1>{BOARD_HEADINGS['pt']}</h1>" in page


def test_a_chosen_language_is_remembered_over_the_browsers(app: Flask) -> None:
    client = app.test_client()
    client.get("/?lang=fr")

    page = client.get("/recommendations", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert '<html lang="fr">' in page


def test_the_board_filters_by_table_objective_and_status(app: Flask, loaded: Services) -> None:
    expected = [r["id"] for r in proposal_views.list_recommendations(loaded.projector.engine, status="draft", table="RT3", objective=16)]

    page = app.test_client().get("/?table=RT3&objective=16&status=draft").get_data(as_text=True)

    assert expected
    assert re.findall(r'<h2><a href="/proposals/([0-9a-f-]+)"', page) == expected


def test_the_adopted_page_shows_provenance_and_government_responses(app: Flask, loaded: Services) -> None:
    pid = _ids(loaded, "prop-rt4-01")["prop-rt4-01"]

    page = text_of(app.test_client().get("/recommendations?lang=en&table=RT4").get_data(as_text=True))

    assert f"/proposals/{pid}" in app.test_client().get("/recommendations?table=RT4").get_data(as_text=True)
    assert "by RT4 in the session of" in page
    assert "Panama" in page
    assert "Se considera que un tablero regional" in page
