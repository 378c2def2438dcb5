"""The second factor: TOTP enrolled at the first sign-in of powerful accounts, codes used
once, recovery codes (application/accounts/second_factor.py)."""

from __future__ import annotations

import pyotp
import pytest

from application.accounts import Accounts
from application.bootstrap import Services
from domain.errors import DomainError
from tests.conftest import Instant, seed_members

PASSWORD = "una clave larga de prueba"
IP = "203.0.113.7"


@pytest.fixture
def accounts(services: Services, instant: Instant) -> Accounts:
    services.accounts.now = instant.now
    return services.accounts


def code(secret: str, instant: Instant) -> str:
    return pyotp.TOTP(secret).at(instant.now())


def enrolled(accounts: Accounts, instant: Instant, email: str = "sec@example.org") -> tuple[str, str, list[str]]:
    staff = accounts.create_staff_account(email, "secretariat", password=PASSWORD)
    assert accounts.sign_in(email, PASSWORD, address=IP).outcome == "enrol_second_factor"
    secret = accounts.begin_enrolment(staff.id).secret
    recovery, token = accounts.finish_enrolment(staff.id, code(secret, instant))
    assert token
    instant.advance(seconds=30)
    return staff.id, secret, recovery


def test_the_secretariat_must_enrol_before_a_session_starts(accounts: Accounts) -> None:
    staff = accounts.create_staff_account("sec@example.org", "secretariat", password=PASSWORD)

    attempt = accounts.sign_in("sec@example.org", PASSWORD, address=IP)

    assert (attempt.outcome, attempt.account_id, attempt.token) == ("enrol_second_factor", staff.id, None)
    assert accounts.sessions(staff.id) == []


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_auditors_and_administrators_must_enrol_too(accounts: Accounts, role: str) -> None:
    accounts.create_staff_account("staff@example.org", role, password=PASSWORD)
    assert accounts.sign_in("staff@example.org", PASSWORD, address=IP).outcome == "enrol_second_factor"


def test_a_member_signs_in_without_a_second_factor(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "m@example.org", password=PASSWORD)
    assert accounts.sign_in("m@example.org", PASSWORD, address=IP).outcome == "signed_in"


def test_an_enrolled_account_is_asked_for_a_code_then_signed_in(accounts: Accounts, instant: Instant) -> None:
    account_id, secret, _ = enrolled(accounts, instant)

    first = accounts.sign_in("sec@example.org", PASSWORD, address=IP)
    second = accounts.second_step(account_id, code(secret, instant), address=IP)

    assert (first.outcome, first.token) == ("second_factor", None)
    assert second.outcome == "signed_in" and second.token


def test_a_wrong_code_is_refused(accounts: Accounts, instant: Instant) -> None:
    account_id, _, _ = enrolled(accounts, instant)
    assert accounts.second_step(account_id, "000000", address=IP).outcome == "refused"


def test_a_code_works_once(accounts: Accounts, instant: Instant) -> None:
    account_id, secret, _ = enrolled(accounts, instant)
    used = code(secret, instant)
    assert accounts.second_step(account_id, used, address=IP).outcome == "signed_in"
    assert accounts.second_step(account_id, used, address=IP).outcome == "refused"


def test_a_recovery_code_works_once(accounts: Accounts, instant: Instant) -> None:
    account_id, _, recovery = enrolled(accounts, instant)
    assert len(recovery) == 10 and len(set(recovery)) == 10

    assert accounts.second_step(account_id, recovery[0].upper(), address=IP).outcome == "signed_in"
    assert accounts.second_step(account_id, recovery[0], address=IP).outcome == "refused"
    assert accounts.recovery_codes_left(account_id) == 9


def test_wrong_codes_are_throttled(accounts: Accounts, instant: Instant) -> None:
    account_id, secret, _ = enrolled(accounts, instant)
    for _ in range(4):
        accounts.second_step(account_id, "123456", address=IP)
    assert accounts.second_step(account_id, code(secret, instant), address=IP).outcome == "throttled"


def test_the_secretariat_cannot_turn_the_second_factor_off(accounts: Accounts, instant: Instant) -> None:
    account_id, _, _ = enrolled(accounts, instant)
    with pytest.raises(DomainError) as e:
        accounts.disable_second_factor(account_id, PASSWORD)
    assert e.value.code == "second_factor_required"


def test_a_member_may_turn_it_on_and_off(services: Services, accounts: Accounts, instant: Instant) -> None:
    (pid,) = seed_members(services.app)
    member = accounts.create_participant_account(pid, "m@example.org", password=PASSWORD)
    secret = accounts.begin_enrolment(member.id).secret
    accounts.confirm_enrolment(member.id, code(secret, instant))
    assert accounts.sign_in("m@example.org", PASSWORD, address=IP).outcome == "second_factor"

    accounts.disable_second_factor(member.id, PASSWORD)

    assert accounts.sign_in("m@example.org", PASSWORD, address=IP).outcome == "signed_in"


def test_the_secret_is_sealed_in_the_database(services: Services, accounts: Accounts, instant: Instant) -> None:
    account_id, secret, _ = enrolled(accounts, instant)
    from sqlalchemy import select

    from application.accounts.tables import accounts as table

    with services.app.engine.connect() as c:
        sealed = c.execute(select(table.c.totp_sealed).where(table.c.id == account_id)).scalar_one()
    assert secret.encode() not in bytes(sealed)


def test_demo_accounts_are_exempt_in_demo_mode_only(accounts: Accounts) -> None:
    accounts.create_staff_account("demo-sec@demo.invalid", "secretariat", password=PASSWORD, demo=True)
    accounts.demo_mode = True
    assert accounts.sign_in("demo-sec@demo.invalid", PASSWORD, address=IP).outcome == "signed_in"
    accounts.demo_mode = False
    assert accounts.sign_in("demo-sec@demo.invalid", PASSWORD, address=IP).outcome == "enrol_second_factor"
