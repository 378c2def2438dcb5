"""The views of open calls (issue 17): what the public sees of a call (accepted inputs
without contact, rejected ones counted by category), what a proposal draws on, a call's
per-objective summary, and the audit pages showing unaccepted inputs to auditors only.
The ``open-participation`` scenario folder is loaded once per test (SQLite file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from application.audit import AuditReader
from application.bootstrap import Services
from application.scenario import load_scenario
from domain.ids import scenario_id, scenario_namespace
from projections import calls as call_views

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "open-participation"
NS = scenario_namespace("rules-open-participation")


def ref(kind: str, reference: str) -> str:
    return str(scenario_id(NS, kind, reference))


@pytest.fixture
def loaded(sqlite_services: Services) -> Services:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(sqlite_services.app, FOLDER)
    sqlite_services.projector.catch_up()
    return sqlite_services


def test_the_public_sees_the_accepted_inputs_without_contact(loaded: Services) -> None:
    inputs = call_views.accepted_inputs(loaded.projector.engine, ref("call", "call-rt1"))

    assert [(i["id"], i["language"], i["country"]) for i in inputs] == [(ref("input", "in-pt"), "pt", "BR"), (ref("input", "in-member"), "es", "HN")]
    assert not any("contact" in i or "reason" in i for i in inputs)


def test_the_public_sees_the_rejected_inputs_counted_by_category(loaded: Services) -> None:
    counts = call_views.rejected_by_category(loaded.projector.engine, ref("call", "call-rt1"))

    assert counts == {"spam": 1, "abusive": 0, "off_topic": 0, "personal_data": 0, "duplicate": 0, "other": 0}


def test_the_proposal_draws_on_the_inputs_linked_to_it(loaded: Services) -> None:
    drawn = call_views.inputs_of_proposal(loaded.projector.engine, ref("proposal", "prop-a"))

    assert [i["id"] for i in drawn] == [ref("input", "in-pt"), ref("input", "in-member")]


def test_the_summary_counts_inputs_received_accepted_and_linked_per_objective(loaded: Services) -> None:
    got = call_views.summary(loaded.projector.engine, ref("call", "call-rt1"))

    assert (got["received"], got["accepted"], got["rejected"], got["pending"], got["linked"]) == (3, 2, 1, 0, 2)
    assert got["objectives"] == [{"objective": 5, "linked": 2}]


def test_the_calls_close_in_the_view_early_or_at_their_date(loaded: Services) -> None:
    closed = {c["reference"]: c["closed_on"] for c in call_views.list_calls(loaded.projector.engine)}

    assert closed == {"call-rt1": date(2026, 2, 2), "call-rt1-en": date(2026, 1, 20)}


def test_the_public_log_hides_what_an_input_says(loaded: Services) -> None:
    log = AuditReader(loaded.app).log_page(after=0, limit=500, reveal_personal=False)

    inputs = [e["data"] for e in log if e["topic"] == "domain.open_call:OpenCall.InputSubmitted"]

    assert {(d["text"], d["organisation_name"]) for d in inputs} == {("[redacted]", "[redacted]")}


def test_the_public_state_of_a_call_shows_only_accepted_inputs_and_no_contact(loaded: Services) -> None:
    state = AuditReader(loaded.app).state(ref("call", "call-rt1"), reveal_personal=False).state

    shown = {iid: (i["status"], i["text"] != "[redacted]", i["contact"]) for iid, i in state["inputs"].items()}

    assert shown == {
        ref("input", "in-pt"): ("accepted", True, "[redacted]"),
        ref("input", "in-member"): ("accepted", True, "[redacted]"),
        ref("input", "in-spam"): ("rejected", False, "[redacted]"),
    }


def test_an_auditor_sees_every_input_and_its_contact(loaded: Services) -> None:
    state = AuditReader(loaded.app).state(ref("call", "call-rt1"), reveal_personal=True).state

    assert state["inputs"][ref("input", "in-spam")]["contact"] == "ventas@example.com"
