"""An indicator's reference is checked in an index written with each definition in its
transaction (``application/references.py``, issue 14); migration 0013 fills it from the
log's definitions, and 0016 makes its key unique (keeping the first definition of a
reference), so that of two definitions of one reference at once the second is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import IntegrityError

from application.bootstrap import Services
from application.references import INDICATOR_DEFINED, index_registrations
from application.scenario.loader import ScenarioLoader
from application.schema import VERSION_TABLE, upgrade_own_tables
from application.tables import indicator_reference_table
from domain.errors import InvalidInputError

FOLDER = Path(__file__).resolve().parent.parent / "scenarios" / "indicators"


def load(services: Services) -> tuple[Services, ScenarioLoader]:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(services.app, FOLDER)
    assert loader.run().unexpected_refusals == []
    return services, loader


@pytest.fixture
def defined(sqlite_services: Services) -> tuple[Services, ScenarioLoader]:
    """The indicators scenario: the commission's indicator ``ind-regularisation`` for prop-a."""
    return load(sqlite_services)


@pytest.fixture
def defined_on_both(services: Services) -> tuple[Services, ScenarioLoader]:
    """The same, on SQLite and on PostgreSQL."""
    return load(services)


def index_rows(engine: Engine) -> list[tuple[int, str]]:
    t = indicator_reference_table
    with engine.connect() as c:
        return [(int(p), str(k)) for p, k in c.execute(select(t.c.position, t.c.reference_key).order_by(t.c.position))]


def definitions(services: Services) -> int:
    with services.app.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM dialogue_events WHERE topic = :t"), {"t": INDICATOR_DEFINED}).scalar_one())


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


def test_a_definition_that_read_before_another_was_saved_is_refused_as_a_duplicate(
    defined_on_both: tuple[Services, ScenarioLoader], monkeypatch: pytest.MonkeyPatch,
) -> None:
    services, loader = defined_on_both
    before, saved = index_rows(services.app.engine), definitions(services)
    reads: list[str] = []
    real = services.app._indicator_reference_taken

    def stale_first(reference: str) -> bool:  # the first read misses the definition, as at the same moment
        reads.append(reference)
        return False if len(reads) == 1 else real(reference)

    monkeypatch.setattr(services.app, "_indicator_reference_taken", stale_first)
    with pytest.raises(InvalidInputError) as refused:
        services.app.define_indicator(indicator_id=uuid4(), actor=str(loader.pid("p-01")), **content(loader, " IND-Regularisation "))

    assert (refused.value.code, refused.value.field, len(reads)) == ("already_registered", "reference", 2)
    assert refused.value.message == "An indicator with the reference IND-Regularisation already exists."
    assert (index_rows(services.app.engine), definitions(services)) == (before, saved)


def test_the_upgrade_keeps_the_first_definition_of_a_reference_and_makes_the_key_unique(
    defined_on_both: tuple[Services, ScenarioLoader],
) -> None:
    services, _ = defined_on_both
    engine = services.app.engine
    [(first, key)] = index_rows(engine)
    with engine.begin() as c:  # as at 0015: a key not unique, two definitions of one reference saved at once
        c.execute(text("DROP INDEX ix_dialogue_indicator_references_key"))
        c.execute(text("CREATE INDEX ix_dialogue_indicator_references_key ON dialogue_indicator_references (reference_key)"))
        c.execute(insert(indicator_reference_table), [
            {"position": first + 1000, "reference_key": key}, {"position": first + 1001, "reference_key": "ind-other"},
        ])
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0015'"))

    upgrade_own_tables(engine)

    assert index_rows(engine) == [(first, "ind-regularisation"), (first + 1001, "ind-other")]
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(insert(indicator_reference_table).values(position=first + 1002, reference_key="ind-other"))


def test_an_import_keeps_the_first_definition_of_a_reference_an_old_log_holds_twice(sqlite_services: Services) -> None:
    state = b'{"reference": " Ind-A "}'
    with sqlite_services.app.engine.begin() as c:
        index_registrations(c, [(5, INDICATOR_DEFINED, state, str(uuid4())), (9, INDICATOR_DEFINED, state, str(uuid4()))], whole_log=True)

    assert index_rows(sqlite_services.app.engine) == [(5, "ind-a")]
