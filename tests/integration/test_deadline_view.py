"""The deadline job (``dialogue close-due``) reads the open rounds from their view at its
tracking position, then the log after it; the events table has an index on topic."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import inspect, text

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import EVENTS_TABLE
from projections import deadlines
from projections import proposals as proposal_views

TOPIC_INDEX = f"{EVENTS_TABLE}_topic_id_idx"


def _open_round(loaded: Services, closes_on: date) -> str:
    adopted = proposal_views.list_recommendations(loaded.projector.engine, status="adopted")[0]
    loaded.app.open_endorsement(adopted["id"], closes_on)
    return str(adopted["id"])


def _due(loaded: Services) -> list[tuple[str, str]]:
    cast(FixedClock, loaded.app.clock).set(date(2026, 4, 1))
    return [(str(p), outcome) for p, outcome in loaded.app.close_due()]


def test_the_deadline_job_closes_a_round_the_views_have_not_seen(loaded: Services) -> None:
    pid = _open_round(loaded, date(2026, 3, 30))
    assert deadlines.open_rounds(loaded.projector.engine) == {}
    assert _due(loaded) == [(pid, "not_endorsed")]


def test_the_deadline_job_closes_a_round_read_from_the_view(loaded: Services) -> None:
    pid = _open_round(loaded, date(2026, 3, 30))
    loaded.projector.catch_up()
    assert list(deadlines.open_rounds(loaded.projector.engine).values()) == [date(2026, 3, 30)]
    assert _due(loaded) == [(pid, "not_endorsed")]
    loaded.projector.catch_up()
    assert deadlines.open_rounds(loaded.projector.engine) == {}


def test_a_round_not_yet_due_stays_open(loaded: Services) -> None:
    _open_round(loaded, date(2026, 4, 10))
    loaded.projector.catch_up()
    assert _due(loaded) == []
    assert list(loaded.app.open_rounds().values()) == [date(2026, 4, 10)]


def test_the_view_and_the_whole_log_give_the_same_open_rounds(loaded: Services) -> None:
    _open_round(loaded, date(2026, 4, 10))
    loaded.projector.catch_up()
    _open_round(loaded, date(2026, 4, 20))
    from_view = loaded.app.open_rounds()
    loaded.app.open_rounds_view = None
    assert from_view == loaded.app.open_rounds()
    assert sorted(from_view.values()) == [date(2026, 4, 10), date(2026, 4, 20)]


def _topic_index(services: Services) -> list[dict[str, Any]]:
    return [cast(dict[str, Any], i) for i in inspect(services.app.engine).get_indexes(EVENTS_TABLE) if i["name"] == TOPIC_INDEX]


def test_the_events_table_has_an_index_on_topic_and_position(services: Services) -> None:
    assert [i["column_names"] for i in _topic_index(services)] == [["topic", "id"]]


def test_an_upgrade_adds_the_topic_index_to_an_earlier_database(sqlite_url: str, master_key: str) -> None:
    config = Config(database_url=sqlite_url, master_key=master_key, inline_projection=False)
    first = bootstrap(config, clock=FixedClock(date(2026, 1, 5)))
    with first.app.engine.begin() as c:
        c.execute(text(f"DROP INDEX {TOPIC_INDEX}"))
    assert _topic_index(first) == []
    again = bootstrap(config, clock=FixedClock(date(2026, 1, 5)))
    assert len(_topic_index(again)) == 1
