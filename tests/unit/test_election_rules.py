"""Election rules on the aggregate alone (issue 19, "Elections"; docs/rules.md)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from application.audit.history import BALLOT_TOPIC, REDACTED, redact_event_data, redact_state
from domain.base import SECRETARIAT, Ctx
from domain.election import Election, balance_holds, check_criteria
from domain.errors import DomainError
from domain.settings import Rules
from domain.working_table import WorkingTable

W1, W2, M1, M2, M3 = (str(UUID(int=i)) for i in range(1, 6))
GENDERS = {W1: "woman", W2: "woman", M1: "man", M2: "man", M3: "man"}
CRITERIA = {
    "networks": "Red de casas del migrante", "coordination": "Coordinó una red nacional", "availability": "Voluntaria",
    "advocacy_levels": ["regional", "local"], "subregion": "caribbean", "sector": "migrant_organisation",
}


def ctx(actor: str, on: date) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"t:{actor}:{on}")


def table() -> WorkingTable:
    t = WorkingTable.register(ctx(SECRETARIAT, date(2026, 1, 1)), id=UUID(int=99), code="RT1")
    for p in GENDERS:
        t.join(ctx(SECRETARIAT, date(2026, 1, 2)), UUID(p))
    return t


def opened(t: WorkingTable, seats: tuple[str, ...] = ("LT-RT1-A", "LT-RT1-B")) -> Election:
    return Election.open(
        ctx(SECRETARIAT, date(2026, 1, 5)), id=UUID(int=100), table=t, seats=list(seats), term_start=date(2026, 3, 1),
        nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20),
    )


def code_of(fn: Any) -> str:
    with pytest.raises(DomainError) as e:
        fn()
    return e.value.code


@pytest.mark.parametrize(("term_start", "voting_closes", "code"), [
    (date(2026, 3, 1), date(2026, 1, 31), "voting_closes_before_nominations"),
    (date(2026, 2, 19), date(2026, 2, 20), "term_starts_before_voting_closes"),
])
def test_voting_closes_after_nominations_and_before_the_term(term_start: date, voting_closes: date, code: str) -> None:
    t = table()

    got = code_of(lambda: Election.open(
        ctx(SECRETARIAT, date(2026, 1, 5)), id=UUID(int=100), table=t, seats=["LT-RT1-A"], term_start=term_start,
        nominations_close=date(2026, 1, 31), voting_closes=voting_closes,
    ))

    assert got == code


def test_a_seat_of_another_table_is_refused() -> None:
    t = table()

    assert code_of(lambda: opened(t, ("LT-RT2-A",))) == "unknown_seat"


def test_a_second_election_for_a_seat_of_an_open_election_is_refused() -> None:
    t = table()
    first = opened(t, ("LT-RT1-B",))

    got = code_of(lambda: Election.open(
        ctx(SECRETARIAT, date(2026, 1, 6)), id=UUID(int=101), table=t, seats=["LT-RT1-A", "LT-RT1-B"],
        term_start=date(2026, 3, 1), nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20), open_elections=[first],
    ))

    assert got == "election_already_open"


def test_an_election_for_the_other_seat_opens_beside_an_open_one() -> None:
    t = table()
    first = opened(t, ("LT-RT1-B",))

    second = Election.open(
        ctx(SECRETARIAT, date(2026, 1, 6)), id=UUID(int=101), table=t, seats=["LT-RT1-A"],
        term_start=date(2026, 3, 1), nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20), open_elections=[first],
    )

    assert second.seats == ["LT-RT1-A"]


def test_the_criteria_keep_their_levels_in_the_seeds_order() -> None:
    assert check_criteria(CRITERIA)["advocacy_levels"] == ["local", "regional"]


@pytest.mark.parametrize(("change", "field"), [
    ({"subregion": "europe"}, "subregion"), ({"sector": "lobby"}, "sector"), ({"availability": " "}, "availability"),
    ({"advocacy_levels": ["global"]}, "advocacy_levels"), ({"age": "40"}, "age"),
])
def test_a_bad_answer_is_refused_naming_its_criterion(change: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as e:
        check_criteria({**CRITERIA, **change})

    assert (e.value.code, e.value.field) == ("invalid_criteria", field)


@pytest.mark.parametrize(("actor", "voter", "choices", "code"), [
    (M1, M1, [M2], "not_a_candidate"),  # M2 does not stand
    (M2, M1, [W1], "not_allowed"),  # a member casts only their own ballot
    (M1, M1, [W1, W1], "duplicate_choice"),
])
def test_a_ballot_is_refused(actor: str, voter: str, choices: list[str], code: str) -> None:
    t = table()
    e = opened(t)
    e.declare_candidacy(ctx(W1, date(2026, 1, 10)), table=t, candidate=UUID(W1), statement="Yo", criteria=CRITERIA)

    got = code_of(lambda: e.cast_ballot(ctx(actor, date(2026, 2, 5)), voter=UUID(voter), choices=choices, roll=list(GENDERS)))

    assert got == code


def closed(ballots: dict[str, list[str]], quorum: int = 3) -> dict[str, Any]:
    t = table()
    e = opened(t)
    for i, c in enumerate((M1, M2, W1, W2)):
        e.declare_candidacy(ctx(c, date(2026, 1, 10 + i)), table=t, candidate=UUID(c), statement="Yo", criteria=CRITERIA)
    for voter, choices in ballots.items():
        e.cast_ballot(ctx(voter, date(2026, 2, 5)), voter=UUID(voter), choices=choices, roll=list(GENDERS))
    seats = e.close(ctx(SECRETARIAT, date(2026, 2, 20)), table=t, genders=GENDERS, excluded={}, rules=Rules(quorum=quorum))
    return {s["seat"]: (s["participant"], s["reason"], s["votes_record"]) for s in seats}


def test_closing_gives_the_second_seat_to_the_best_placed_candidate_who_keeps_parity() -> None:
    got = closed({M1: [M1, M2], M2: [M1, M2], M3: [M2, W2], W1: [W2]})

    assert got == {
        "LT-RT1-A": (M2, "most_votes", {"for": 3, "against": 0, "abstain": 1}),
        "LT-RT1-B": (W2, "parity", {"for": 2, "against": 0, "abstain": 2}),
    }


def test_a_seat_parity_cannot_fill_stays_vacant() -> None:
    got = closed({M1: [M1, M2], M2: [M1, M2], M3: [M1]})

    assert got["LT-RT1-B"] == (None, "vacant_parity", None)


def test_closing_is_refused_below_the_quorum() -> None:
    with pytest.raises(DomainError) as e:
        closed({M1: [M1]}, quorum=2)

    assert e.value.code == "quorum_not_reached"


def test_ballot_events_hide_voter_and_choices_from_the_public() -> None:
    data = redact_event_data(BALLOT_TOPIC, {"voter": W1, "choices": [M1], "actor": W1, "effective_date": "2026-02-05"})

    assert data == {"voter": REDACTED, "choices": REDACTED, "actor": REDACTED, "effective_date": "2026-02-05"}


def test_an_elections_state_hides_its_ballots_from_the_public() -> None:
    state = redact_state("Election", {"ballots": {W1: [M1]}, "seats": ["LT-RT1-A"]})

    assert state == {"ballots": REDACTED, "seats": ["LT-RT1-A"]}


@pytest.mark.parametrize(("counts", "holds"), [
    ({"caribbean": 4, "south_america": 4}, True),
    ({"caribbean": 5, "south_america": 1}, False),
    ({}, True),
])
def test_a_balance_holds_while_no_subregion_or_sector_has_more_than_half_of_the_seats(counts: dict[str, int], holds: bool) -> None:
    assert balance_holds(counts, 8) is holds
