"""The ``indicators`` scenario folder (issue 19, "The commission"): the commission's
indicator for prop-a and its measurements, each with its source. The refusals are checked
on SQLite and PostgreSQL by ``test_rule_scenarios.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from application.bootstrap import Services
from application.scenario.loader import ScenarioLoader
from domain.ids import scenario_id

FOLDER = Path(__file__).resolve().parent / "indicators"


def test_the_indicator_holds_the_latest_measurement_of_each_state_and_period(sqlite_services: Services) -> None:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(sqlite_services.app, FOLDER)
    assert loader.run().unexpected_refusals == []

    indicator = sqlite_services.app.indicator(scenario_id(loader.ns, "indicator", "ind-regularisation"))

    assert (indicator.recommendations, indicator.states) == ([str(loader.prop("prop-a"))], ["CO", "MX"])
    assert indicator.measurements == {"CO/2026-Q2": 1850.0, "MX/2026-Q2": 1500.0, "CO/2026-Q3": 2300.0}


def test_each_measurement_records_its_source_and_disaggregation(sqlite_services: Services) -> None:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(sqlite_services.app, FOLDER)
    loader.run()
    iid = scenario_id(loader.ns, "indicator", "ind-regularisation")
    events: list[Any] = [
        sqlite_services.app.mapper.to_domain_event(s) for s in sqlite_services.app.recorder.select_events(iid)
        if s.topic.endswith("MeasurementRecorded")
    ]

    first = events[0]

    assert (first.state, first.period, first.disaggregation, first.source["url"]) == (
        "CO", "2026-Q2", {"sex": {"women": 1010, "men": 840}}, "https://www.migracioncolombia.gov.co/datos-abiertos",
    )
