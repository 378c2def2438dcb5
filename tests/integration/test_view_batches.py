"""Views written in batches (projections.batch, projections.statements): applying the log one
event per transaction and applying it in one large batch give the same rows, on SQLite and
PostgreSQL, including people whose details change and who are erased later in the batch; a
batch that fails in the events' own transaction writes none of its waiting rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from application import privacy
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from domain.base import SECRETARIAT, Ctx
from domain.proposal import Proposal
from projections import search
from projections.base import topic
from projections.proposals import get_proposal, proposal_versions
from projections.runner import ViewProjector, snapshot_rows
from tests.conftest import draft_sample_proposal, reset_postgres, seed_members
from tests.integration.test_erasure import participant_id


def test_one_event_per_transaction_and_one_batch_give_the_same_views(loaded: Services, database_url: str) -> None:
    p = loaded.app.participant(participant_id("p-01"))
    p.update_details(Ctx(SECRETARIAT, date(2026, 3, 27), "test:details"), {"gender": "non_binary"})
    loaded.app.save(p)
    privacy.erase(loaded, "p-12")
    engine = create_engine(database_url)
    try:
        projector = ViewProjector(loaded.app.recorder, loaded.app.mapper, engine)
        one_by_one = projector.catch_up(batch=1)
        singly = snapshot_rows(engine)
        if engine.dialect.name == "postgresql":
            reset_postgres(database_url)  # its sequences too: the search documents' ids start again
            projector.create_tables()
        else:
            projector.reset()
        assert projector.catch_up(batch=100_000) == one_by_one
        assert snapshot_rows(engine) == singly
    finally:
        engine.dispose()
    assert one_by_one > 700
    assert sum(len(rows) for rows in singly.values()) > 500


def test_a_view_failing_in_the_events_transaction_leaves_no_waiting_row_behind(
    database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=True), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    revised = topic(Proposal, "Revised")
    handler = search.projection.handlers[revised]
    calls: list[int] = []

    def fails_once(session: Session, e: Any, position: int) -> None:
        calls.append(position)
        if len(calls) == 1:
            raise RuntimeError("the search view failed")
        handler(session, e, position)

    # The proposals' handlers run first and leave their rows waiting; the search view then fails.
    monkeypatch.setitem(search.projection.handlers, revised, fails_once)
    s.app.revise_proposal(pid, {"title": "Applied once"}, actor=str(author))
    assert len(calls) == 2  # in the events' transaction (rolled back), then by the catch-up
    assert s.projector.position() == s.app.last_position
    assert [v["kind"] for v in proposal_versions(s.projector.engine, str(pid))] == ["drafted", "revised"]
    assert get_proposal(s.projector.engine, str(pid))["title"] == "Applied once"  # type: ignore[index]
