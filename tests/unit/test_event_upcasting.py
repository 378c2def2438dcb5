"""Events stored in an older shape still load (docs/architecture.md, "Events are a stored contract").

The table's history is produced by today's code, stored by the real mapper, then
rewritten into the version 1 shape of each changed event (``RepresentativeElected``
without ``settings_version``, ``SeatVacated`` without ``term_start``), as databases
written before the change hold them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, StoredEvent, UUIDAsHex

from application.persistence import DateAsISO, PersonalDataMapper
from domain.base import SECRETARIAT, Ctx
from domain.ids import table_id
from domain.working_table import WorkingTable

PERSON = uuid4()
DROPPED_IN_V1 = {"RepresentativeElected": "settings_version", "SeatVacated": "term_start"}


def mapper() -> PersonalDataMapper:
    transcoder = JSONTranscoder()
    for t in (UUIDAsHex(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(t)
    return PersonalDataMapper(transcoder, keys=None)


def ctx(on: date) -> Ctx:
    return Ctx(actor=SECRETARIAT, effective_date=on, command_id=f"c-{uuid4()}")


def as_version_1(s: StoredEvent) -> StoredEvent:
    name = s.topic.rsplit(".", 1)[-1]
    if name not in DROPPED_IN_V1:
        return s
    state = json.loads(s.state)
    del state[DROPPED_IN_V1[name]]
    state["class_version"] = 1
    return StoredEvent(s.originator_id, s.originator_version, s.topic, json.dumps(state).encode())


def version_1_history() -> list[StoredEvent]:
    t = WorkingTable.register(ctx(date(2026, 1, 5)), id=table_id("RT1"), code="RT1")
    t.join(ctx(date(2026, 1, 5)), PERSON)
    t.elect_representative(
        ctx(date(2026, 1, 27)), seat="LT-RT1-A", participant_id=PERSON, term_start=date(2026, 2, 1), term_end=None,
        genders={}, participant_versions={str(PERSON): 1}, session_id=uuid4(),
    )
    t.vacate_seat(ctx(date(2026, 6, 1)), "LT-RT1-A", "resigned")
    m = mapper()
    return [as_version_1(m.to_stored_event(e)) for e in t.collect_events()]


def replay(stored: list[StoredEvent]) -> tuple[list[Any], WorkingTable]:
    events: list[Any] = [mapper().to_domain_event(s) for s in stored]
    table = None
    for e in events:
        table = e.mutate(table)
    assert isinstance(table, WorkingTable)
    return events, table


def test_the_rewritten_history_is_in_the_version_1_shape() -> None:
    states = {s.topic.rsplit(".", 1)[-1]: json.loads(s.state) for s in version_1_history()}

    assert "settings_version" not in states["RepresentativeElected"]
    assert "term_start" not in states["SeatVacated"]


def test_a_version_1_election_reads_with_no_settings_version() -> None:
    events, _ = replay(version_1_history())

    assert [e.settings_version for e in events if type(e).__name__ == "RepresentativeElected"] == [None]


def test_a_version_1_seat_vacancy_vacates_the_term_in_force_that_day() -> None:
    _, table = replay(version_1_history())

    assert table.terms[0]["vacated_on"] == date(2026, 6, 1)
    assert table.holder("LT-RT1-A", date(2026, 5, 31)) is not None
    assert table.holder("LT-RT1-A", date(2026, 6, 1)) is None
