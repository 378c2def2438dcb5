"""The seats of the elections not closed and each input's call are indexed with their events
in their transaction (``application/references.py``, issue 14); migration 0014 fills both
from the log, ``dialogue import`` too, and 0015 gives back a seat 0014 dropped although an
election that opened it was still open. The seats' key refuses a second opening of a seat that read before the first
was saved."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import notifications
from application.references import ELECTION_CLOSED, ELECTION_OPENED, index_registrations
from application.scenario import load_scenario
from application.schema import VERSION_TABLE, upgrade_own_tables
from application.tables import input_calls_table, open_election_seats_table
from domain.errors import RuleViolationError
from tests.integration.test_audit_tamper import cli, recompute_chain
from tests.integration.test_restore import app_for, export_of
from tests.scenarios.test_elections import loaded as load_elections

CALLS = Path(__file__).resolve().parents[1] / "scenarios" / "open-participation"
SUBMITTED = "domain.open_call:OpenCall.InputSubmitted"


def rows(engine: Engine, table: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as c:
        return sorted(tuple(r) for r in c.execute(select(table)))


def back_to_0013(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(text("DROP TABLE dialogue_open_election_seats"))
        c.execute(text("DROP TABLE dialogue_input_calls"))
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0013'"))


def open_rt1_seat(services: Services, *, election: str) -> None:
    services.app.open_election(
        election_id=UUID(election), table="RT1", seats=["LT-RT1-A"], term_start=date(2029, 3, 1),
        nominations_close=date(2029, 1, 20), voting_closes=date(2029, 2, 1),
    )


FIRST, SECOND = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
THIRD = "00000000-0000-4000-8000-000000000003"


@pytest.fixture
def elections(services: Services) -> Services:
    """The elections scenario (both its elections closed), the clock at 2029-01-02; on
    SQLite and PostgreSQL (the seats' key refuses the second opening on both)."""
    load_elections(services)
    services.app.clock.set(date(2029, 1, 2))  # type: ignore[attr-defined]
    return services


def test_closed_elections_leave_no_open_seat(elections: Services) -> None:
    assert rows(elections.app.engine, open_election_seats_table) == []


def test_an_opening_writes_its_seats(elections: Services) -> None:
    open_rt1_seat(elections, election=FIRST)
    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", FIRST)]


def test_an_opening_that_read_before_another_was_saved_is_refused(elections: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    open_rt1_seat(elections, election=FIRST)
    reads: list[str] = []
    real = elections.app._open_election_ids

    def stale_first(table: str) -> list[str]:  # the first read misses the opening, as at the same moment
        reads.append(table)
        return [] if len(reads) == 1 else real(table)

    monkeypatch.setattr(elections.app, "_open_election_ids", stale_first)
    with pytest.raises(RuleViolationError) as refused:
        open_rt1_seat(elections, election=SECOND)
    assert (refused.value.code, len(reads)) == ("election_already_open", 2)
    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", FIRST)]


def test_the_upgrade_fills_the_open_seats_from_the_log(elections: Services) -> None:
    open_rt1_seat(elections, election=FIRST)
    back_to_0013(elections.app.engine)
    upgrade_own_tables(elections.app.engine)
    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", FIRST)]


@pytest.fixture
def calls(sqlite_services: Services) -> Services:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(sqlite_services.app, CALLS)
    return sqlite_services


def submitted(services: Services) -> list[tuple[str, str]]:
    return sorted((json.loads(n.state)["input_id"], str(n.originator_id)) for n in notifications(services.app.recorder, [SUBMITTED]))


def test_each_input_is_indexed_with_its_call(calls: Services) -> None:
    expected = submitted(calls)
    assert len(expected) > 2
    assert rows(calls.app.engine, input_calls_table) == expected


def test_the_upgrade_fills_the_inputs_calls_from_the_log(calls: Services) -> None:
    expected = submitted(calls)
    back_to_0013(calls.app.engine)
    upgrade_own_tables(calls.app.engine)
    assert rows(calls.app.engine, input_calls_table) == expected
    assert str(calls.app.call_of_input(expected[0][0])) == expected[0][1]


def test_an_import_fills_the_inputs_calls(calls: Services, tmp_path: Path) -> None:
    expected = submitted(calls)
    backup = export_of(calls, tmp_path)
    url, key = f"sqlite:///{tmp_path / 'restored.sqlite'}", calls.config.master_key or ""
    assert cli(app_for(url, key), "import", str(backup)).exit_code == 0
    target = bootstrap(Config(database_url=url, master_key=key, inline_projection=False))

    assert rows(target.app.engine, input_calls_table) == expected


def _opening(election: str) -> tuple[int, str, bytes, str]:
    state = json.dumps({"table": "RT1", "seats": ["LT-RT1-A"]}).encode()
    return (1, ELECTION_OPENED, state, election)


def _closing(election: str) -> tuple[int, str, bytes, str]:
    return (2, ELECTION_CLOSED, b"{}", election)


def test_an_import_keeps_a_seat_opened_twice_in_an_old_log_with_its_first_election(elections: Services) -> None:
    # A log written before the seats' key may hold two openings of one seat; the import,
    # like migration 0015, keeps the first instead of refusing the whole restore.
    with elections.app.engine.begin() as c:
        index_registrations(c, [_opening(FIRST), _opening(SECOND)], whole_log=True)

    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", FIRST)]


def test_an_import_gives_a_seat_opened_twice_to_the_second_election_when_the_first_closes(elections: Services) -> None:
    with elections.app.engine.begin() as c:
        index_registrations(c, [_opening(FIRST), _opening(SECOND), _closing(FIRST)], whole_log=True)

    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", SECOND)]


def old_log(services: Services, *events: tuple[int, str, bytes, str]) -> None:
    """Append ``events`` (version, topic, state, election id) to the log as a release before
    the seats' key could write them: the events only, no seat row."""
    table: Any = services.app.dialogue_recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with services.app.engine.begin() as c:
        c.execute(table.insert(), [
            {"originator_id": UUID(election), "originator_version": version, "topic": topic, "state": state}
            for version, topic, state, election in events
        ])


def at_revision(engine: Engine, revision: str) -> None:
    with engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '{revision}'"))


def test_the_upgrade_from_0013_gives_a_seat_opened_twice_to_the_election_still_open(elections: Services) -> None:
    old_log(elections, _opening(FIRST), _opening(SECOND), _closing(FIRST))
    back_to_0013(elections.app.engine)

    upgrade_own_tables(elections.app.engine)

    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", SECOND)]


def test_the_upgrade_repairs_a_database_whose_seat_0014_dropped(elections: Services) -> None:
    # Upgraded by 0014 already: the seat went with the first election's closing.
    old_log(elections, _opening(FIRST), _opening(SECOND), _closing(FIRST))
    at_revision(elections.app.engine, "0014")
    assert rows(elections.app.engine, open_election_seats_table) == []

    upgrade_own_tables(elections.app.engine)

    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", SECOND)]


def test_the_repair_changes_nothing_where_0014_kept_the_seat_rightly(elections: Services) -> None:
    # A seat opened twice, its first election still open: 0014 kept it with the first, so does 0015.
    open_rt1_seat(elections, election=FIRST)
    old_log(elections, _opening(SECOND))
    at_revision(elections.app.engine, "0014")

    upgrade_own_tables(elections.app.engine)

    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", FIRST)]


def test_a_live_second_opening_of_an_open_seat_fails_on_the_key(elections: Services) -> None:
    with pytest.raises(IntegrityError), elections.app.engine.begin() as c:
        index_registrations(c, [_opening(FIRST), _opening(SECOND)])

    assert rows(elections.app.engine, open_election_seats_table) == []


def second_opening_in_an_old_log(services: Services) -> None:
    """SECOND opens FIRST's seat in the log as a release before the seats' key could: a copy
    of FIRST's opening (so SECOND loads as an election), no seat row."""
    opened = next(n for n in notifications(services.app.recorder, [ELECTION_OPENED]) if str(n.originator_id) == FIRST)
    old_log(services, (1, ELECTION_OPENED, opened.state, SECOND))


def close_first(services: Services) -> None:
    """Close FIRST through the application (one blank ballot, the quorum set to 1)."""
    app: Any = services.app
    app.change_setting("quorum", 1)
    app.clock.set(date(2029, 1, 25))
    voter = app.members_as_of("RT1", date(2029, 1, 20))[0]
    app.cast_ballot(UUID(FIRST), voter=voter, choices=[])
    app.clock.set(date(2029, 2, 2))
    app.close_election(UUID(FIRST))


def third_opening_refused(services: Services) -> str:
    """The code a third opening of FIRST's seat is refused with ("" if let through)."""
    try:
        services.app.open_election(
            election_id=UUID(THIRD), table="RT1", seats=["LT-RT1-A"], term_start=date(2030, 3, 1),
            nominations_close=date(2030, 1, 20), voting_closes=date(2030, 2, 1),
        )
    except RuleViolationError as refused:
        return refused.code
    return ""


def test_after_the_repair_the_second_election_guards_the_seat_when_the_first_closes(elections: Services) -> None:
    open_rt1_seat(elections, election=FIRST)
    second_opening_in_an_old_log(elections)
    back_to_0013(elections.app.engine)
    upgrade_own_tables(elections.app.engine)  # 0014, then 0015: the seat with FIRST, SECOND still open

    close_first(elections)

    assert third_opening_refused(elections) == "election_already_open"
    assert rows(elections.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", SECOND)]


def test_after_an_import_the_second_election_guards_the_seat_when_the_first_closes(database_url: str, master_key: str, tmp_path: Path) -> None:
    source = bootstrap(Config(database_url=f"sqlite:///{tmp_path / 'source.sqlite'}", master_key=master_key, inline_projection=False), clock=FixedClock(date(2026, 1, 5)))
    load_elections(source)
    source.app.clock.set(date(2029, 1, 2))  # type: ignore[attr-defined]
    open_rt1_seat(source, election=FIRST)
    second_opening_in_an_old_log(source)
    recompute_chain(source.app.engine)
    backup = export_of(source, tmp_path)
    assert cli(app_for(database_url, master_key), "import", str(backup)).exit_code == 0
    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False), clock=FixedClock(date(2029, 1, 2)))

    close_first(target)

    assert third_opening_refused(target) == "election_already_open"
    assert rows(target.app.engine, open_election_seats_table) == [("RT1", "LT-RT1-A", SECOND)]
