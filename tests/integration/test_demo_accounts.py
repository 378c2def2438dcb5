"""Demo accounts (application/demo.py): every scenario participant, the secretariat and an
auditor, one shared password, only in demo mode."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from application.bootstrap import Services
from application.demo import create_demo_accounts
from application.tables import notification_cursors
from domain.errors import NotAllowedError
from projections import people as people_views


def test_every_participant_gets_a_demo_account_with_the_shared_password(loaded: Services) -> None:
    loaded.accounts.demo_mode = True
    made = create_demo_accounts(loaded.accounts, loaded.projector.engine)

    people = [p for p in people_views.participants(loaded.projector.engine) if not p["erased"]]
    first = sorted(people, key=lambda p: p["reference"])[0]
    signed = loaded.accounts.sign_in(f"{first['reference']}@demo.invalid", made.password, address="127.0.0.1")
    staff = loaded.accounts.sign_in("secretariat@demo.invalid", made.password, address="127.0.0.1")

    assert made.participants == len(people)
    assert len([a for a in loaded.accounts.all() if a.demo]) == len(people) + 2
    assert signed.outcome == "signed_in" and staff.outcome == "signed_in"


def test_a_second_run_keeps_the_accounts_and_gives_them_the_new_password(loaded: Services) -> None:
    loaded.accounts.demo_mode = True
    first = create_demo_accounts(loaded.accounts, loaded.projector.engine, "rio-faro-vela-maiz-42")
    second = create_demo_accounts(loaded.accounts, loaded.projector.engine, "camino-lluvia-ceiba-17")

    assert first.participants == second.participants
    assert loaded.accounts.sign_in("auditor@demo.invalid", "rio-faro-vela-maiz-42", address="10.0.0.1").outcome == "refused"
    assert loaded.accounts.sign_in("auditor@demo.invalid", "camino-lluvia-ceiba-17", address="10.0.0.2").outcome == "signed_in"


def test_no_demo_account_without_demo_mode(loaded: Services) -> None:
    loaded.accounts.demo_mode = False
    with pytest.raises(NotAllowedError):
        create_demo_accounts(loaded.accounts, loaded.projector.engine)
    assert loaded.accounts.all() == []


def test_the_banner_switches_only_to_demo_accounts_in_demo_mode(loaded: Services) -> None:
    loaded.accounts.demo_mode = True
    create_demo_accounts(loaded.accounts, loaded.projector.engine)
    demo = loaded.accounts.find("secretariat@demo.invalid")
    real = loaded.accounts.create_staff_account("real@example.org", "auditor")
    assert demo is not None

    assert loaded.accounts.session_account(loaded.accounts.demo_switch(demo.id)) is not None
    with pytest.raises(NotAllowedError):
        loaded.accounts.demo_switch(real.id)
    loaded.accounts.demo_mode = False
    with pytest.raises(NotAllowedError):
        loaded.accounts.demo_switch(demo.id)


def test_a_demo_account_is_told_of_the_scenario_recorded_before_it(loaded: Services) -> None:
    # A new account's notifications start at the log's end; the demo's show the scenario.
    loaded.accounts.demo_mode = True
    create_demo_accounts(loaded.accounts, loaded.projector.engine)
    demo = loaded.accounts.find("p-01@demo.invalid")
    assert demo is not None

    loaded.notifications.refresh(demo, date(2026, 3, 27), derived=False)

    assert "session_scheduled" in {r["kind"] for r in loaded.notifications.of(demo.id, limit=1000)}


def test_a_second_demo_run_keeps_where_the_accounts_notifications_stand(loaded: Services) -> None:
    loaded.accounts.demo_mode = True
    create_demo_accounts(loaded.accounts, loaded.projector.engine)
    demo = loaded.accounts.find("auditor@demo.invalid")
    assert demo is not None
    loaded.notifications.refresh(demo, date(2026, 3, 27))
    with loaded.accounts.engine.connect() as c:
        kept = c.execute(select(notification_cursors.c.position).where(notification_cursors.c.account_id == demo.id)).scalar()

    create_demo_accounts(loaded.accounts, loaded.projector.engine)

    with loaded.accounts.engine.connect() as c:
        again = c.execute(select(notification_cursors.c.position).where(notification_cursors.c.account_id == demo.id)).scalar()
    assert (kept > 0, again) == (True, kept)
