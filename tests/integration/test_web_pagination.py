"""Long lists come in pages: ``?page=N`` in a stable order, a page count and
``rel="prev"``/``rel="next"`` links (in the list's navigation and the document's head);
the audit log keeps its position cursor and gets the same links."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import proposals as proposal_views
from tests.e2e.web_support import make_app
from web.pagination import PER_PAGE

TITLE = re.compile(r'<h2><a href="/proposals/([0-9a-f-]+)"')


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _adopted_total(loaded: Services) -> int:
    return len(proposal_views.list_recommendations(loaded.projector.engine, status=proposal_views.ADOPTED_OR_LATER))


def test_the_adopted_list_shows_one_page_with_a_link_to_the_next(app: Flask, loaded: Services) -> None:
    total = _adopted_total(loaded)
    assert total > PER_PAGE, "the scenario has more adopted recommendations than one page"

    page = app.test_client().get("/recommendations?lang=en").get_data(as_text=True)

    assert len(TITLE.findall(page)) == PER_PAGE
    assert '<a rel="next" href="/recommendations?lang=en&amp;page=2">' in page
    assert '<link rel="next" href="/recommendations?lang=en&amp;page=2">' in page
    assert f"Page 1 of {-(-total // PER_PAGE)}" in page
    assert 'rel="prev"' not in page


def test_the_pages_together_list_every_recommendation_once_in_the_same_order(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    expected = [r["id"] for r in proposal_views.list_recommendations(loaded.projector.engine, status=proposal_views.ADOPTED_OR_LATER)]
    seen: list[str] = []
    for n in range(1, -(-len(expected) // PER_PAGE) + 1):
        seen += TITLE.findall(client.get(f"/recommendations?page={n}").get_data(as_text=True))

    assert seen == expected


def test_a_filter_is_kept_across_pages_and_a_page_past_the_end_shows_the_last(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    total = _adopted_total(loaded)
    last = -(-total // PER_PAGE)

    page = client.get("/recommendations?page=999&lang=en").get_data(as_text=True)

    assert f"Page {last} of {last}" in page
    assert 'rel="prev"' in page and 'rel="next"' not in page
    board = client.get("/?lang=en&status=submitted&page=1").get_data(as_text=True)
    assert "Page 1 of" in board or 'class="pager"' not in board
    assert all(p["status"] == "submitted" for p in proposal_views.list_recommendations(loaded.projector.engine)
               if p["id"] in TITLE.findall(board))
    assert client.get("/?lang=en&status=submitted&page=abc").status_code == 400


def test_the_audit_log_keeps_its_cursor_and_gets_the_links(app: Flask) -> None:
    page = app.test_client().get("/audit/log?after=50&limit=50").get_data(as_text=True)

    assert '<link rel="prev" href="/audit/log?after=0&amp;limit=50">' in page
    assert '<a rel="next" href="/audit/log?after=100&amp;limit=50">' in page


def test_the_government_responses_come_latest_first_ten_a_page(app: Flask, loaded: Services) -> None:
    from projections import follow_up as follow_up_views

    every = follow_up_views.government_responses(loaded.projector.engine)
    assert every, "the scenario has government responses"

    page = app.test_client().get("/dialogues/responses?lang=en").get_data(as_text=True)

    shown = re.findall(r'<h2><a href="/proposals/([0-9a-f-]+)#pub-h"', page)
    latest = max(every, key=lambda r: (r["response_date"], r["position"]))
    assert (len(shown), shown[0]) == (min(PER_PAGE, len(every)), latest["proposal_id"])
    assert (f"Page 1 of {-(-len(every) // PER_PAGE)}" in page) == (len(every) > PER_PAGE)


def test_the_government_responses_of_one_state(app: Flask, loaded: Services) -> None:
    from projections import follow_up as follow_up_views

    country = follow_up_views.government_responses(loaded.projector.engine)[0]["country"]
    of_country = [r for r in follow_up_views.government_responses(loaded.projector.engine) if r["country"] == country]

    page = app.test_client().get(f"/dialogues/responses?country={country}").get_data(as_text=True)

    assert len(re.findall(r'<h2><a href="/proposals/', page)) == min(PER_PAGE, len(of_country))
