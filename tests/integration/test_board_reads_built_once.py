"""The reads of the board and of the adopted recommendations' page (and of the API's
recommendation board) run statements built once (bound parameters) and read only the page's
sessions, rounds and responses: the same rows as the general reads, on the 2026-Q1 scenario
(SQLite), and a page against the whole list's slice on a small history on SQLite and
PostgreSQL (docs/performance.md, "The board's and the adopted recommendations' reads built
once")."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from application.bootstrap import Services
from projections import follow_up, liaison, sessions
from projections import proposals as pv
from tests.e2e.web_support import make_app
from tests.integration.test_board_by_objective import a_history

ADOPTED = list(pv.ADOPTED_OR_LATER)


def test_a_page_of_recommendations_holds_the_rows_of_the_whole_list_in_its_order(loaded: Services) -> None:
    e = loaded.projector.engine

    first, total = pv.page_of_recommendations(e, status=ADOPTED, limit=10, offset=0)
    rt2, rt2_total = pv.page_of_recommendations(e, status=ADOPTED, table="RT2", limit=3, offset=1)
    drafts, drafts_total = pv.page_of_recommendations(e, status=list(pv.DRAFT_STATUSES), limit=10, offset=10)

    assert (total, [(r["reference"], r["table"], r["status"]) for r in first[:5]]) == (20, [
        ("prop-rt1-01", "RT1", "published"), ("prop-rt1-02", "RT1", "published"), ("prop-rt1-03", "RT1", "published"),
        ("prop-rt1-05", "RT1", "adopted"), ("prop-rt1-09", "RT1", "adopted"),
    ])
    assert (rt2_total, [r["reference"] for r in rt2]) == (5, ["prop-rt2-02", "prop-rt2-03", "prop-rt2-04"])
    assert first == pv.list_recommendations(e, status=ADOPTED)[:10]
    assert rt2 == pv.list_recommendations(e, status=ADOPTED, table="RT2")[1:4]
    assert (drafts_total, drafts) == (13, pv.list_recommendations(e, status=list(pv.DRAFT_STATUSES))[10:20])


def test_a_page_of_recommendations_is_the_slice_of_the_whole_list_on_both_databases(services: Services) -> None:
    ids = a_history(services)
    e = services.projector.engine
    every = [*pv.DRAFT_STATUSES, *ADOPTED]

    for status in (every, list(pv.DRAFT_STATUSES), ["draft"], ADOPTED):
        for table in (None, "RT1", "RT4"):
            whole = pv.list_recommendations(e, status=status, table=table)
            for offset in (0, 3, 6, 9, 12):
                assert pv.page_of_recommendations(e, status=status, table=table, limit=3, offset=offset) == (whole[offset:offset + 3], len(whole))
    first, total = pv.page_of_recommendations(e, status=every, limit=3, offset=9)
    assert (total, [ids.index(r["id"]) + 1 for r in first]) == (11, [10, 11])
    assert [r["status"] for r in pv.page_of_recommendations(e, status=["submitted"], limit=5, offset=0)[0]] == ["submitted"] * 3


def test_a_page_of_cards_holds_the_columns_a_card_shows_of_the_same_rows(loaded: Services) -> None:
    e = loaded.projector.engine

    for table, objective, offset in ((None, None, 0), ("RT2", None, 0), (None, 7, 0), (None, None, 10)):
        cards, total = pv.page_of_cards(e, status=list(pv.DRAFT_STATUSES), table=table, objective=objective, limit=10, offset=offset)
        full, full_total = pv.page_of_recommendations(e, status=list(pv.DRAFT_STATUSES), table=table, objective=objective, limit=10, offset=offset)

        assert (total, cards) == (full_total, [{k: r[k] for k in cards[0]} for r in full])
        assert set(cards[0]) == {"id", "reference", "table", "title", "language", "status", "author_id", "co_author_ids", "content_version", "objectives", "updated_on"}
    first, _ = pv.page_of_cards(e, status=list(pv.DRAFT_STATUSES), limit=2, offset=0)
    assert [(c["reference"], c["table"], c["status"], c["content_version"]) for c in first] == [
        ("prop-rt1-04", "RT1", "submitted", 1), ("prop-rt1-08", "RT1", "draft", 1),
    ]


def test_the_board_from_its_cards_columns_is_the_board_from_whole_rows(loaded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    web = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", DIALOGUE_PAGE_CACHE="off")
    client = web.test_client()
    queries = ("/", "/?page=2", "/?table=RT3", "/?objective=7", "/?status=draft&lang=es")

    cards = [client.get(q).get_data(as_text=True) for q in queries]
    monkeypatch.setattr(pv, "page_of_cards", pv.page_of_recommendations)
    whole = [client.get(q).get_data(as_text=True) for q in queries]

    assert cards == whole
    assert "prop-rt1-04" in cards[0] and "prop-rt3-" in cards[2]


def test_a_pages_sessions_rounds_and_responses_are_those_of_its_recommendations(loaded: Services) -> None:
    e = loaded.projector.engine
    page, _ = pv.page_of_recommendations(e, status=ADOPTED, limit=10, offset=0)
    ids = [r["id"] for r in page]

    rounds = liaison.endorsement_rounds(e, proposal_ids=ids)
    responses = follow_up.government_responses(e, proposal_ids=ids)
    adopted_in = sessions.sessions_by_id(e, [r["adopted_session_id"] for r in page if r["adopted_session_id"]])

    assert [(r["reference"], r["outcome"], r["counts"]["endorse"], r["counts"]["object"]) for r in rounds][-2:] == [
        ("prop-rt2-05", "not_endorsed", 3, 4), ("prop-rt2-03", "endorsed", 8, 0),
    ]
    assert rounds == [r for r in liaison.endorsement_rounds(e) if r["proposal_id"] in ids]
    assert [(r["reference"], r["country"]) for r in responses] == [
        ("prop-rt1-01", "CO"), ("prop-rt1-02", "JM"), ("prop-rt2-01", "DO"), ("prop-rt2-02", "GT"),
    ]
    assert responses == [r for r in follow_up.government_responses(e) if r["proposal_id"] in ids]
    assert adopted_in == {s["id"]: s for s in sessions.list_sessions(e) if s["id"] in {r["adopted_session_id"] for r in page}}
    assert (liaison.endorsement_rounds(e, proposal_ids=[]), follow_up.government_responses(e, proposal_ids=[])) == ([], [])


def test_two_pages_reads_run_the_same_statements(loaded: Services) -> None:
    e = loaded.projector.engine
    seen: list[Any] = []

    def record(conn: Any, clauseelement: Any, *args: Any) -> None:
        seen.append(clauseelement)

    def read(table: str | None, offset: int) -> list[Any]:
        seen.clear()
        page, _ = pv.page_of_recommendations(e, status=ADOPTED, table=table, limit=5, offset=offset)
        ids = [r["id"] for r in page]
        sessions.sessions_by_id(e, [r["adopted_session_id"] for r in page if r["adopted_session_id"]])
        liaison.endorsement_rounds(e, proposal_ids=ids)
        follow_up.government_responses(e, proposal_ids=ids)
        return list(seen)

    event.listen(e, "before_execute", record)
    try:
        first, second = read(None, 0), read(None, 5)
        rt1, rt2 = read("RT1", 0), read("RT2", 0)
    finally:
        event.remove(e, "before_execute", record)

    assert len(first) == len(second) == len(rt1) == len(rt2) == 6
    assert [a is b for a, b in zip(first, second, strict=True)] == [True] * 6
    assert [a is b for a, b in zip(rt1, rt2, strict=True)] == [True] * 6
