"""The participants' references are checked in an index written with each registration in
its transaction (``application/references.py``, issue 14); its key is unique (migration 0017,
which keeps the first registration of a reference an older log holds twice), so that of two
registrations of one reference at once the second is refused."""

from __future__ import annotations

import logging
from datetime import date
from uuid import uuid4

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from application.bootstrap import Services, bootstrap
from application.clock import FixedClock
from application.references import PARTICIPANT_REGISTERED, index_registrations
from application.schema import VERSION_TABLE, upgrade_own_tables
from application.tables import reference_index_table
from domain.errors import InvalidInputError


def register(services: Services, reference: str) -> None:
    services.app.register_participant(
        reference=reference, display_name="Ana Lima", organisation_id=None, gender="woman", preferred_language="pt",
    )


def test_a_registration_writes_its_reference_to_the_index(services: Services) -> None:
    register(services, "  RT1-Ana ")
    with services.app.engine.connect() as c:
        keys = c.execute(select(reference_index_table.c.reference_key)).scalars().all()
    assert keys == ["rt1-ana"]


def test_a_reference_differing_in_case_and_spaces_is_refused_and_nothing_is_indexed(services: Services) -> None:
    register(services, "RT1-Ana")
    with pytest.raises(InvalidInputError) as refused:
        register(services, " rt1-ana ")
    with services.app.engine.connect() as c:
        count = len(c.execute(select(reference_index_table.c.position)).all())
    assert (refused.value.code, refused.value.field, count) == ("already_registered", "reference", 1)


def test_a_refused_registration_leaves_the_reference_free(services: Services) -> None:
    with pytest.raises(InvalidInputError):
        services.app.register_participant(
            reference="RT1-Bo", display_name="Bo", organisation_id=None, gender="unknown", preferred_language="pt",
        )
    register(services, "RT1-Bo")
    with services.app.engine.connect() as c:
        keys = c.execute(select(reference_index_table.c.reference_key)).scalars().all()
    assert keys == ["rt1-bo"]


def index_rows(services: Services) -> list[tuple[int, str]]:
    t = reference_index_table
    with services.app.engine.connect() as c:
        return [(int(p), str(k)) for p, k in c.execute(select(t.c.position, t.c.reference_key).order_by(t.c.position))]


def registrations(services: Services) -> int:
    with services.app.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM dialogue_events WHERE topic = :t"), {"t": PARTICIPANT_REGISTERED}).scalar_one())


def test_a_registration_that_read_before_another_was_saved_is_refused_as_a_duplicate(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    register(services, "RT1-Ana")
    before, saved = index_rows(services), registrations(services)
    reads: list[str] = []
    real = services.app._participant_reference_taken

    def stale_first(reference: str) -> bool:  # the first read misses the registration, as at the same moment
        reads.append(reference)
        return False if len(reads) == 1 else real(reference)

    monkeypatch.setattr(services.app, "_participant_reference_taken", stale_first)
    with pytest.raises(InvalidInputError) as refused:
        register(services, " rt1-ana ")

    assert (refused.value.code, refused.value.field, len(reads)) == ("already_registered", "reference", 2)
    assert (index_rows(services), registrations(services)) == (before, saved)


def test_the_upgrade_keeps_the_first_registration_of_a_reference_loadable_and_makes_the_key_unique(
    services: Services, monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = services.app.engine
    with engine.begin() as c:  # as at 0016: a key not unique
        c.execute(text("DROP INDEX ix_dialogue_participant_references_key"))
        c.execute(text("CREATE INDEX ix_dialogue_participant_references_key ON dialogue_participant_references (reference_key)"))
    monkeypatch.setattr(services.app, "_participant_reference_taken", lambda reference: False)
    first = services.app.register_participant(reference="RT1-Ana", display_name="Ana", organisation_id=None, gender="woman", preferred_language="es")
    later = services.app.register_participant(reference="rt1-ana ", display_name="Bea", organisation_id=None, gender="woman", preferred_language="es")
    register(services, "RT1-Bo")
    [(kept, _), _, (other, _)] = index_rows(services)
    with engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0016'"))

    report = upgrade_own_tables(engine)

    assert index_rows(services) == [(kept, "rt1-ana"), (other, "rt1-bo")]
    assert [services.app.participant(p).display_name for p in (first, later)] == ["Ana", "Bea"]
    assert any("rt1-ana" in step and "1 later registration" in step for step in report.steps), report.steps
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(insert(reference_index_table).values(position=other + 1000, reference_key="rt1-bo"))


def test_a_process_that_runs_the_upgrade_logs_its_note_of_references_found_twice(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    engine = sqlite_services.app.engine
    with engine.begin() as c:  # as at 0016: a key not unique
        c.execute(text("DROP INDEX ix_dialogue_participant_references_key"))
        c.execute(text("CREATE INDEX ix_dialogue_participant_references_key ON dialogue_participant_references (reference_key)"))
    monkeypatch.setattr(sqlite_services.app, "_participant_reference_taken", lambda reference: False)
    register(sqlite_services, "RT1-Ana")
    register(sqlite_services, " rt1-ANA")
    with engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0016'"))

    with caplog.at_level(logging.WARNING, logger="application.bootstrap"):
        bootstrap(sqlite_services.config, clock=FixedClock(date(2026, 1, 5)))

    notes = [r.getMessage() for r in caplog.records if "rt1-ana" in r.getMessage()]
    assert len(notes) == 1 and "1 later registration" in notes[0], caplog.text


def test_an_import_keeps_the_first_registration_of_a_reference_an_old_log_holds_twice(sqlite_services: Services) -> None:
    state = b'{"reference": " RT1-Ana "}'
    with sqlite_services.app.engine.begin() as c:
        index_registrations(c, [(5, PARTICIPANT_REGISTERED, state, str(uuid4())), (9, PARTICIPANT_REGISTERED, state, str(uuid4()))], whole_log=True)

    assert index_rows(sqlite_services) == [(5, "rt1-ana")]
