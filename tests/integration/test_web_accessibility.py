"""Accessibility and lightness basics of the pages, checked on their HTML: every field
has a label, ids are unique, headings do not skip a level, errors are linked to their
field, and no page loads a script or anything from another site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask

from application.bootstrap import Services
from domain.reference import ALL_GOVERNMENTS
from projections import proposals as proposal_views
from projections import sessions as session_views
from tests.e2e.web_support import act_as, command_id, make_app, participant_id

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


class PageShape(HTMLParser):
    """Collects what the checks need: fields, labels, ids, headings, assets."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.headings: list[int] = []
        self.assets: list[str] = []
        self.scripts = 0
        self._open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "label":
            self._open_labels += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append({"id": a.get("id"), "name": a.get("name"), "wrapped": "yes" if self._open_labels else None})
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag == "script":
            self.scripts += 1
        if tag in ("link", "img", "script", "iframe") and (a.get("href") or a.get("src") or "").startswith(("http:", "https:", "//")):
            self.assets.append(str(a.get("href") or a.get("src")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._open_labels -= 1


def shape(page: str) -> PageShape:
    p = PageShape()
    p.feed(page)
    return p


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _pages(app: Flask, loaded: Services) -> list[str]:
    e = loaded.projector.engine
    proposals = {r["reference"]: r["id"] for r in proposal_views.list_recommendations(e)}
    sessions = {s["reference"]: s["id"] for s in session_views.list_sessions(e)}
    return [
        "/", "/recommendations", "/login", "/sessions", "/liaison", "/proposals/new",
        f"/proposals/{proposals['prop-rt2-02']}", f"/proposals/{proposals['prop-rt1-08']}",
        f"/proposals/{proposals['prop-rt1-08']}/revise", f"/proposals/{proposals['prop-rt2-02']}/versions/1",
        f"/sessions/{sessions['ses-rt1-2026q1-2']}", "/tables", "/tables/RT1", "/dialogues",
        f"/proposals/{proposals['prop-rt1-01']}", "/open-data", "/dashboards", "/dashboards/objectives",
        "/dashboards/pipeline", "/dashboards/sessions", "/dashboards/responses", "/dashboards/participation",
    ]


# p-30 drafted prop-rt1-08: the revise form is shown to its authors only (403 to the others).
@pytest.mark.parametrize("role", ["public", "p-01", "p-30", "secretariat"])
def test_every_field_has_a_label_and_ids_are_unique(app: Flask, loaded: Services, role: str) -> None:
    client = app.test_client()
    if role.startswith("p-"):
        act_as(client, "participant", participant_id(app, role))
    elif role != "public":
        act_as(client, role)
    problems = []
    for url in _pages(app, loaded):
        s = shape(client.get(url).get_data(as_text=True))
        unlabeled = [f["name"] for f in s.fields if not f["wrapped"] and f["id"] not in s.label_for]
        duplicates = sorted({i for i in s.ids if s.ids.count(i) > 1})
        if unlabeled or duplicates:
            problems.append((url, unlabeled, duplicates))
    assert problems == []


@pytest.mark.parametrize("role", ["public", "secretariat"])
def test_headings_start_at_h1_and_never_skip_a_level(app: Flask, loaded: Services, role: str) -> None:
    client = app.test_client()
    if role != "public":
        act_as(client, role)
    problems = []
    for url in _pages(app, loaded):
        levels = shape(client.get(url).get_data(as_text=True)).headings
        skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        if not levels or levels[0] != 1 or levels.count(1) != 1 or skips:
            problems.append((url, levels))
    assert problems == []


def test_no_page_loads_a_script_or_an_asset_from_elsewhere(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    act_as(client, "secretariat")
    found = []
    for url in _pages(app, loaded):
        r = client.get(url)
        s = shape(r.get_data(as_text=True))
        if s.scripts or s.assets or "script-src 'none'" not in r.headers["Content-Security-Policy"]:
            found.append(url)
    assert found == []


def test_the_stylesheet_is_small() -> None:
    assert (STATIC / "style.css").stat().st_size < 8 * 1024


def test_a_refused_field_is_marked_and_linked_to_its_message(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-01"))
    page = client.get("/proposals/new?lang=en").get_data(as_text=True)

    r = client.post("/proposals/new", data={
        "command_id": command_id(page), "table": "RT1", "title": "   ", "problem": "Algo", "recommendation": "Algo",
        "rationale": "Algo", "objectives": ["2"], "targets": [ALL_GOVERNMENTS], "language": "es",
    })

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'aria-describedby="title-error" aria-invalid="true"' in body
    assert '<p class="error" id="title-error">The title cannot be empty.</p>' in body


def test_the_forms_repeated_per_item_keep_labels_and_unique_ids(app: Flask, loaded: Services) -> None:
    from datetime import date

    from tests.e2e.web_support import app_services

    s = app_services(app)
    e = loaded.projector.engine
    proposals = {r["reference"]: r["id"] for r in proposal_views.list_recommendations(e)}
    s.app.nominate_un_agency(seat="LT-UN-1", agency="OIM / IOM", consensus_record="Acta GT-SC")
    s.app.nominate_un_agency(seat="LT-UN-2", agency="ACNUR / UNHCR", consensus_record="Acta GT-SC")
    for reference in ("prop-rt1-05", "prop-rt1-09"):  # adopted: two open rounds, two advice forms
        s.app.open_endorsement(proposals[reference], date(2026, 4, 10))
    s.app.schedule_government_dialogue(period="2026-H1", on=date(2026, 3, 27), title="Diálogo 2026-I", governments=["MX"])
    s.app.schedule_government_dialogue(period="2026-H2", on=date(2026, 9, 15), title="Diálogo 2026-II", governments=["BR"])
    s.app.record_follow_up(proposals["prop-rt1-01"], country="CO", progress="in_progress", note="Informe.", on=date(2026, 3, 20))
    s.wait_for_views()
    client = app.test_client()
    act_as(client, "secretariat")
    problems = []
    pages = {url: client.get(url).get_data(as_text=True) for url in ["/liaison", "/dialogues", "/tables", "/tables/RT1", f"/proposals/{proposals['prop-rt1-01']}"]}
    assert pages["/liaison"].count('name="advice"') == 2 and pages["/dialogues"].count('name="note"') == 2
    for url, html in pages.items():
        page = shape(html)
        unlabeled = [f["name"] for f in page.fields if not f["wrapped"] and f["id"] not in page.label_for]
        duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
        if unlabeled or duplicates:
            problems.append((url, unlabeled, duplicates))
    assert problems == []
