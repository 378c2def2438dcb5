"""The 2026-Q1 scenario replays through the commands and gives its expected outcomes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from application.bootstrap import Services
from application.scenario import load_scenario
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views
from tests.conftest import SCENARIO

EXPECTED = json.loads((SCENARIO / "quarter.json").read_text("utf-8"))["expected_outcomes"]


def statuses(services: Services) -> dict[str, str]:
    return {r["reference"]: r["status"] for r in proposal_views.list_recommendations(services.projector.engine)}


def test_scenario_outcomes_on_each_backend(services: Services) -> None:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    report = load_scenario(services.app, SCENARIO)
    services.projector.catch_up()
    st = statuses(services)

    assert report.unexpected_refusals == []
    assert [(r["seq"], r["code"]) for r in report.refused] == [(123, "objective_not_in_table")]
    endorsed = set(EXPECTED["endorsed_by_liaison_table"])
    assert {p for p, s in st.items() if s == "published"} == endorsed
    assert {p for p, s in st.items() if s == "not_endorsed"} == {"prop-rt2-05"}
    assert {p for p, s in st.items() if s == "adopted"} == set(EXPECTED["adopted"]) - endorsed - {"prop-rt2-05"}
    assert {p for p, s in st.items() if s == "rejected"} == {"prop-rt1-06"}
    assert {p for p, s in st.items() if s == "withdrawn"} == {"prop-rt4-06"}
    assert {p for p, s in st.items() if s == "submitted"} == set(EXPECTED["submitted_pending_next_quarter"])
    assert {p for p, s in st.items() if s == "draft"} == set(EXPECTED["draft_only"])
    assert "prop-rt1-07" not in st
    assert len(st) == 35


def test_representatives_match_expected(loaded: Services) -> None:
    d = people_views.directory(loaded.projector.engine)
    reps = table_views.representatives(loaded.projector.engine, on=date(2026, 3, 27))
    by_table: dict[str, set[str]] = {}
    for r in reps:
        by_table.setdefault(r["table_code"], set()).add(d[r["participant_id"]]["reference"])
    assert by_table == {t: set(ps) for t, ps in EXPECTED["representatives"].items()}
    assert all(r["parity_check"] == "passed" for r in reps if r["seat"].endswith("-B"))


def test_government_responses_match_expected(loaded: Services) -> None:
    got = sorted((r["reference"], r["country"], r["status"]) for r in follow_up_views.government_responses(loaded.projector.engine))
    want = sorted((g["proposal"], g["country"], g["status"]) for g in EXPECTED["government_responses"])
    assert got == want


def test_returned_proposals_were_resubmitted_and_adopted(loaded: Services) -> None:
    for ref in EXPECTED["returned_for_revision_then_resubmitted_and_adopted"]:
        p = next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == ref)
        decisions = [s["decision"] for s in session_views.sessions_of_proposal(loaded.projector.engine, p["id"])]
        assert decisions == ["return_for_revision", "adopt"]


def test_loading_twice_applies_nothing_new(loaded: Services) -> None:
    before = loaded.app.recorder.max_notification_id()
    loaded.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    report = load_scenario(loaded.app, SCENARIO)
    assert loaded.app.recorder.max_notification_id() == before
    assert report.already_applied == 512
    assert report.unexpected_refusals == []


def test_messy_inputs_are_kept_exactly_as_typed(loaded: Services) -> None:
    drafted = {p["id"]: p for p in json.loads((SCENARIO / "proposals.json").read_text("utf-8"))}
    rows = {r["reference"]: r for r in proposal_views.list_recommendations(loaded.projector.engine)}
    assert rows["prop-rt3-07"]["title"] == drafted["prop-rt3-07"]["title"]
    assert rows["prop-rt3-07"]["title"].endswith(" ")
    assert "🏳️‍🌈" in rows["prop-rt4-05"]["problem"] + rows["prop-rt4-05"]["recommendation"] + rows["prop-rt4-05"]["rationale"] + rows["prop-rt4-05"]["title"]
    assert rows["prop-rt2-02"]["recommendation"].startswith(drafted["prop-rt2-02"]["recommendation"])
    assert len(rows["prop-rt2-02"]["recommendation"]) > 5500


@pytest.mark.parametrize("ref", ["prop-rt2-05"])
def test_round_below_threshold_closes_not_endorsed(loaded: Services, ref: str) -> None:
    rounds = [r for r in liaison_views.endorsement_rounds(loaded.projector.engine) if r["reference"] == ref]
    assert len(rounds) == 1
    assert rounds[0]["outcome"] == "not_endorsed"
    assert rounds[0]["closes_on"] == date(2026, 2, 20)
    assert rounds[0]["closed_on"] > date(2026, 2, 20)  # closed by the deadline job, after the date
