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
from projections import indicators as views

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


def test_the_open_data_holds_the_indicator_and_its_measurements_valid(sqlite_services: Services, tmp_path: Path) -> None:
    from frictionless import validate

    from application.open_data import build_export

    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(sqlite_services.app, FOLDER)
    loader.run()
    app = sqlite_services.app
    e = build_export(app.engine, app.recorder, app.mapper)
    e.write(tmp_path)

    report = validate(tmp_path / "datapackage.json")
    measurements = (tmp_path / "measurements.csv").read_text("utf-8").splitlines()

    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert (tmp_path / "indicators.csv").read_text("utf-8").count("ind-regularisation") == 1
    assert [line.split(",")[1:4] for line in measurements[1:]] == [["CO", "2026-Q2", "1850"], ["CO", "2026-Q3", "2300"], ["MX", "2026-Q2", "1500"]]


def test_a_member_appointed_later_joins_the_commission_from_that_day(sqlite_services: Services) -> None:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(sqlite_services.app, FOLDER.parent / "commission-appointment")
    loader.run()
    sqlite_services.projector.catch_up()

    found = views.commission(sqlite_services.projector.engine)

    assert found is not None
    assert [(m["participant_id"], m["appointed_on"]) for m in found["members"]] == [
        (str(loader.pid("p-01")), date(2026, 6, 1)), (str(loader.pid("p-06")), date(2026, 6, 10)),
    ]
