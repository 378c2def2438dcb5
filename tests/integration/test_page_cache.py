"""The public pages kept in memory and validated by ETag for anonymous readers
(web/page_cache.py): a kept page is the same page, a write shows at once, and nothing
personal, no form and no flash message is ever kept."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from flask import Flask
from sqlalchemy import event

from application.bootstrap import Services
from application.participation import publish_statistics
from application.tlog.keyfiles import write_key_pair
from application.tlog.signing import sign_checkpoint
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import act_as, app_services, make_app
from tests.integration.test_tlog_provenance import published
from web.page_cache import PageCache, page_cache


@dataclass
class Site:
    app: Flask
    services: Services
    author: UUID
    proposal: UUID

    @property
    def cache(self) -> PageCache:
        found = page_cache(self.app)
        assert found is not None
        return found


MINUTE = 1_767_225_600.0  # 2026-01-01 00:00 UTC


def _site(url: str, key: str, **extra: str) -> Site:
    app = make_app(url, key, **extra)
    cache = page_cache(app)
    if cache is not None:
        cache.now = lambda: MINUTE + 1  # the same minute, however slow the machine
    s = app_services(app)
    (author,) = seed_members(s.app)
    proposal = draft_sample_proposal(s.app, author, title="Safe pathways")
    s.wait_for_views()
    return Site(app, s, author, proposal)


@pytest.fixture
def site(sqlite_url: str, master_key: str) -> Site:
    return _site(sqlite_url, master_key)


def test_a_second_anonymous_read_is_answered_from_the_cache_with_the_same_body(site: Site) -> None:
    client = site.app.test_client()
    first = client.get("/?lang=en")

    second = client.get("/?lang=en")

    assert (site.cache.misses, site.cache.hits) == (1, 1)
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]


def test_a_kept_page_still_carries_the_security_headers_and_no_cache(site: Site) -> None:
    client = site.app.test_client()
    client.get("/?lang=en")

    kept = client.get("/?lang=en")

    assert site.cache.hits == 1
    assert kept.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert kept.headers["Cache-Control"] == "no-cache"
    assert kept.headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_database_backend_does_not_change_what_a_hit_answers(database_url: str, master_key: str) -> None:
    site = _site(database_url, master_key)
    client = site.app.test_client()
    first = client.get(f"/proposals/{site.proposal}?lang=en")

    second = client.get(f"/proposals/{site.proposal}?lang=en")

    assert site.cache.hits == 1
    assert second.get_data() == first.get_data()


def test_a_revision_shows_on_the_next_read_of_the_proposal_page(site: Site) -> None:
    client = site.app.test_client()
    assert "Safe pathways" in client.get(f"/proposals/{site.proposal}?lang=en").get_data(as_text=True)

    site.services.app.revise_proposal(site.proposal, {"title": "Regular pathways for workers"}, actor=str(site.author))
    site.services.wait_for_views()
    page = client.get(f"/proposals/{site.proposal}?lang=en").get_data(as_text=True)

    assert "Regular pathways for workers" in page
    assert site.cache.hits == 0


def test_a_new_draft_shows_on_the_next_read_of_the_board(site: Site) -> None:
    client = site.app.test_client()
    client.get("/?lang=en")

    draft_sample_proposal(site.services.app, site.author, title="Consular protection abroad")
    site.services.wait_for_views()

    assert "Consular protection abroad" in client.get("/?lang=en").get_data(as_text=True)


def test_a_missed_page_reads_the_views_positions_once(site: Site) -> None:
    # The cache's key and the page's kept answers share one read of the tracking rows.
    tracking = site.services.projector.tracking.tracking_table.name
    thread = threading.get_ident()
    read: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.get_ident() == thread and f"FROM {tracking}" in statement:
            read.append(statement)

    engines = {site.services.app.engine, site.services.projector.engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", seen)
    try:
        status = site.app.test_client().get(f"/proposals/{site.proposal}?lang=en").status_code
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", seen)

    assert (status, site.cache.misses, len(read)) == (200, 1, 1)


def test_the_next_minute_has_its_own_entry(site: Site) -> None:
    client = site.app.test_client()
    client.get("/?lang=en")
    site.cache.now = lambda: MINUTE + 61

    client.get("/?lang=en")

    assert (len(site.cache), site.cache.hits, site.cache.misses) == (2, 0, 2)


def test_a_signed_in_member_is_never_served_a_kept_page_nor_given_an_etag(site: Site) -> None:
    public = site.app.test_client()
    public.get("/?lang=en")
    member = site.app.test_client()
    act_as(member, "participant", str(site.author))

    answers = [member.get("/?lang=en") for _ in range(2)]

    assert site.cache.hits == 0
    assert len(site.cache) == 1
    assert [("ETag" in r.headers, r.headers["Cache-Control"]) for r in answers] == [(False, "no-store")] * 2


def test_a_page_with_a_form_token_is_neither_kept_nor_tagged(services: Services) -> None:
    call = services.app.open_call(
        reference="call-1", title="Vías regulares", text="Aportes sobre vías regulares.", objectives=[2], table="RT1",
        languages=["es", "pt"], opens_on=date(2026, 1, 5), closes_on=date(2026, 1, 31),
    )
    services.projector.catch_up()
    app = make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-10", csrf=True)
    cache = page_cache(app)
    assert cache is not None
    cache.now = lambda: MINUTE
    client = app.test_client()

    answers = [client.get(f"/calls/{call}") for _ in range(2)]

    assert ['name="in-csrf_token"' in r.get_data(as_text=True) for r in answers] == [True, True]
    assert ["ETag" in r.headers for r in answers] == [False, False]
    assert (len(cache), cache.hits) == (0, 0)


def test_a_matching_if_none_match_gets_304_without_a_body(site: Site) -> None:
    client = site.app.test_client()
    etag = client.get("/?lang=en").headers["ETag"]

    r = client.get("/?lang=en", headers={"If-None-Match": etag})

    assert r.status_code == 304
    assert r.get_data() == b""
    assert r.headers["ETag"] == etag


def test_a_compressed_page_is_tagged_as_compressed_and_revalidated(site: Site) -> None:
    client = site.app.test_client()
    first = client.get("/?lang=en", headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    plain = client.get("/?lang=en").headers["ETag"]

    again = client.get("/?lang=en", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})

    assert first.headers["ETag"] == plain[:-1] + ':br"'
    assert (again.status_code, again.get_data()) == (304, b"")


def test_an_etag_of_an_earlier_page_gets_the_new_page(site: Site) -> None:
    client = site.app.test_client()
    etag = client.get("/?lang=en").headers["ETag"]
    draft_sample_proposal(site.services.app, site.author, title="Consular protection abroad")
    site.services.wait_for_views()

    r = client.get("/?lang=en", headers={"If-None-Match": etag})

    assert r.status_code == 200
    assert r.headers["ETag"] != etag
    assert "Consular protection abroad" in r.get_data(as_text=True)


def test_each_language_has_its_own_entry(site: Site) -> None:
    client = site.app.test_client()

    english = client.get("/", headers={"Accept-Language": "en"})
    spanish = client.get("/", headers={"Accept-Language": "es"})
    english_again = client.get("/", headers={"Accept-Language": "en"})

    assert (len(site.cache), site.cache.hits) == (2, 1)
    assert english.headers["ETag"] != spanish.headers["ETag"]
    assert english_again.get_data() == english.get_data()
    assert '<html lang="en"' in english_again.get_data(as_text=True)


def test_a_repeated_filter_in_another_order_has_its_own_entry(site: Site) -> None:
    client = site.app.test_client()

    client.get("/?lang=en&table=RT1&table=RT2")
    second_first = client.get("/?lang=en&table=RT2&table=RT1")
    refused = client.get("/?lang=en&table=zzz&table=RT1")

    assert (site.cache.hits, second_first.status_code, refused.status_code) == (0, 200, 400)
    assert '<option value="RT2" selected>' in second_first.get_data(as_text=True)


def test_the_language_cookie_is_set_on_a_kept_page_too(site: Site) -> None:
    site.app.test_client().get("/?lang=fr")
    other = site.app.test_client()

    r = other.get("/?lang=fr")

    assert site.cache.hits == 1
    assert [c.split(";")[0] for c in r.headers.getlist("Set-Cookie")] == ["lang=fr"]


def test_a_pending_flash_message_is_shown_and_never_kept(site: Site) -> None:
    client = site.app.test_client()
    with client.session_transaction() as sess:
        sess["_flashes"] = [("ok", "Your proposal is saved as a draft.")]

    flashed = client.get("/?lang=en")
    after = client.get("/?lang=en")

    assert "Your proposal is saved as a draft." in flashed.get_data(as_text=True)
    assert "ETag" not in flashed.headers
    assert "Your proposal is saved as a draft." not in after.get_data(as_text=True)
    assert (len(site.cache), site.cache.hits) == (1, 0)


def test_demo_mode_keeps_and_tags_nothing(sqlite_url: str, master_key: str) -> None:
    site = _site(sqlite_url, master_key, DIALOGUE_DEMO_MODE="yes")
    client = site.app.test_client()

    answers = [client.get("/?lang=en") for _ in range(2)]

    assert ["ETag" in r.headers for r in answers] == [False, False]
    assert (len(site.cache), site.cache.hits) == (0, 0)


def test_the_cache_can_be_turned_off(sqlite_url: str, master_key: str) -> None:
    app = make_app(sqlite_url, master_key, DIALOGUE_PAGE_CACHE="off")

    r = app.test_client().get("/?lang=en")

    assert page_cache(app) is None
    assert "ETag" not in r.headers


def test_the_cache_drops_the_least_recently_used_page_past_its_size() -> None:
    from web.page_cache import Entry

    cache = PageCache(max_entries=2, max_bytes=1000)
    for n in (1, 2):
        cache.put((n,), Entry(body=b"x" * 100, headers=(), etag=str(n)))
    cache.get((1,))
    cache.put((3,), Entry(body=b"x" * 100, headers=(), etag="3"))

    assert [cache.get((n,)) is not None for n in (1, 2, 3)] == [True, False, True]
    assert cache.size == 200


def test_the_cache_holds_its_bodies_under_its_byte_cap() -> None:
    from web.page_cache import Entry

    cache = PageCache(max_entries=10, max_bytes=1000)
    for n in range(5):
        cache.put((n,), Entry(body=b"x" * 240, headers=(), etag=str(n)))

    assert (len(cache), cache.size) == (4, 960)


def test_participation_statistics_published_show_on_the_next_anonymous_read(site: Site) -> None:
    # Published without an event: no view's position moves, the minute is the same.
    client = site.app.test_client()
    assert "unaffiliated" not in client.get("/dashboards/participation?lang=en").get_data(as_text=True)

    publish_statistics(site.services, "2026-Q1")

    assert "unaffiliated" in client.get("/dashboards/participation?lang=en").get_data(as_text=True)


def test_a_checkpoint_signed_shows_on_the_next_anonymous_read_of_a_published_recommendation(loaded: Services, tmp_path: Path) -> None:
    # ``dialogue audit`` signs checkpoints without an event; the recommendation's page shows
    # the checkpoint that includes it.
    app = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")
    cache = page_cache(app)
    assert cache is not None
    cache.now = lambda: MINUTE + 1  # one minute, however slow the machine
    pid = published(loaded)
    client = app.test_client()
    assert "not yet in a signed checkpoint" in client.get(f"/proposals/{pid}?lang=en").get_data(as_text=True)

    checkpoint = sign_checkpoint(loaded.app.engine, write_key_pair(tmp_path / "log.key", "127.0.0.1:5000/log"))

    assert f"tree size {checkpoint.head.size}" in client.get(f"/proposals/{pid}?lang=en").get_data(as_text=True)
