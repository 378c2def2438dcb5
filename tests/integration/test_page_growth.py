"""Pages that do not grow with history: a proposal's page shows its version history in pages
(``?versions=N``, newest first), an endorsement round reads only its own votes, and the
request limits count in memory without starting a thread per request."""

from __future__ import annotations

import re
import threading

from flask import Flask

from application.bootstrap import Services
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import make_app
from web.limits import SweptMemoryStorage
from web.pages.proposals import VERSIONS_PER_PAGE

VERSION_LINK = re.compile(r'<a href="/proposals/[0-9a-f-]+/versions/(\d+)">')
REVISIONS = 2 * VERSIONS_PER_PAGE + 5  # three pages of versions: 20, 20 and 6


def _revised_proposal(s: Services) -> tuple[Flask, str]:
    """A web app on ``s`` and a proposal drafted and then revised ``REVISIONS`` times."""
    (author,) = seed_members(s.app)
    pid = draft_sample_proposal(s.app, author)
    for n in range(REVISIONS):
        s.app.revise_proposal(pid, {"title": f"Safe pathways, revision {n + 2}"}, actor=str(author))
    s.projector.catch_up()
    return make_app(s.config.database_url, str(s.config.master_key)), str(pid)


def test_a_proposal_page_shows_the_newest_versions_first_one_page_of_them(sqlite_services: Services) -> None:
    app, pid = _revised_proposal(sqlite_services)

    page = app.test_client().get(f"/proposals/{pid}?lang=en").get_data(as_text=True)

    newest = REVISIONS + 1
    assert [int(n) for n in VERSION_LINK.findall(page)] == list(range(newest, newest - VERSIONS_PER_PAGE, -1))
    assert "Page 1 of 3" in page
    assert f'<a rel="next" href="/proposals/{pid}?lang=en&amp;versions=2">' in page
    assert '<nav class="pager" aria-label="Pages of the version history">' in page


def test_the_last_page_of_versions_ends_with_the_draft_and_a_page_past_it_shows_the_last(sqlite_services: Services) -> None:
    app, pid = _revised_proposal(sqlite_services)
    client = app.test_client()

    last = client.get(f"/proposals/{pid}?lang=en&versions=3").get_data(as_text=True)
    past = client.get(f"/proposals/{pid}?lang=en&versions=99").get_data(as_text=True)

    assert [int(n) for n in VERSION_LINK.findall(last)] == [6, 5, 4, 3, 2, 1]
    assert VERSION_LINK.findall(past) == VERSION_LINK.findall(last)
    assert "Page 3 of 3" in past
    assert client.get(f"/proposals/{pid}?versions=abc").status_code == 400


def test_a_proposal_with_few_versions_has_no_pager(sqlite_services: Services) -> None:
    (author,) = seed_members(sqlite_services.app)
    pid = draft_sample_proposal(sqlite_services.app, author)
    sqlite_services.projector.catch_up()
    app = make_app(sqlite_services.config.database_url, str(sqlite_services.config.master_key))

    page = app.test_client().get(f"/proposals/{pid}?lang=en").get_data(as_text=True)

    assert VERSION_LINK.findall(page) == ["1"]
    assert 'class="pager"' not in page


def test_the_rounds_of_one_proposal_carry_the_same_votes_as_in_the_list_of_every_round(loaded: Services) -> None:
    e = loaded.projector.engine
    every = {r["id"]: r for r in liaison_views.endorsement_rounds(e)}
    voted = [r for r in every.values() if r["votes"]]
    assert voted, "the scenario has endorsement rounds with votes"

    for r in voted:
        mine = liaison_views.endorsement_rounds(e, r["proposal_id"])
        assert {x["id"]: (x["votes"], x["counts"]) for x in mine} == {
            x["id"]: (x["votes"], x["counts"]) for x in every.values() if x["proposal_id"] == r["proposal_id"]
        }


def test_the_request_limits_count_without_starting_a_thread_per_request() -> None:
    storage = SweptMemoryStorage()
    storage.timer.join()  # the one sweep the library's storage schedules when made
    before = threading.active_count()

    counts, threads = [], []
    for _ in range(5):
        counts.append(storage.incr("address:192.0.2.1", 60))
        threads.append(threading.active_count() - before)

    assert counts == [1, 2, 3, 4, 5]
    assert threads == [0, 0, 0, 0, 0]


def test_an_expired_count_of_the_request_limits_reads_zero() -> None:
    storage = SweptMemoryStorage()
    storage.incr("address:192.0.2.1", 60)
    storage.expirations["address:192.0.2.1"] = 0.0  # its minute is over

    assert storage.get("address:192.0.2.1") == 0
    assert storage.incr("address:192.0.2.1", 60) == 1


def test_the_adopted_list_shows_the_sessions_rounds_and_responses_of_its_own_recommendations(loaded: Services) -> None:
    from projections import follow_up as follow_up_views
    from projections import sessions as session_views

    e = loaded.projector.engine
    app = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")

    page = app.test_client().get("/recommendations?lang=en").get_data(as_text=True)

    shown = re.findall(r'<h2><a href="/proposals/([0-9a-f-]+)"', page)
    every_session = {s["id"] for s in session_views.list_sessions(e)}
    rows = {p["id"]: p for p in proposal_views.list_recommendations(e, status=proposal_views.ADOPTED_OR_LATER)}
    rounds = [r for r in liaison_views.endorsement_rounds(e) if r["proposal_id"] in shown]
    answered = {r["proposal_id"] for r in follow_up_views.government_responses(e)} & set(shown)
    assert rounds and answered, "the scenario's first page has rounds and responses"
    assert page.count("<dt>Liaison Table</dt>") == len(rounds)
    assert page.count("<h3>Government responses</h3>") == len(answered)
    assert page.count("in the session of") == sum(1 for pid in shown if rows[pid]["adopted_session_id"] in every_session)


def test_a_version_page_links_the_first_the_last_and_five_versions_on_each_side(sqlite_services: Services) -> None:
    app, pid = _revised_proposal(sqlite_services)

    page = app.test_client().get(f"/proposals/{pid}/versions/25?lang=en").get_data(as_text=True)

    assert f"Version 25 of {REVISIONS + 1}" in page
    assert [int(n) for n in VERSION_LINK.findall(page)] == [1, 20, 21, 22, 23, 24, 26, 27, 28, 29, 30, REVISIONS + 1]
    assert "<strong>25</strong>" in page
    assert page.count('<li aria-hidden="true">…</li>') == 2
