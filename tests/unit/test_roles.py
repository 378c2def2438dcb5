"""Which actor an identity may act as (application/roles.py)."""

from __future__ import annotations

import pytest

from application.roles import ANONYMOUS, Identity, Roles

PID = "8d2f4c1e-0000-4000-8000-000000000001"
OTHER = "8d2f4c1e-0000-4000-8000-000000000002"
member = Roles(identity=Identity("acc-1", PID), tables=("RT1",))
representative = Roles(identity=Identity("acc-2", PID), tables=("RT1",), seats=("LT-RT1-A",))
staff = Roles(identity=Identity("acc-3"), granted=frozenset({"secretariat"}))
admin = Roles(identity=Identity("acc-4"), granted=frozenset({"administrator"}))
auditor = Roles(identity=Identity("acc-5"), granted=frozenset({"auditor"}))


@pytest.mark.parametrize(("roles", "actor", "allowed"), [
    (Roles(identity=ANONYMOUS), PID, False),
    (Roles(identity=ANONYMOUS), "secretariat", False),
    (Roles(identity=ANONYMOUS), "public", True),
    (member, "public", True),
    (member, PID, True),
    (member, OTHER, False),
    (member, "secretariat", False),
    (representative, "secretariat", True),
    (staff, "secretariat", True),
    (staff, PID, False),
    (admin, "administrator", True),
    (admin, "secretariat", False),
    (auditor, "auditor", False),
    (auditor, "secretariat", False),
])
def test_may_act_as(roles: Roles, actor: str, allowed: bool) -> None:
    assert roles.may_act_as(actor) is allowed


def test_a_representative_facilitates_only_their_table() -> None:
    assert representative.facilitates("RT1") is True
    assert representative.facilitates("RT2") is False
    assert member.facilitates("RT1") is False


def test_power_needs_a_second_factor() -> None:
    assert [r.holds_power for r in (member, representative, staff, admin, auditor)] == [False, True, True, True, True]
