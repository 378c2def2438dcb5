"""Small scenario folders, each showing rules refusing what they must (issue 3, "Done when").

Each folder beside this file holds ``quarter.json`` (steps and ``expected_outcomes``:
``refused``, the ``seq`` and ``code`` of every step the system must refuse, and
``statuses``, proposal references and their final status), with ``participants.json``,
``organisations.json`` and ``proposals.json`` taken from the 2026-Q1 scenario's people
and proposals. ``docs/scenario.md`` documents the verbs.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from application.bootstrap import Services
from application.scenario import load_scenario
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views

HERE = Path(__file__).resolve().parent
FOLDERS = sorted(p.name for p in HERE.iterdir() if (p / "quarter.json").exists())


def expected(folder: str) -> dict[str, object]:
    return dict(json.loads((HERE / folder / "quarter.json").read_text("utf-8"))["expected_outcomes"])


def test_every_rule_of_the_done_when_list_has_a_folder() -> None:
    assert {
        "gender-parity", "third-consecutive-term", "author-amends-own-proposal", "revision-after-submission",
        "position-from-non-member", "representative-votes", "decision-in-closed-session", "endorsement-below-threshold",
    } <= set(FOLDERS)


@pytest.mark.parametrize("folder", FOLDERS)
def test_scenario_refuses_exactly_the_steps_it_must(services: Services, folder: str) -> None:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]

    report = load_scenario(services.app, HERE / folder)

    want = [(r["seq"], r["code"]) for r in expected(folder)["refused"]]  # type: ignore[attr-defined]
    assert [(r["seq"], r["code"]) for r in report.refused] == want
    assert report.unexpected_refusals == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_scenario_ends_with_the_expected_statuses(sqlite_services: Services, folder: str) -> None:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(sqlite_services.app, HERE / folder)
    sqlite_services.projector.catch_up()

    statuses = {r["reference"]: r["status"] for r in proposal_views.list_recommendations(sqlite_services.projector.engine)}

    assert statuses == expected(folder)["statuses"]


@pytest.fixture
def verbs(sqlite_services: Services) -> Services:
    """The ``issue-3-verbs`` folder loaded and projected (SQLite)."""
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(sqlite_services.app, HERE / "issue-3-verbs")
    sqlite_services.projector.catch_up()
    return sqlite_services


def refs(services: Services) -> dict[str, str]:
    return {pid: row["reference"] for pid, row in people_views.directory(services.projector.engine).items()}


def test_a_by_election_fills_the_rest_of_a_vacated_term(verbs: Services) -> None:
    names = refs(verbs)
    rows = [r for r in table_views.representatives(verbs.projector.engine) if r["seat"] == "LT-RT1-A"]

    got = [(names[r["participant_id"]], r["term_start"], r["term_end"], r["vacated_on"], r["by_election"]) for r in rows]

    assert got == [
        ("p-10", date(2026, 2, 1), date(2027, 1, 31), date(2026, 3, 1), False),
        ("p-06", date(2026, 3, 2), date(2027, 1, 31), None, True),
    ]


def test_the_liaison_table_shows_the_nominated_un_agency(verbs: Services) -> None:
    seats = {s["seat"]: s for s in liaison_views.liaison_table(verbs.projector.engine, date(2026, 3, 5))}

    assert (seats["LT-UN-1"]["agency"], seats["LT-UN-2"]["agency"]) == ("IOM", None)
    assert [refs(verbs).get(seats[s]["participant_id"] or "") for s in ("LT-RT1-A", "LT-RT1-B")] == ["p-06", "p-12"]


def test_table_activity_shows_the_session_held_in_the_quarter(verbs: Services) -> None:
    rows = {r["table"]: r for r in session_views.table_activity(verbs.projector.engine, ["2026-Q1"])}

    assert (rows["RT1"]["scheduled"], rows["RT1"]["held"], rows["RT1"]["closed"], rows["RT1"]["decisions"]) == (1, 1, 1, 1)
    assert [rows[t]["session_held"] for t in ("RT1", "RT2", "RT3", "RT4")] == [True, False, False, False]


def test_the_government_dialogue_records_the_recommendation_presented(verbs: Services) -> None:
    [dialogue] = follow_up_views.government_dialogues(verbs.projector.engine)

    assert (dialogue["period"], dialogue["date"]) == ("2026-H1", date(2026, 5, 20))
    assert [p["reference"] for p in dialogue["presented"]] == ["prop-a"]


def test_follow_up_entries_follow_the_government_response(verbs: Services) -> None:
    rows = follow_up_views.follow_ups(verbs.projector.engine)

    assert [(r["country"], r["progress"], r["progress_date"]) for r in rows] == [
        ("CO", "in_progress", date(2026, 3, 10)), ("CO", "implemented", date(2026, 5, 21)),
    ]


def test_a_vacated_seat_shows_its_holder_until_the_day_before(verbs: Services) -> None:
    names = refs(verbs)

    def holder(on: date) -> str | None:
        [seat] = [s for s in liaison_views.liaison_table(verbs.projector.engine, on) if s["seat"] == "LT-RT1-A"]
        return names.get(seat["participant_id"] or "")

    assert [holder(date(2026, 2, 28)), holder(date(2026, 3, 1)), holder(date(2026, 3, 2))] == ["p-10", None, "p-06"]
