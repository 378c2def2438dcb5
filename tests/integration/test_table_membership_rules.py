"""Who counts for a table (issue 11, item 11's smaller gaps), on a SQLite file and on
PostgreSQL: a member who left no longer counts toward quorum and majority on items still
open, and an erasure ends the person's table memberships with ``MemberLeft`` events, so the
views follow."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from application.bootstrap import Services
from application.privacy import erase
from domain.errors import RuleViolationError
from projections import sessions as session_views
from projections import tables as table_views
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import act_as, app_services, make_app, visible


def item_on_agenda(services: Services, author: UUID) -> tuple[UUID, UUID]:
    app = services.app
    proposal = draft_sample_proposal(app, author)
    app.submit_proposal(proposal, actor=str(author))
    session = app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 1, 20))
    app.add_to_agenda(session, proposal)
    return session, proposal


def test_a_member_who_left_no_longer_counts_toward_quorum(services: Services) -> None:
    app = services.app
    author, *voters = seed_members(app, 4)
    app.define_settings()
    app.change_setting("quorum", 3)
    session, proposal = item_on_agenda(services, author)
    for m in voters:
        app.record_position(session, proposal, member=m, position="support")
    app.leave_table(voters[0], "RT1")

    with pytest.raises(RuleViolationError) as refused:
        app.decide(session, proposal, "adopt")

    assert refused.value.code == "quorum_not_reached"
    assert "2 of 3" in refused.value.message


def test_members_who_left_no_longer_count_toward_the_majority(services: Services) -> None:
    app = services.app
    author, supporter, *objectors = seed_members(app, 4)
    app.define_settings()
    app.change_setting("quorum", 1)
    session, proposal = item_on_agenda(services, author)
    app.record_position(session, proposal, member=supporter, position="support")
    for m in objectors:
        app.record_position(session, proposal, member=m, position="object")
        app.leave_table(m, "RT1")

    app.decide(session, proposal, "adopt")

    decisions = [e for e in map(app.mapper.to_domain_event, app.recorder.select_events(session)) if type(e).__name__ == "DecisionRecorded"]
    assert [(e.decision, e.tally) for e in decisions] == [("adopt", {"support": 1, "object": 0, "abstain": 0, "taking_part": 1})]  # type: ignore[attr-defined]


def test_an_erasure_ends_the_persons_table_memberships(services: Services) -> None:
    app = services.app
    person = seed_members(app, 1, table="RT1")[0]
    app.register_table("RT2")
    app.join_table(person, "RT2")

    erase(services, str(person), reason="the person asked")
    services.projector.catch_up()

    left = [e for code in ("RT1", "RT2") for e in map(app.mapper.to_domain_event, app.recorder.select_events(app.table_id(code))) if type(e).__name__ == "MemberLeft"]
    assert sorted(e.participant for e in left) == [str(person)] * 2  # type: ignore[attr-defined]
    assert [app.table(c).is_member(person, app.clock.today()) for c in ("RT1", "RT2")] == [False, False]
    assert [m for c in ("RT1", "RT2") for m in table_views.members(services.projector.engine, c) if m["participant_id"] == str(person)] == []


def test_an_erased_representative_loses_the_seat_and_the_membership(services: Services) -> None:
    app = services.app
    rep = seed_members(app, 2, table="RT1")[1]  # a woman
    app.define_settings()
    app.change_setting("quorum", 1)
    app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=rep, term_start=app.clock.today(), votes={"for": 1, "against": 0, "abstain": 0})

    erase(services, str(rep))

    t = app.table("RT1")
    assert (t.is_member(rep, app.clock.today()), t.holder("LT-RT1-A", app.clock.today())) == (False, None)


def test_the_session_view_lists_a_departed_members_position_as_no_longer_counting(services: Services) -> None:
    app = services.app
    author, stays, leaves = seed_members(app, 3)
    session, proposal = item_on_agenda(services, author)
    app.record_position(session, proposal, member=stays, position="support")
    app.record_position(session, proposal, member=leaves, position="object")
    app.leave_table(leaves, "RT1")
    services.projector.catch_up()

    [item] = session_views.agenda(services.projector.engine, str(session))

    assert {str(p["member_id"]): p["counted"] for p in item["positions"]} == {str(stays): True, str(leaves): False}
    assert item["counts"] == {"support": 1, "object": 0, "abstain": 0}


def test_the_session_page_shows_a_departed_members_position_as_no_longer_counting(database_url: str, master_key: str) -> None:
    app = make_app(database_url, master_key)
    services = app_services(app)
    author, stays, leaves = seed_members(services.app, 3)
    session, proposal = item_on_agenda(services, author)
    services.app.record_position(session, proposal, member=stays, position="support")
    services.app.record_position(session, proposal, member=leaves, position="object")
    services.app.leave_table(leaves, "RT1")
    services.wait_for_views()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    act_as(client, "auditor")

    page = visible(client.get(f"/sessions/{session}"))

    assert "Positions: 1 in support, 0 objecting, 0 abstentions" in page
    assert "Member 2: object · Jan 5, 2026 · no longer counts: left the table" in page
    assert page.count("no longer counts") == 1
