"""Who is told of a request to join a table (issue 18, "for the secretariat: … join
requests"; issue 17): the table's representatives in term and the secretariat's staff, at
once by default, with a link to the table's queue; not a representative of another table,
nor a member who represents nobody. On the 2026-Q1 scenario (clock 2026-03-27)."""

from __future__ import annotations

from datetime import date

from flask import Flask

from application.accounts import Account
from application.bootstrap import Services
from application.notifications.kinds import BY_NAME, IMMEDIATE
from projections import tables as table_views
from tests.e2e.web_support import make_app
from web.notification_words import describe, link

ON = date(2026, 3, 27)


def _holder(s: Services, table: str) -> str:
    return next(r["participant_id"] for r in table_views.representatives(s.projector.engine, on=ON) if r["table_code"] == table)


def _plain_member(s: Services, table: str) -> str:
    seated = {r["participant_id"] for r in table_views.representatives(s.projector.engine, on=ON)}
    return next(m["participant_id"] for m in table_views.members(s.projector.engine, table) if m["participant_id"] not in seated)


def _account(s: Services, pid: str, name: str) -> Account:
    return s.accounts.create_participant_account(pid, f"{name}@tests.invalid")


def _ask(s: Services) -> str:
    rid = s.app.request_to_join(
        "RT1", motivation="Coordino una red de acogida.", display_name="María Huamán", organisation_name="",
        country="PE", stakeholder_group="migrants", language="es", contact="maria.huaman@example.org",
    )
    s.projector.catch_up()
    return str(rid)


def _told(s: Services, account: Account) -> list[dict[str, object]]:
    s.notifications.refresh(account)
    return [r for r in s.notifications.of(account.id, limit=1000) if r["kind"] == "join_requests"]


def test_the_tables_representative_and_the_secretariat_are_told_of_a_request(loaded: Services) -> None:
    representative = _account(loaded, _holder(loaded, "RT1"), "rep-rt1")
    staff = loaded.accounts.create_staff_account("staff@tests.invalid", "secretariat")

    rid = _ask(loaded)

    assert [r["details"] for r in _told(loaded, representative)] == [{"table": "RT1", "request_id": rid, "join_request": True}]
    assert [r["details"]["request_id"] for r in _told(loaded, staff)] == [rid]


def test_a_representative_of_another_table_and_a_plain_member_are_not_told(loaded: Services) -> None:
    other = _account(loaded, _holder(loaded, "RT2"), "rep-rt2")
    member = _account(loaded, _plain_member(loaded, "RT1"), "member-rt1")

    _ask(loaded)

    assert (_told(loaded, other), _told(loaded, member)) == ([], [])


def test_join_requests_reach_those_who_decide_at_once_by_default() -> None:
    assert BY_NAME["join_requests"].default == IMMEDIATE


def test_the_notification_leads_to_the_tables_queue(loaded: Services) -> None:
    app: Flask = make_app(loaded.config.database_url, str(loaded.config.master_key), clock=ON.isoformat())
    with app.test_request_context("/?lang=en"):
        facts = {"table": "RT1", "request_id": "r-1", "join_request": True}
        assert link(facts) == "/tables/RT1/join-requests#request-r-1"
        assert describe("join_requests", facts) == "Someone without an account asks to join RT1."
