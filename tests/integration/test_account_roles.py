"""Roles come from the mechanism (application/roles.py, application/commands/access.py):
members from membership events, facilitators and the secretariat from seats in term, UN
agencies from nominations, the rest from grants; a bound identity acts only as itself or
as a role it holds that day."""

from __future__ import annotations

from datetime import date

import pytest

from application.bootstrap import Services
from application.privacy import erase
from application.roles import ANONYMOUS, Identity, acting_as
from domain.errors import NotAllowedError
from projections import tables as table_views
from tests.conftest import seed_members

ON = date(2026, 3, 27)


def representative(loaded: Services, seat: str = "LT-RT1-A") -> str:
    return next(r["participant_id"] for r in table_views.representatives(loaded.projector.engine, ON) if r["seat"] == seat)


def a_member_only(loaded: Services, table: str = "RT1") -> str:
    seated = {r["participant_id"] for r in table_views.representatives(loaded.projector.engine)}
    return next(m["participant_id"] for m in table_views.members(loaded.projector.engine, table) if m["participant_id"] not in seated)


def test_a_representative_in_term_facilitates_their_table_and_acts_as_the_secretariat(loaded: Services) -> None:
    pid = representative(loaded)
    roles = loaded.app.roles_of(Identity("acc", pid), ON)

    assert roles.seats == ("LT-RT1-A",)
    assert roles.is_member("RT1") and roles.facilitates("RT1") and not roles.facilitates("RT2")
    assert roles.is_secretariat and roles.holds_power


def test_before_the_term_starts_the_same_person_is_a_member_only(loaded: Services) -> None:
    roles = loaded.app.roles_of(Identity("acc", representative(loaded)), date(2026, 1, 31))
    assert (roles.seats, roles.is_secretariat, roles.facilitates("RT1")) == ((), False, False)


def test_a_member_has_the_tables_of_their_membership_events(loaded: Services) -> None:
    pid = a_member_only(loaded)
    roles = loaded.app.roles_of(Identity("acc", pid), ON)
    assert set(roles.tables) == set(table_views.member_tables(loaded.projector.engine, pid))
    assert (roles.is_secretariat, roles.holds_power) == (False, False)


def test_a_un_agency_is_the_focal_point_of_a_nominated_seat(services: Services) -> None:
    (pid,) = seed_members(services.app)
    services.app.nominate_un_agency(seat="LT-UN-1", agency="OIM", consensus_record="WG-CS minutes 2026-01", focal_point=pid)
    roles = services.app.roles_of(Identity("acc", str(pid)))
    assert roles.un_seats == ("LT-UN-1",) and roles.is_un_agency and not roles.is_secretariat


def test_granted_roles_come_from_the_access_record(services: Services) -> None:
    staff = services.accounts.create_staff_account("aud@example.org", "auditor")
    services.app.grant_access(staff.id, "secretariat")
    roles = services.app.roles_of(Identity(staff.id))
    assert roles.granted == {"auditor", "secretariat"}
    services.app.revoke_access(staff.id, "secretariat")
    assert services.app.roles_of(Identity(staff.id)).granted == {"auditor"}


def test_a_bound_identity_acts_only_as_itself(services: Services) -> None:
    me, other = seed_members(services.app, 2)
    with acting_as(Identity("acc", str(me))), pytest.raises(NotAllowedError) as e:
        services.app.join_table(other, "RT2")
    assert e.value.code == "not_yourself"


def test_the_public_runs_no_command(services: Services) -> None:
    (me,) = seed_members(services.app)
    with acting_as(ANONYMOUS), pytest.raises(NotAllowedError) as e:
        services.app.join_table(me, "RT2")
    assert e.value.code == "sign_in_required"


def test_a_member_does_not_act_as_the_secretariat(loaded: Services) -> None:
    pid = a_member_only(loaded)
    with acting_as(Identity("acc", pid)), pytest.raises(NotAllowedError) as e:
        loaded.app.schedule_session(table="RT1", quarter="2026-Q2", on=date(2026, 4, 20))
    assert e.value.code == "secretariat_only"


def test_a_representative_in_term_acts_as_the_secretariat(loaded: Services) -> None:
    with acting_as(Identity("acc", representative(loaded, "LT-RT3-B"))):
        sid = loaded.app.schedule_session(table="RT1", quarter="2026-Q2", on=date(2026, 4, 20))
    assert loaded.app.session(sid).table == "RT1"


def test_granted_staff_act_as_the_secretariat_and_lose_it_when_revoked(services: Services) -> None:
    services.app.register_table("RT1")
    staff = services.accounts.create_staff_account("staff@example.org", "secretariat")
    with acting_as(Identity(staff.id)):
        services.app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 2, 10))
    services.app.revoke_access(staff.id, "secretariat")
    with acting_as(Identity(staff.id)), pytest.raises(NotAllowedError):
        services.app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 2, 11))


def test_only_an_administrator_grants(services: Services) -> None:
    staff = services.accounts.create_staff_account("staff@example.org", "secretariat")
    admin = services.accounts.create_staff_account("admin@example.org", "administrator")
    with acting_as(Identity(staff.id)), pytest.raises(NotAllowedError) as e:
        services.app.grant_access(staff.id, "auditor", by=staff.id)
    assert e.value.code == "administrator_only"
    with acting_as(Identity(admin.id)):
        services.app.grant_access(staff.id, "auditor", by=admin.id)
    record = services.app.access_record()
    assert record is not None and record.history()[-1]["granted_by"] == admin.id


def test_erasure_deletes_the_account_and_makes_the_address_unrecoverable(services: Services) -> None:
    from sqlalchemy import select

    from application.accounts.common import unseal
    from application.accounts.tables import accounts as table
    from application.accounts.tables import sign_ins

    (pid,) = seed_members(services.app)
    account = services.accounts.create_participant_account(pid, "erased@example.org", password="una clave larga de prueba")
    services.accounts.sign_in("erased@example.org", "wrong password here", address="127.0.0.1")
    services.accounts.sign_in("erased@example.org", "una clave larga de prueba", address="127.0.0.1")
    with services.app.engine.connect() as c:
        sealed = bytes(c.execute(select(table.c.email_sealed).where(table.c.id == account.id)).scalar_one())
    services.projector.catch_up()

    erase(services, str(pid))

    assert services.accounts.get(account.id) is None
    assert services.accounts.find("erased@example.org") is None
    with services.app.engine.connect() as c:
        assert c.execute(select(sign_ins).where(sign_ins.c.account_id == account.id)).first() is None
    assert unseal(services.keys.get(str(pid)), sealed, f"account-email:{account.id}") is None
    assert services.accounts.throttle.failures(services.accounts._subjects("erased@example.org", "x")[0]) == 0


def test_grants_and_revocations_are_in_the_security_log(services: Services) -> None:
    admin = services.accounts.create_staff_account("admin@example.org", "administrator")
    staff = services.accounts.create_staff_account("staff@example.org", "auditor", by=admin.id)
    services.accounts.grant_role(staff.id, "secretariat", by=admin.id)
    services.accounts.revoke_role(staff.id, "secretariat", by=admin.id)

    entries = [(e["event"], e["detail"], e["by_account"]) for e in services.accounts.log.entries(staff.id)]

    assert entries[:3] == [("access_revoked", "secretariat", admin.id), ("access_granted", "secretariat", admin.id), ("access_granted", "auditor", admin.id)]
