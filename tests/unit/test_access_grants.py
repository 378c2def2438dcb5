"""Grants of the secretariat, auditor and administrator roles (domain/access.py)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.access import ACCESS_ID, Access
from domain.base import Ctx
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)

ADMIN = str(uuid4())
STAFF = str(uuid4())


def ctx(on: date = date(2026, 1, 5), actor: str = "administrator") -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"cmd:{uuid4()}")


def record() -> Access:
    return Access.start(ctx())


def test_only_an_administrator_starts_the_record_and_grants() -> None:
    with pytest.raises(NotAllowedError) as e:
        Access.start(ctx(actor="secretariat"))
    assert e.value.code == "administrator_only"
    a = record()
    with pytest.raises(NotAllowedError) as e:
        a.grant(ctx(actor="secretariat"), account=STAFF, role="auditor", by=ADMIN)
    assert e.value.code == "administrator_only"


def test_a_grant_records_who_what_when_and_by_whom() -> None:
    a = record()
    a.grant(ctx(date(2026, 2, 1)), account=STAFF, role="auditor", by=ADMIN)

    granted = a.collect_events()[-1]
    assert type(granted).__name__ == "AccessGranted"
    assert (granted.account, granted.role, granted.by, granted.effective_date, granted.actor) == (  # type: ignore[attr-defined]
        STAFF, "auditor", ADMIN, date(2026, 2, 1), "administrator")
    assert a.id == ACCESS_ID


def test_a_role_is_held_from_its_grant_until_its_revocation() -> None:
    a = record()
    a.grant(ctx(date(2026, 2, 1)), account=STAFF, role="secretariat", by=ADMIN)
    a.revoke(ctx(date(2026, 3, 1)), account=STAFF, role="secretariat", by=ADMIN)

    held = [a.holds(STAFF, "secretariat", d) for d in (date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 1))]
    assert held == [False, True, True, False]
    assert a.history()[0]["revoked_by"] == ADMIN


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(InvalidInputError) as e:
        record().grant(ctx(), account=STAFF, role="president", by=ADMIN)
    assert e.value.code == "unknown_role"


def test_a_role_already_held_is_not_granted_twice() -> None:
    a = record()
    a.grant(ctx(), account=STAFF, role="auditor", by=ADMIN)
    with pytest.raises(RuleViolationError) as e:
        a.grant(ctx(), account=STAFF, role="auditor", by=ADMIN)
    assert e.value.code == "already_granted"


def test_revoking_a_role_not_held_is_refused() -> None:
    with pytest.raises(InvalidTransitionError) as e:
        record().revoke(ctx(), account=STAFF, role="auditor", by=ADMIN)
    assert e.value.code == "not_granted"


def test_an_administrator_does_not_revoke_their_own_administrator_role() -> None:
    a = record()
    a.grant(ctx(), account=ADMIN, role="administrator", by="operator")
    with pytest.raises(RuleViolationError) as e:
        a.revoke(ctx(), account=ADMIN, role="administrator", by=ADMIN)
    assert e.value.code == "own_administrator_role"
    assert a.holds(ADMIN, "administrator", date(2026, 6, 1)) is True


def test_roles_of_lists_every_role_in_force() -> None:
    a = record()
    a.grant(ctx(), account=STAFF, role="auditor", by=ADMIN)
    a.grant(ctx(), account=STAFF, role="secretariat", by=ADMIN)
    assert a.roles_of(STAFF, date(2026, 1, 5)) == {"auditor", "secretariat"}
    assert a.holders("auditor", date(2026, 1, 5)) == [STAFF]
