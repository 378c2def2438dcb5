"""The board filtered by a GCM objective reads the proposals naming it through
``view_proposal_objectives`` (the proposals projection's version 2) and pages in SQL: the same
rows, in the same order, and the same totals as the whole list filtered by the proposals'
``objectives``; a revision of the objectives moves a proposal; ``dialogue db upgrade`` from
version 1 builds the view from the log. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select

from application.bootstrap import Services
from projections import proposals as pv
from projections.runner import ViewProjector
from projections.versions import CURRENT, PREVIOUS, states, upgrade
from tests.conftest import seed_members
from tests.integration.test_projection_versions import left_at_previous_version

DRAFTS = list(pv.DRAFT_STATUSES)
EVERY = [*pv.DRAFT_STATUSES, *pv.ADOPTED_OR_LATER]
# Drafted in this order: (table, objectives); the 2nd, 5th and 9th are submitted, the 4th's
# objectives revised from [6] to [2, 5].
DRAFTED = [
    ("RT1", [2]), ("RT1", [5]), ("RT1", [2, 5]), ("RT1", [6]), ("RT1", [12, 18]), ("RT1", [5]),
    ("RT1", [2]), ("RT4", [1]), ("RT4", [23]), ("RT4", [1, 3]), ("RT4", [3]),
]


def a_history(s: Services) -> list[str]:
    """The proposals of :data:`DRAFTED` in RT1 and RT4, the views caught up; their ids in order."""
    authors = {"RT1": seed_members(s.app, 1, "RT1")[0], "RT4": seed_members(s.app, 1, "RT4")[0]}
    ids = []
    for n, (table, objectives) in enumerate(DRAFTED, 1):
        ids.append(str(s.app.draft_proposal(
            actor=str(authors[table]), table=table, title=f"Propuesta {n}", problem="P", recommendation="R", rationale="F",
            objectives=objectives, targets=["all governments of the region"], language="es",
        )))
    for n in (2, 5, 9):
        s.app.submit_proposal(ids[n - 1], actor=str(authors[DRAFTED[n - 1][0]]))
    s.app.revise_proposal(ids[3], {"objectives": [5, 2]}, actor=str(authors["RT1"]))
    s.projector.catch_up()
    return ids


def by_objective(e: Any, status: list[str], table: str | None, objective: int) -> list[dict[str, Any]]:
    """The whole list of those statuses (and table), kept when the row names ``objective``."""
    return [r for r in pv.list_recommendations(e, status=status, table=table) if objective in r["objectives"]]


def test_a_page_by_objective_holds_the_rows_of_the_whole_list_naming_it(services: Services) -> None:
    ids = a_history(services)
    e = services.projector.engine

    for status in (DRAFTS, EVERY, ["submitted"]):
        for table in (None, "RT1", "RT4"):
            for objective in (1, 2, 3, 5, 6, 18, 23, 7):
                expected = by_objective(e, status, table, objective)
                for offset in (0, 2, 4):
                    page, total = pv.page_of_recommendations(e, status=status, table=table, objective=objective, limit=2, offset=offset)
                    cards, cards_total = pv.page_of_cards(e, status=status, table=table, objective=objective, limit=2, offset=offset)
                    assert (total, page) == (len(expected), expected[offset:offset + 2])
                    assert (cards_total, cards) == (len(expected), [{k: r[k] for k in c} for r, c in zip(page, cards, strict=True)])
                assert pv.list_recommendations(e, status=status, table=table, objective=objective) == expected
    assert [ids.index(r["id"]) + 1 for r in by_objective(e, EVERY, None, 2)] == [1, 3, 4, 7]


def test_the_totals_and_pages_by_objective(services: Services) -> None:
    ids = a_history(services)
    e = services.projector.engine

    def read(status: list[str], objective: int, offset: int = 0, table: str | None = None) -> tuple[list[int], int]:
        page, total = pv.page_of_recommendations(e, status=status, table=table, objective=objective, limit=2, offset=offset)
        return [ids.index(r["id"]) + 1 for r in page], total

    assert read(EVERY, 5) == ([2, 3], 4)
    assert read(EVERY, 5, offset=2) == ([4, 6], 4)
    assert read(["draft"], 5, offset=2) == ([6], 3)
    assert read(EVERY, 6) == ([], 0)  # revised away
    assert read(EVERY, 2, table="RT4") == ([], 0)
    assert read(DRAFTS, 23) == ([9], 1)
    assert read(["draft"], 23) == ([], 0)
    assert read(EVERY, 1, offset=0, table="RT4") == ([8, 10], 2)
    assert read(EVERY, 1, offset=2) == ([], 2)


def test_the_upgrade_builds_the_proposals_by_objective_from_the_log(services: Services) -> None:
    ids = a_history(services)
    engine = services.projector.engine
    left_at_previous_version(services, pv, "proposal_objectives")
    head = int(services.app.recorder.max_notification_id() or 0)

    done = upgrade(ViewProjector(services.app.recorder, services.app.mapper, engine, create=False))

    known = states(engine)
    o = pv.view_proposal_objectives
    with engine.connect() as c:
        linked = sorted((r.objective, ids.index(r.proposal_id) + 1) for r in c.execute(select(o.c.objective, o.c.proposal_id)))
    assert done[:2] == [f"built proposals.v2 from {head} events", "switched to proposals.v2"]
    assert (known[("proposals", 1)], known[("proposals", 2)]) == (PREVIOUS, CURRENT)
    assert o.name in inspect(engine).get_table_names()
    assert linked == [
        (1, 8), (1, 10), (2, 1), (2, 3), (2, 4), (2, 7), (3, 10), (3, 11), (5, 2), (5, 3), (5, 4), (5, 6), (12, 5), (18, 5), (23, 9),
    ]
    page, total = pv.page_of_recommendations(engine, status=EVERY, objective=2, limit=10, offset=0)
    assert (total, [ids.index(r["id"]) + 1 for r in page]) == (4, [1, 3, 4, 7])
