"""A session whose date has passed but that was never closed is left open, not upcoming: the
sessions page shows it in progress, and its table's page names it as the session in progress
beside the next one (projections.sessions.sessions_left_open)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from application.bootstrap import Services
from projections import sessions as session_views
from tests.conftest import seed_members
from tests.e2e.web_support import app_services, make_app, text_of


@pytest.fixture
def services(database_url: str, master_key: str) -> Iterator[tuple[Services, str, str]]:
    app = make_app(database_url, master_key)  # scheduled on 2026-01-05
    s = app_services(app)
    for code in ("RT2", "RT3", "RT4"):
        s.app.register_table(code)
    seed_members(s.app, 1, "RT1")
    yield s, database_url, master_key


def _page(url: str, key: str, path: str, on: str) -> str:
    r = make_app(url, key, clock=on).test_client().get(path)
    assert r.status_code == 200
    return " ".join(text_of(r.get_data(as_text=True)).split())


def test_a_session_whose_date_passed_unclosed_is_left_open(services: tuple[Services, str, str]) -> None:
    s, url, key = services
    left = s.app.schedule_session(table="RT1", on=date(2026, 1, 20))
    s.app.schedule_session(table="RT1", on=date(2026, 3, 2))
    closed = s.app.schedule_session(table="RT1", on=date(2026, 1, 12))
    s.app.close_session(closed, "Actas.")
    s.wait_for_views()

    found = session_views.sessions_left_open(s.projector.engine, "RT1", date(2026, 2, 1))

    assert [str(x["id"]) for x in found] == [str(left)]
    assert [x["stage"] for x in found] == ["in_progress"]


def test_a_tables_page_names_the_session_left_open_and_the_next_one(services: tuple[Services, str, str]) -> None:
    s, url, key = services
    s.app.schedule_session(table="RT1", on=date(2026, 1, 20))
    s.app.schedule_session(table="RT1", on=date(2026, 3, 2))
    s.wait_for_views()

    page = _page(url, key, "/tables/RT1?lang=en", "2026-02-01")

    assert "Session in progress: Jan 20, 2026 · virtual · in progress" in page
    assert "Next session: Mar 2, 2026 · virtual · upcoming" in page


def test_the_sessions_page_shows_it_in_progress_not_upcoming(services: tuple[Services, str, str]) -> None:
    s, url, key = services
    s.app.schedule_session(table="RT1", on=date(2026, 1, 20))
    s.wait_for_views()

    page = _page(url, key, "/sessions?lang=en", "2026-02-01")

    assert "Jan 20, 2026 · RT1 · 2026-Q1 · virtual · in progress" in page
