"""What waits for me (application/waiting.py): each person's actions, from the views."""

from __future__ import annotations

from datetime import date

from application.bootstrap import Services
from application.roles import Identity
from application.waiting import Waiting, what_waits_for
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views

ON = date(2026, 3, 27)


def waiting(s: Services, participant_id: str | None = None, account_id: str = "acc") -> Waiting:
    s.projector.catch_up()
    return what_waits_for(s.app.roles_of(Identity(account_id, participant_id), ON), s.projector.engine, ON)


def proposal(s: Services, status: str, table: str | None = None) -> dict[str, object]:
    return next(p for p in proposal_views.list_recommendations(s.projector.engine, status=status, table=table))


def open_session(s: Services, table: str) -> dict[str, object]:
    return next(x for x in session_views.list_sessions(s.projector.engine, table) if not x["closed"])


def plain_member(s: Services, table: str, exclude: set[str]) -> str:
    seated = {r["participant_id"] for r in table_views.representatives(s.projector.engine)}
    return next(m["participant_id"] for m in table_views.members(s.projector.engine, table) if m["participant_id"] not in seated | exclude)


def test_members_of_the_table_see_the_position_to_state_until_they_state_it(loaded: Services) -> None:
    p = proposal(loaded, "submitted", "RT1")
    session = open_session(loaded, "RT1")
    loaded.app.add_to_agenda(session["id"], p["id"])
    member = plain_member(loaded, "RT1", {str(p["author_id"])})

    before = [(x["proposal_id"], x["session_id"]) for x in waiting(loaded, member).positions]
    loaded.app.record_position(session["id"], p["id"], member=member, position="support")
    after = [x["proposal_id"] for x in waiting(loaded, member).positions]

    assert (p["id"], session["id"]) in before
    assert p["id"] not in after


def test_a_member_of_another_table_is_not_asked(loaded: Services) -> None:
    p = proposal(loaded, "submitted", "RT1")
    loaded.app.add_to_agenda(open_session(loaded, "RT1")["id"], p["id"])
    rt1 = {m["participant_id"] for m in table_views.members(loaded.projector.engine, "RT1")}
    outsider = next(m["participant_id"] for m in table_views.members(loaded.projector.engine, "RT2") if m["participant_id"] not in rt1)
    assert p["id"] not in [x["proposal_id"] for x in waiting(loaded, outsider).positions]


def test_the_secretariat_sees_what_to_put_on_an_agenda_decide_open_and_publish(loaded: Services) -> None:
    staff = loaded.accounts.create_staff_account("sec@example.org", "secretariat")
    w = waiting(loaded, None, staff.id)
    statuses = {p["status"] for p in proposal_views.list_recommendations(loaded.projector.engine)}

    assert {x["status"] for x in w.to_agenda} == {"submitted"}
    assert {x["status"] for x in w.rounds_to_open} == {"adopted"}
    assert len(w.to_agenda) == sum(1 for p in proposal_views.list_recommendations(loaded.projector.engine) if p["status"] == "submitted")
    assert "endorsed" not in statuses and w.to_publish == []
    assert w.positions == [] and w.votes == []


def test_representatives_see_votes_due_with_the_closing_date_and_not_on_their_own_proposals(loaded: Services) -> None:
    p = proposal(loaded, "adopted")
    loaded.app.open_endorsement(p["id"], date(2026, 4, 10))
    authors = {p["author_id"], *p["co_author_ids"]}
    reps = table_views.representatives(loaded.projector.engine, ON)
    voter = next(r for r in reps if r["participant_id"] not in authors)

    due = [(x["proposal_id"], x["seat"], x["closes_on"]) for x in waiting(loaded, voter["participant_id"]).votes]
    loaded.app.vote_on_endorsement(p["id"], seat=voter["seat"], participant_id=voter["participant_id"], vote="endorse")

    assert (p["id"], voter["seat"], date(2026, 4, 10)) in due
    assert p["id"] not in [x["proposal_id"] for x in waiting(loaded, voter["participant_id"]).votes]
    for r in reps:
        if r["participant_id"] in authors:
            assert p["id"] not in [x["proposal_id"] for x in waiting(loaded, r["participant_id"]).votes]


def test_a_round_with_the_endorsements_needed_is_listed_to_close(loaded: Services) -> None:
    p = proposal(loaded, "adopted")
    loaded.app.open_endorsement(p["id"], date(2026, 4, 10))
    staff = loaded.accounts.create_staff_account("sec@example.org", "secretariat")
    authors = {p["author_id"], *p["co_author_ids"]}
    voters = [r for r in table_views.representatives(loaded.projector.engine, ON) if r["participant_id"] not in authors][:5]
    assert p["id"] not in [x["proposal_id"] for x in waiting(loaded, None, staff.id).rounds_to_close]

    for r in voters:
        loaded.app.vote_on_endorsement(p["id"], seat=r["seat"], participant_id=r["participant_id"], vote="endorse")

    assert p["id"] in [x["proposal_id"] for x in waiting(loaded, None, staff.id).rounds_to_close]


def test_authors_see_their_drafts_and_the_amendments_waiting_for_them(loaded: Services) -> None:
    p = proposal(loaded, "draft")
    author = str(p["author_id"])
    amender = plain_member(loaded, str(p["table"]), {author, *p["co_author_ids"]})
    loaded.app.propose_amendment(p["id"], actor=amender, field="rationale", operation="append", text="Y más.")

    w = waiting(loaded, author)

    assert p["id"] in [x["proposal_id"] for x in w.drafts]
    assert [(x["proposal_id"], x["field"]) for x in w.amendments] == [(p["id"], "rationale")]
    assert w.count >= 2
