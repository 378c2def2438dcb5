"""Answers kept per process for the log's and the views' positions (web.pages.common: a
signed-in person's roles, the views' reads of the board and the proposal page, the board's
cards and filters): a write made anywhere moves a position, so the next page shows it."""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from markupsafe import Markup

from application.bootstrap import Services
from projections import proposals as proposal_views
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import (
    account_for,
    act_as,
    app_services,
    make_app,
    participant_id,
    sign_in_as,
    text_of,
)
from web.pages.common import PositionMemo, footprint

TOKEN = re.compile(r'value="[^"]*"')  # the form tokens of a signed-in person's layout
NAME = "Member 0"  # the author's name (tests.conftest.seed_members)


@dataclass
class Site:
    app: Flask
    services: Services
    author: str
    outsider: str
    proposal: str


@pytest.fixture
def site(sqlite_url: str, master_key: str) -> Iterator[Site]:
    """A member of RT1 with a draft, and a participant of no table (with an account); the
    whole-page cache off (web.page_cache), so that the public's pages are rendered."""
    app = make_app(sqlite_url, master_key, DIALOGUE_PAGE_CACHE="off")
    s = app_services(app)
    for code in ("RT1", "RT2"):
        s.app.register_table(code)
    author = seed_members(s.app, 1, "RT1")[0]
    outsider = s.app.register_participant(reference="p-out", display_name="Olga Ortiz", organisation_id=None, gender="woman", preferred_language="es")
    proposal = draft_sample_proposal(s.app, author, title="Safe pathways")
    s.wait_for_views()
    yield Site(app, s, str(author), str(outsider), str(proposal))


def test_a_revision_saved_outside_the_web_shows_on_the_next_board_and_proposal_page(site: Site) -> None:
    client = site.app.test_client()
    assert "Safe pathways" in client.get("/?lang=en").get_data(as_text=True)
    assert "Safe pathways" in client.get(f"/proposals/{site.proposal}?lang=en").get_data(as_text=True)

    site.services.app.revise_proposal(site.proposal, {"title": "Regular pathways"}, actor=site.author)
    site.services.wait_for_views()

    board = text_of(client.get("/?lang=en").get_data(as_text=True))
    page = text_of(client.get(f"/proposals/{site.proposal}?lang=en").get_data(as_text=True))
    assert ("Regular pathways" in board, "Safe pathways" in board) == (True, False)
    assert ("Regular pathways" in page, "version 2" in page.lower()) == (True, True)


def test_a_participant_who_joins_the_table_is_offered_an_amendment_on_the_next_page(site: Site) -> None:
    client = site.app.test_client()
    sign_in_as(client, account_for(site.app, "participant", site.outsider))
    before = client.get(f"/proposals/{site.proposal}?lang=en").get_data(as_text=True)

    site.services.app.join_table(site.outsider, "RT1")
    site.services.wait_for_views()
    after = client.get(f"/proposals/{site.proposal}?lang=en").get_data(as_text=True)

    assert ("Propose an amendment" in before, "Propose an amendment" in after) == (False, True)


def test_the_board_kept_in_one_language_is_not_shown_in_another(site: Site) -> None:
    client = site.app.test_client()
    english = client.get("/?lang=en").get_data(as_text=True)
    spanish = client.get("/?lang=es").get_data(as_text=True)
    again = client.get("/?lang=en").get_data(as_text=True)

    assert ">Filter</button>" in english
    assert ">Filtrar</button>" in spanish
    assert again == english


def test_a_kept_board_is_the_board_rendered_anew_for_the_public_and_for_a_member(site: Site) -> None:
    public, member = site.app.test_client(), site.app.test_client()
    sign_in_as(member, account_for(site.app, "participant", site.author))
    pages = {}
    for who, client in (("public", public), ("member", member)):
        first, second = (TOKEN.sub("TOKEN", client.get("/?lang=en").get_data(as_text=True)) for _ in range(2))
        pages[who] = (first == second, NAME in first)

    assert pages == {"public": (True, False), "member": (True, True)}


def test_a_position_memo_drops_its_oldest_answer_beyond_its_size(sqlite_services: Services) -> None:
    memo = PositionMemo(sqlite_services, size=2)
    for key in ("a", "b", "c"):
        memo.put(key, key.upper())

    assert (memo.peek("a"), memo.peek("b"), memo.peek("c")) == (None, "B", "C")


def test_a_position_memo_drops_its_oldest_answers_beyond_its_bytes(sqlite_services: Services) -> None:
    text = "x" * 1_000
    weight = footprint("a") + footprint([text])
    memo = PositionMemo(sqlite_services, size=100, max_bytes=weight * 9 // 2)  # room for 4 answers and a half
    for key in "abcde":
        memo.put(key, [text])

    assert ([memo.peek(k) is not None for k in "abcde"], len(memo), memo.weight) == ([False, True, True, True, True], 4, 4 * weight)


def test_a_position_memo_keeps_no_answer_heavier_than_a_quarter_of_its_bytes(sqlite_services: Services) -> None:
    memo = PositionMemo(sqlite_services, max_bytes=40_000)
    memo.put("light", "x" * 1_000)
    given = memo.put("heavy", "x" * 20_000)

    assert (len(given), memo.peek("heavy"), memo.peek("light") is not None, len(memo)) == (20_000, None, True, 1)


# The proposal page's lists of the 2026-Q1 scenario's prop-rt1-01 (amended, decided in
# session, endorsed, answered by governments; a follow-up is added): each one not empty, so
# that a template changing any of them is seen.
LISTS = ("amendments_of", "sessions_of_proposal", "endorsement_rounds", "government_responses", "follow_ups")


@pytest.fixture
def scenario_site(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path) -> Site:
    """A copy of the loaded 2026-Q1 scenario (clock 2026-03-27), prop-rt1-01 given a follow-up
    in Colombia, whose government answered it; the whole-page cache off."""
    src, key, _ = loaded_scenario_file
    shutil.copy(src, tmp_path / "copy.sqlite")
    app = make_app(f"sqlite:///{tmp_path / 'copy.sqlite'}", key, clock="2026-03-27", DIALOGUE_PAGE_CACHE="off")
    s = app_services(app)
    proposal = next(r for r in proposal_views.list_recommendations(s.projector.engine) if r["reference"] == "prop-rt1-01")
    s.app.record_follow_up(proposal["id"], country="CO", progress="in_progress", note="Informe.", on=date(2026, 3, 20))
    s.wait_for_views()
    return Site(app, s, str(proposal["author_id"]), participant_id(app, "p-01"), str(proposal["id"]))


def test_the_pages_never_change_the_answers_they_keep(scenario_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """The board and the proposal page render the kept rows themselves (not copies): what
    each answer was when kept, it still is after the pages rendered it, twice, for the
    public, the author and the secretariat; each of the page's lists held rows."""
    site = scenario_site
    kept: list[tuple[object, object, object]] = []
    put = PositionMemo.put

    def recording(self: PositionMemo, key: Hashable, value: Any) -> Any:
        kept.append((key, value, copy.deepcopy(value) if not isinstance(value, Markup) else str(value)))
        return put(self, key, value)

    monkeypatch.setattr(PositionMemo, "put", recording)
    public, author, secretariat = (site.app.test_client() for _ in range(3))
    sign_in_as(author, account_for(site.app, "participant", site.author))
    act_as(secretariat, "secretariat")
    for client in (public, author, secretariat, public, author, secretariat):
        for path in ("/?lang=en", f"/proposals/{site.proposal}?lang=en", f"/proposals/{site.proposal}?lang=es"):
            assert client.get(path).status_code == 200

    rows = {key[2]: len(value) for key, value, _ in kept if type(key) is tuple and key[0] in ("view", "proposal") and key[2] in LISTS}
    changed = [key for key, value, then in kept if (str(value) if isinstance(value, Markup) else value) != then]
    assert (sorted(rows), all(rows.values()), changed) == (sorted(LISTS), True, [])
