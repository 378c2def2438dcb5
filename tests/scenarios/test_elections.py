"""The ``elections`` scenario folder (issue 19, "Elections"): two elections closed from
candidacies and ballots, their results recomputed from the events, and the candidacies'
answers sealed with each candidate's key."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from application.bootstrap import Services
from application.persistence import notifications
from application.privacy import events_naming
from application.scenario.elections import election_id
from application.scenario.loader import ScenarioLoader
from domain.ids import table_id

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "elections"
ELECTION = "domain.election:Election."
EXPECTED: dict[str, dict[str, list[str]]] = json.loads((FOLDER / "quarter.json").read_text("utf-8"))["expected_outcomes"]["elections"]


def loaded(services: Services) -> ScenarioLoader:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(services.app, FOLDER)
    report = loader.run()
    assert report.unexpected_refusals == []
    return loader


@pytest.fixture
def elections(sqlite_services: Services) -> tuple[Services, ScenarioLoader]:
    return sqlite_services, loaded(sqlite_services)


def references(loader: ScenarioLoader) -> dict[str, str]:
    return {str(loader.pid(p["id"])): p["id"] for p in loader.participants}


def test_each_election_fills_its_seats_as_the_scenario_expects(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    names = references(loader)
    got = {}
    for ref in EXPECTED:
        result = services.app.election(election_id(loader, ref)).result
        assert result is not None
        got[ref] = {s["seat"]: [names[s["participant"]], s["reason"]] for s in result["seats"]}

    assert got == EXPECTED


def test_parity_gives_the_second_seat_to_the_best_placed_woman_not_the_second_most_voted(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    names = references(loader)
    result = services.app.election(election_id(loader, "e-rt1-2026")).result
    assert result is not None

    assert [(names[c], result["tally"][c]) for c in result["ranking"]] == [("p-03", 6), ("p-12", 5), ("p-01", 2)]


def test_a_tie_goes_to_the_earliest_candidacy_and_is_recorded(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    names = references(loader)
    result = services.app.election(election_id(loader, "e-rt2-2028")).result
    assert result is not None

    assert [(t["seat"], [names[c] for c in t["tied"]], t["rule"]) for t in result["ties"]] == [
        ("LT-RT2-A", ["p-25", "p-26"], "earliest_candidacy"),
    ]


def test_the_closing_records_each_winner_as_the_tables_representative(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    names = references(loader)
    events = [
        services.app.mapper.to_domain_event(s) for s in services.app.recorder.select_events(table_id("RT1"))
        if s.topic.endswith("RepresentativeElected")
    ]

    got = [(e.seat, names[e.participant], e.term_start, e.term_end, e.votes) for e in events]  # type: ignore[attr-defined]

    assert got == [
        ("LT-RT1-A", "p-03", date(2026, 3, 1), date(2027, 2, 28), {"for": 6, "against": 0, "abstain": 1}),
        ("LT-RT1-B", "p-01", date(2026, 3, 1), date(2027, 2, 28), {"for": 2, "against": 0, "abstain": 5}),
    ]


def test_a_candidacys_statement_and_answers_are_sealed_with_the_candidates_key(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    [stored] = [
        s for s in services.app.recorder.select_events(election_id(loader, "e-rt1-2026"))
        if s.topic.endswith("CandidacyDeclared") and json.loads(s.state)["candidate"] == str(loader.pid("p-03"))
    ]
    state = json.loads(stored.state)

    assert ("statement" in state, "criteria" in state, b"Red regional" in stored.state) == (False, False, False)
    event: Any = services.app.mapper.to_domain_event(stored)
    assert (event.criteria["subregion"], event.criteria["advocacy_levels"]) == ("central_america", ["local", "national"])


def test_a_candidacys_answers_read_as_none_once_the_candidate_is_erased(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    services.app.erase_participant(loader.pid("p-12"), reason="request")
    [stored] = [
        s for s in services.app.recorder.select_events(election_id(loader, "e-rt1-2026"))
        if s.topic.endswith("CandidacyDeclared") and json.loads(s.state)["candidate"] == str(loader.pid("p-12"))
    ]

    event: Any = services.app.mapper.to_domain_event(stored)

    assert (event.statement, event.criteria) == (None, None)


# ---------------------------------------------------------------------------- recount
def recount(events: list[Any], genders: dict[str, str | None], others: dict[str, list[str | None]]) -> dict[str, Any]:
    """The result of one election, counted from its events alone (issue 19's rules, written
    again here): latest ballot per voter; most votes first, ties to the earliest candidacy;
    each seat in order to the best-placed remaining candidate named on a ballot who keeps
    parity with the table's other seat."""
    opened = events[0]
    order: list[str] = []
    ballots: dict[str, list[str]] = {}
    for e in events[1:]:
        kind = type(e).__name__
        if kind == "CandidacyDeclared":
            order.append(e.candidate)
        elif kind == "CandidacyWithdrawn":
            order.remove(e.candidate)
        elif kind == "BallotCast":
            ballots[e.voter] = list(e.choices)
    votes = {c: sum(c in b for b in ballots.values()) for c in order}
    ranking = sorted(order, key=lambda c: (-votes[c], order.index(c)))
    chosen: list[str] = []
    seats = []
    for seat in opened.seats:
        beside = others.get(seat, []) + [genders[c] for c in chosen]
        fits = [
            c for c in ranking if c not in chosen and votes[c] > 0
            and all(g is not None and genders[c] is not None and genders[c] != g and "woman" in (g, genders[c]) for g in beside)
        ]
        winner = fits[0] if fits else None
        if winner:
            chosen.append(winner)
        seats.append((seat, winner, votes.get(winner, 0) if winner else 0))
    return {"tally": votes, "ranking": ranking, "seats": seats, "ballots": len(ballots)}


def test_every_elections_result_is_recomputed_from_its_events(services: Services) -> None:
    loader = loaded(services)
    app = services.app
    by_election: dict[UUID, list[Any]] = {}
    for n in notifications(app.recorder, batch=500):
        if n.topic.startswith(ELECTION):
            by_election.setdefault(n.originator_id, []).append(app.mapper.to_domain_event(n))
    genders = {str(loader.pid(p["id"])): p["gender"] for p in loader.participants}
    assert len(by_election) == 2

    for events in by_election.values():
        closed = events[-1]
        assert type(closed).__name__ == "Closed"
        got = recount(events, genders, others={})
        assert got == {
            "tally": closed.tally, "ranking": closed.ranking, "ballots": closed.ballots,
            "seats": [(s["seat"], s["participant"], s["votes"]) for s in closed.seats],
        }


def test_a_candidates_own_data_export_holds_their_statement_and_answers(elections: tuple[Services, ScenarioLoader]) -> None:
    services, loader = elections
    [declared] = [
        e for e in events_naming(services.app, loader.pid("p-01")) if e["topic"].endswith("CandidacyDeclared")
    ]

    assert (declared["data"]["statement"], declared["data"]["criteria"]["sector"]) == (
        "Me postulo para llevar la voz de la mesa a la Mesa de Enlace (p-01).", "migrant_organisation",
    )
