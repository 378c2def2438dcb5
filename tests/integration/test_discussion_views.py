"""The discussion's view (issue 17, "Discussion on drafts"): the thread of a proposal as the
pages read it, built from the scenario folder ``tests/scenarios/discussion``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from application.audit.history import REDACTED, AuditReader
from application.bootstrap import Services
from application.scenario import load_scenario
from domain.discussion import discussion_id
from domain.ids import scenario_id, scenario_namespace
from projections import discussion as views

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "discussion"
NS = scenario_namespace("rules-discussion")


def cid(ref: str) -> str:
    return str(scenario_id(NS, "comment", ref))


@pytest.fixture
def loaded(sqlite_services: Services) -> Services:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(sqlite_services.app, FOLDER)
    sqlite_services.projector.catch_up()
    return sqlite_services


def proposal() -> str:
    return str(scenario_id(NS, "proposal", "prop-a"))


def test_the_thread_holds_each_comment_with_its_replies(loaded: Services) -> None:
    top = views.thread(loaded.projector.engine, proposal())

    assert [(c["id"], [r["id"] for r in c["replies"]]) for c in top] == [(cid("c-1"), [cid("c-2")]), (cid("c-5"), [])]


def test_an_edited_comment_shows_its_last_text_and_counts_its_edits(loaded: Services) -> None:
    c = views.get_comment(loaded.projector.engine, cid("c-1"))

    assert c is not None
    assert (c["text"], c["edits"], c["edited_on"]) == ("¿Podríamos citar la **revisión regional de 2025** (párrafo 12)?", 1, date(2026, 1, 9))


def test_a_hidden_comment_keeps_its_reason_and_loses_its_text_for_the_public(loaded: Services) -> None:
    hidden = views.thread(loaded.projector.engine, proposal())[1]

    assert (hidden["hidden"], hidden["text"], hidden["hide_reason"], hidden["hidden_by"]) == (True, None, "Publicidad, fuera de tema.", "facilitator")


def test_auditors_read_a_hidden_comment_s_text(loaded: Services) -> None:
    hidden = views.thread(loaded.projector.engine, proposal(), hidden_text=True)[1]

    assert hidden["text"] == "Compre seguidores baratos en nuestra tienda."


def test_a_comment_leaves_the_proposal_s_version_alone(loaded: Services) -> None:
    # drafted, then withdrawn; the discussion: started, three comments, an edit, two hidings
    assert (loaded.app.proposal(proposal()).version, loaded.app.discussion(proposal()).version) == (2, 7)


def test_a_comment_hidden_later_shows_no_text_in_an_earlier_state_to_the_public(loaded: Services) -> None:
    reader = AuditReader(loaded.app)
    did = discussion_id(proposal())
    states = [reader.state(did, version=v, reveal_personal=False).state["comments"] for v in range(1, 8)]
    before_hiding = [c[cid("c-5")] for c in states if cid("c-5") in c and c[cid("c-5")]["hidden"] is None]

    assert len(before_hiding) >= 1
    assert [(c["text"], c["history"]) for c in before_hiding] == [(REDACTED, REDACTED)] * len(before_hiding)


def test_auditors_read_a_comment_hidden_later_in_an_earlier_state(loaded: Services) -> None:
    reader = AuditReader(loaded.app)
    states = [reader.state(discussion_id(proposal()), version=v, reveal_personal=True).state["comments"] for v in range(1, 8)]

    assert {c[cid("c-5")]["text"] for c in states if cid("c-5") in c} == {"Compre seguidores baratos en nuestra tienda."}
