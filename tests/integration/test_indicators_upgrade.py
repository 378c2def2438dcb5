"""The indicators projection's version 3 (``view_indicator_recommendations``, a
recommendation's indicators by recommendation) is built from the log when a database whose
views are at version 2 (without that table) is upgraded. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import inspect, select

from application.bootstrap import Services
from application.scenario.loader import ScenarioLoader
from projections import indicators
from projections.runner import ViewProjector
from projections.versions import CURRENT, PREVIOUS, states, upgrade
from tests.integration.test_projection_versions import left_at_previous_version

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "indicators"


def test_the_upgrade_builds_the_indicators_by_recommendation_from_the_log(services: Services) -> None:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(services.app, FOLDER)
    loader.run()
    services.projector.catch_up()
    engine = services.projector.engine
    left_at_previous_version(services, indicators, "indicator_recommendations")
    head = int(services.app.recorder.max_notification_id() or 0)
    pid = str(loader.prop("prop-a"))

    done = upgrade(ViewProjector(services.app.recorder, services.app.mapper, engine, create=False))

    known = states(engine)
    links = indicators.view_indicator_recommendations
    with engine.connect() as c:
        linked = [tuple(r) for r in c.execute(select(links.c.proposal_id, links.c.indicator_id))]
    found = indicators.of_recommendation(engine, pid)
    assert done[:2] == [f"built indicators.v3 from {head} events", "switched to indicators.v3"]
    assert (known[("indicators", 2)], known[("indicators", 3)]) == (PREVIOUS, CURRENT)
    assert links.name in inspect(engine).get_table_names()
    assert linked == [(pid, str(found[0]["id"]))]
    assert [(i["reference"], [(m["state"], m["period"], m["value"]) for m in i["latest"]]) for i in found] == [
        ("ind-regularisation", [("CO", "2026-Q3", 2300.0), ("MX", "2026-Q2", 1500.0)]),
    ]
