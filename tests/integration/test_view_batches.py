"""Views written in batches (projections.batch, projections.statements): applying the log one
event per transaction and applying it in one large batch give the same rows, on SQLite and
PostgreSQL, including people whose details change and who are erased later in the batch."""

from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine

from application import privacy
from application.bootstrap import Services
from domain.base import SECRETARIAT, Ctx
from projections.runner import ViewProjector, snapshot_rows
from tests.conftest import reset_postgres
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
