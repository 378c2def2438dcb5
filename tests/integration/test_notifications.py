"""What notifies whom (issue 18) on the 2026-Q1 scenario with accounts for some of its
people (clock 2026-03-27): authors, co-authors, members, seat holders and the secretariat
are told what concerns them and nobody of their own acts; the kinds that come from the
date; seen and unseen; preferences per kind; rows go with their account; and on each
backend, a session scheduled for a member's table. The scenario was recorded before its
accounts were created: ``_account`` looks for their notifications from the log's start."""

from __future__ import annotations

from datetime import date

import pytest

from application.accounts import Account
from application.bootstrap import Services
from application.notifications import Notifications
from application.tables import notifications_table
from domain.errors import InvalidInputError
from projections import people as people_views
from projections import proposals as proposal_views
from tests.conftest import notified_from_the_log_start, seed_members


def _pid(s: Services, reference: str) -> str:
    return next(p["id"] for p in people_views.participants(s.projector.engine) if p["reference"] == reference)


def _proposal(s: Services, reference: str) -> str:
    return next(p["id"] for p in proposal_views.list_recommendations(s.projector.engine) if p["reference"] == reference)


def _account(s: Services, reference: str) -> Account:
    """An account of a person of the scenario, told of the scenario's events as if it had
    existed before them (a new account's notifications start at its creation)."""
    account = s.accounts.create_participant_account(_pid(s, reference), f"{reference}@tests.invalid")
    notified_from_the_log_start(s.accounts.engine, account.id)
    return account


def _kinds(n: Notifications, account: Account, **where: str) -> list[str]:
    rows = n.of(account.id, limit=1000)
    return sorted(r["kind"] for r in rows if all(r["details"].get(k) == v for k, v in where.items()))


def test_an_author_is_told_of_amendments_decisions_publication_and_responses(loaded: Services) -> None:
    n = loaded.notifications
    author = _account(loaded, "p-01")
    rt1_01 = _proposal(loaded, "prop-rt1-01")

    n.refresh(author)

    assert _kinds(n, author, proposal_id=rt1_01) == [
        "agenda_item_added", "amendment_proposed", "government_response", "proposal_decided", "proposal_endorsement", "proposal_published",
    ]
    response = next(r for r in n.of(author.id) if r["kind"] == "government_response" and r["details"]["proposal_id"] == rt1_01)
    assert (response["details"]["country"], response["dated"]) == ("CO", date(2026, 3, 9))


def test_a_new_co_author_is_told_and_the_author_who_added_them_is_not(loaded: Services) -> None:
    n = loaded.notifications
    author, co_author = _account(loaded, "p-01"), _account(loaded, "p-25")
    rt1_01 = _proposal(loaded, "prop-rt1-01")

    n.refresh(author)
    n.refresh(co_author)

    assert "co_author_added" in _kinds(n, co_author, proposal_id=rt1_01)
    assert "co_author_added" not in _kinds(n, author, proposal_id=rt1_01)


def test_members_are_told_of_a_session_its_agenda_and_their_positions_due(loaded: Services) -> None:
    s, n = loaded, loaded.notifications
    member = _account(s, "p-01")
    pending = _proposal(s, "prop-rt1-04")
    sid = s.app.schedule_session(table="RT1", on=date(2026, 3, 30), reference="ses-rt1-extra")
    s.app.add_to_agenda(sid, pending)
    s.projector.catch_up()
    outsider = _account(s, "p-14")  # a member of RT2

    n.refresh(member)
    n.refresh(outsider)

    assert _kinds(n, member, session_id=str(sid)) == ["agenda_item_added", "positions_due", "session_scheduled"]
    due = next(r for r in n.of(member.id) if r["kind"] == "positions_due")
    assert due["dated"] == date(2026, 3, 27)
    assert _kinds(n, outsider, session_id=str(sid)) == []


def test_seat_holders_are_told_of_a_round_and_reminded_before_it_closes_and_the_secretariat_after(loaded: Services) -> None:
    s, n = loaded, loaded.notifications
    holder = _account(s, "p-14")  # LT-RT2-A
    staff = s.accounts.require(s.accounts.create_staff_account("secretariat-n@tests.invalid", "secretariat").id)
    pending = _proposal(s, "prop-rt1-09")
    rid = s.app.open_endorsement(pending, date(2026, 4, 2))
    s.projector.catch_up()

    n.refresh(holder, date(2026, 3, 27))
    before = _kinds(n, holder, round_id=str(rid))
    n.refresh(holder, date(2026, 3, 31))
    n.refresh(staff, date(2026, 4, 3))

    assert before == ["round_opened"]
    assert _kinds(n, holder, round_id=str(rid)) == ["round_opened", "vote_reminder"]
    assert _kinds(n, staff, round_id=str(rid)) == ["rounds_past_date"]


def test_a_second_refresh_adds_nothing_and_seen_is_kept_per_person(loaded: Services) -> None:
    n = loaded.notifications
    author, other = _account(loaded, "p-01"), _account(loaded, "p-40")
    added = n.refresh(author)
    n.refresh(other)
    first = n.of(author.id)[0]["id"]

    again = n.refresh(author)
    n.mark_seen(author.id, [first])
    n.mark_seen(other.id, [first])  # another's id changes nothing

    assert added > 0 and again == 0
    assert n.unseen(author.id) == added - 1
    assert n.unseen(other.id) == len(n.of(other.id, limit=1000))
    assert n.mark_seen(author.id) == added - 1 and n.unseen(author.id) == 0


def test_preferences_default_per_kind_and_a_wrong_choice_changes_nothing(loaded: Services) -> None:
    n = loaded.notifications
    holder = _account(loaded, "p-14")
    roles = n.roles(holder, date(2026, 3, 27))

    defaults = n.preferences(holder.id, roles)
    n.set_preferences(holder.id, {"session_scheduled": "weekly"})
    with pytest.raises(InvalidInputError) as refused:
        n.set_preferences(holder.id, {"agenda_item_added": "none", "round_opened": "hourly"})

    assert (defaults["session_scheduled"], defaults["round_opened"], defaults["vote_reminder"]) == ("daily", "immediate", "immediate")
    member = _account(loaded, "p-01")
    assert "rounds_past_date" not in n.preferences(member.id, n.roles(member, date(2026, 3, 27)))  # the secretariat's queue
    assert refused.value.code == "unknown_frequency"
    assert n.preferences(holder.id, roles) == {**defaults, "session_scheduled": "weekly"}


def test_the_notifications_go_with_their_account(loaded: Services) -> None:
    n = loaded.notifications
    author = _account(loaded, "p-01")
    n.refresh(author)

    loaded.app.erase_participant(_pid(loaded, "p-01"), reason="asked")

    with loaded.accounts.engine.connect() as c:
        left = c.execute(notifications_table.select().where(notifications_table.c.account_id == author.id)).all()
    assert left == []


def test_a_member_is_told_of_a_session_on_each_backend(services: Services) -> None:
    (member,) = seed_members(services.app, table="RT3")
    account = services.accounts.create_participant_account(str(member), "member@tests.invalid")
    sid = services.app.schedule_session(table="RT3", on=date(2026, 2, 10))
    services.projector.catch_up()

    services.notifications.refresh(account)

    rows = services.notifications.of(account.id)
    assert [(r["kind"], r["details"]["session_id"], r["dated"]) for r in rows] == [("session_scheduled", str(sid), date(2026, 1, 5))]
