"""An indicator's reference is checked in an index written with each definition in its
transaction (``application/references.py``, issue 14); migration 0013 fills it from the
log's definitions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from application.bootstrap import Services
from application.scenario.loader import ScenarioLoader
from application.schema import VERSION_TABLE, upgrade_own_tables
from application.tables import indicator_reference_table

FOLDER = Path(__file__).resolve().parent.parent / "scenarios" / "indicators"


@pytest.fixture
def defined(sqlite_services: Services) -> tuple[Services, ScenarioLoader]:
    """The indicators scenario: the commission's indicator ``ind-regularisation`` for prop-a."""
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(sqlite_services.app, FOLDER)
    assert loader.run().unexpected_refusals == []
    return sqlite_services, loader


def content(loader: ScenarioLoader, reference: str) -> dict[str, Any]:
    return {
        "reference": reference, "recommendations": [loader.prop("prop-a")], "name": "Personas regularizadas",
        "definition": "Personas con permiso de residencia regular.", "unit": "personas", "baseline": 1200,
        "baseline_date": date(2025, 12, 31), "target": 5000, "target_date": date(2028, 12, 31), "disaggregation": [],
        "states": ["CO"],
    }


def codes(services: Services, loader: ScenarioLoader, reference: str) -> list[str]:
    return [p.code for p in services.app.check_indicator(**content(loader, reference))]


def test_a_definition_writes_its_reference_to_the_index(defined: tuple[Services, ScenarioLoader]) -> None:
    services, _ = defined
    with services.app.engine.connect() as c:
        keys = c.execute(select(indicator_reference_table.c.reference_key)).scalars().all()
    assert keys == ["ind-regularisation"]


def test_a_reference_differing_in_case_and_spaces_is_taken_and_another_is_free(defined: tuple[Services, ScenarioLoader]) -> None:
    services, loader = defined
    assert "already_registered" in codes(services, loader, " IND-Regularisation ")
    assert "already_registered" not in codes(services, loader, "ind-other")


def test_the_upgrade_fills_the_index_from_the_log(defined: tuple[Services, ScenarioLoader]) -> None:
    services, loader = defined
    engine = services.app.engine
    with engine.begin() as c:
        for table in ("dialogue_indicator_references", "dialogue_open_election_seats", "dialogue_input_calls"):  # and the later migration's
            c.execute(text(f"DROP TABLE {table}"))
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0012'"))

    upgrade_own_tables(engine)

    assert "already_registered" in codes(services, loader, "ind-regularisation")
