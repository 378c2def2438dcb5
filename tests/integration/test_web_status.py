"""Status and next steps (issue 12): sessions show upcoming / in progress / closed from their
date and state, in pages; each table's page shows its next session; a session's quarter
follows from its date; a proposal's page says what happens next and who acts; a member of
two tables sees the objectives of both, and a refusal names the table; dates in the
election form are the reader's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import sessions as session_views
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import act_as, app_services, make_app, text_of

TODAY = date(2026, 1, 5)


@dataclass
class Site:
    app: Flask
    services: Services

    def page(self, path: str, role: str = "public", participant: str | None = None) -> str:
        client: FlaskClient = self.app.test_client()
        act_as(client, role, participant)
        r = client.get(path)
        assert r.status_code == 200, path
        return r.get_data(as_text=True)


@pytest.fixture
def site(database_url: str, master_key: str) -> Iterator[Site]:
    app = make_app(database_url, master_key)
    s = app_services(app)
    for code in ("RT2", "RT3", "RT4"):
        s.app.register_table(code)
    yield Site(app, s)


def stages(page: str) -> list[str]:
    return re.findall(r'class="stage stage-([a-z_]+)"', page)


def test_a_session_is_upcoming_in_progress_or_closed() -> None:
    session = {"closed": False, "date": TODAY, "opened_on": None}

    assert [
        session_views.stage({**session, "date": TODAY + timedelta(days=1)}, TODAY),
        session_views.stage({**session, "date": TODAY + timedelta(days=1), "opened_on": TODAY}, TODAY),
        session_views.stage(session, TODAY),
        session_views.stage({**session, "closed": True}, TODAY),
    ] == ["upcoming", "in_progress", "in_progress", "closed"]


def test_the_sessions_page_shows_each_sessions_stage(site: Site) -> None:
    app = site.services.app
    seed_members(app, 1, "RT1")
    today = app.schedule_session(table="RT1", on=TODAY)
    app.schedule_session(table="RT1", on=date(2026, 2, 10))
    closed = app.schedule_session(table="RT2", on=TODAY)
    app.close_session(closed, "Minutes.")
    site.services.wait_for_views()

    page = site.page("/sessions?lang=en")

    assert (stages(page), "in progress" in text_of(page), str(today) in page) == (["upcoming", "in_progress", "closed"], True, True)


def test_a_sessions_quarter_follows_from_its_date(site: Site) -> None:
    app = site.services.app
    seed_members(app, 1, "RT1")
    sid = app.schedule_session(table="RT1", on=date(2026, 4, 20))

    assert app.session(sid).quarter == "2026-Q2"


def test_the_sessions_come_in_pages(site: Site) -> None:
    app = site.services.app
    seed_members(app, 1, "RT1")
    for n in range(21):
        app.schedule_session(table="RT1", on=TODAY + timedelta(days=n))
    site.services.wait_for_views()

    first, second = site.page("/sessions?lang=en"), site.page("/sessions?lang=en&page=2")

    assert (len(stages(first)), len(stages(second)), 'rel="next"' in first, "Page 2 of 2" in second) == (20, 1, True, True)


def test_the_sessions_of_one_table_are_kept_by_the_filter(site: Site) -> None:
    app = site.services.app
    seed_members(app, 1, "RT1")
    app.schedule_session(table="RT1", on=TODAY)
    app.schedule_session(table="RT2", on=TODAY)
    site.services.wait_for_views()

    assert len(stages(site.page("/sessions?table=RT2"))) == 1


def test_a_tables_page_shows_its_next_session(site: Site) -> None:
    app = site.services.app
    seed_members(app, 1, "RT1")
    app.schedule_session(table="RT1", on=date(2026, 3, 2))
    app.schedule_session(table="RT1", on=date(2026, 2, 10))
    site.services.wait_for_views()

    page = " ".join(text_of(site.page("/tables/RT1?lang=en")).split())

    assert "Next session: Feb 10, 2026 · virtual · upcoming" in page


def test_a_tables_page_without_sessions_says_so(site: Site) -> None:
    seed_members(site.services.app, 1, "RT1")
    site.services.wait_for_views()

    assert "No session is scheduled yet." in text_of(site.page("/tables/RT1?lang=en"))


def test_a_proposals_page_says_what_happens_next_and_who_acts(site: Site) -> None:
    app = site.services.app
    (author,) = seed_members(app, 1, "RT1")
    pid = draft_sample_proposal(app, author)
    site.services.wait_for_views()
    draft = " ".join(text_of(site.page(f"/proposals/{pid}?lang=en")).split())
    app.submit_proposal(pid, actor=str(author))
    site.services.wait_for_views()

    submitted = " ".join(text_of(site.page(f"/proposals/{pid}?lang=en")).split())

    assert "What happens next: the authors submit it to RT1" in draft
    assert "What happens next: the secretariat or a facilitator of RT1 puts it on the agenda" in submitted


def test_a_member_of_two_tables_sees_the_objectives_of_both_unfolded(site: Site) -> None:
    app = site.services.app
    (member,) = seed_members(app, 1, "RT1")
    app.join_table(member, "RT2")
    site.services.wait_for_views()

    page = site.page("/proposals/new?lang=en", "participant", str(member))
    unfolded = page.split("<legend>GCM objectives</legend>")[1].split("Objectives of the other tables")[0]

    assert ('id="objectives-2"' in unfolded, 'id="objectives-8"' in unfolded, 'id="objectives-14"' in unfolded) == (True, True, False)


def test_the_election_form_shows_session_dates_in_the_readers_language(site: Site) -> None:
    app = site.services.app
    seed_members(app, 1, "RT1")
    app.schedule_session(table="RT1", on=date(2026, 2, 10))
    site.services.wait_for_views()

    page = site.page("/tables/RT1?lang=es", "secretariat")

    assert ("10 feb 2026" in page, "2026-02-10</option>" in page) == (True, False)
