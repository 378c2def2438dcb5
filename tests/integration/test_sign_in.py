"""Signing in: refusals that tell nothing, throttling counted in the database, server-side
sessions ended by sign-out and password changes (application/accounts/signin.py)."""

from __future__ import annotations

import pytest

from application.accounts import Accounts
from application.accounts.security_log import KEPT_DAYS
from application.bootstrap import Services
from tests.conftest import Instant, seed_members

PASSWORD = "una clave larga de prueba"
IP = "203.0.113.7"


@pytest.fixture
def accounts(services: Services, instant: Instant) -> Accounts:
    services.accounts.now = instant.now
    return services.accounts


@pytest.fixture
def member(services: Services, accounts: Accounts) -> str:
    (pid,) = seed_members(services.app)
    return accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD).id


def test_the_right_password_starts_a_session(accounts: Accounts, member: str) -> None:
    attempt = accounts.sign_in("ana@example.org", PASSWORD, address=IP, device="Firefox")

    assert (attempt.outcome, attempt.account_id) == ("signed_in", member)
    assert attempt.token and accounts.session_account(attempt.token) is not None
    assert [s.device for s in accounts.sessions(member)] == ["Firefox"]


def test_an_unknown_address_and_a_wrong_password_get_the_same_answer(accounts: Accounts, member: str) -> None:
    wrong_password = accounts.sign_in("ana@example.org", "not the password!", address=IP)
    unknown = accounts.sign_in("nobody@example.org", PASSWORD, address=IP)

    assert (wrong_password.outcome, wrong_password.token, wrong_password.retry_after) == ("refused", None, 0)
    assert (unknown.outcome, unknown.token, unknown.retry_after) == ("refused", None, 0)
    assert unknown.account_id is None and wrong_password.account_id is None


def test_an_account_without_a_password_yet_is_refused_like_any_other(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "invited@example.org")
    assert accounts.sign_in("invited@example.org", "", address=IP).outcome == "refused"


def test_failures_make_the_address_wait_longer_each_time(accounts: Accounts, member: str, instant: Instant) -> None:
    waits = []
    for _ in range(7):
        attempt = accounts.sign_in("ana@example.org", "wrong wrong wrong", address=IP)
        if attempt.outcome == "throttled":
            waits.append(attempt.retry_after)
            instant.advance(seconds=attempt.retry_after)
            attempt = accounts.sign_in("ana@example.org", "wrong wrong wrong", address=IP)
        assert attempt.outcome == "refused"
    assert waits == [1, 2, 4]


def test_a_throttled_address_is_refused_even_with_the_right_password(accounts: Accounts, member: str) -> None:
    for _ in range(5):
        accounts.sign_in("ana@example.org", "wrong wrong wrong", address=IP)

    attempt = accounts.sign_in("ana@example.org", PASSWORD, address=IP)

    assert (attempt.outcome, attempt.retry_after) == ("throttled", 1)


def test_unknown_addresses_are_throttled_like_known_ones(accounts: Accounts, member: str) -> None:
    for address in ("ana@example.org", "nobody@example.org"):
        for _ in range(5):
            accounts.sign_in(address, "wrong wrong wrong", address="198.51.100.1" if "ana" in address else "198.51.100.2")
    known = accounts.sign_in("ana@example.org", PASSWORD, address="198.51.100.1")
    unknown = accounts.sign_in("nobody@example.org", PASSWORD, address="198.51.100.2")
    assert (known.outcome, known.retry_after) == (unknown.outcome, unknown.retry_after) == ("throttled", 1)


def test_many_addresses_tried_from_one_network_address_are_throttled(accounts: Accounts, member: str) -> None:
    for i in range(21):
        accounts.sign_in(f"guess{i}@example.org", "wrong wrong wrong", address=IP)
    assert accounts.sign_in("ana@example.org", PASSWORD, address=IP).outcome == "throttled"
    assert accounts.sign_in("ana@example.org", PASSWORD, address="192.0.2.99").outcome == "signed_in"


def test_a_success_clears_the_address_count(accounts: Accounts, member: str) -> None:
    for _ in range(3):
        accounts.sign_in("ana@example.org", "wrong wrong wrong", address=IP)
    assert accounts.sign_in("ana@example.org", PASSWORD, address=IP).outcome == "signed_in"
    assert accounts.sign_in("ana@example.org", "wrong wrong wrong", address=IP).outcome == "refused"
    assert accounts.sign_in("ana@example.org", PASSWORD, address=IP).outcome == "signed_in"


def test_sign_out_ends_the_session_on_the_server(accounts: Accounts, member: str) -> None:
    token = accounts.sign_in("ana@example.org", PASSWORD, address=IP).token
    assert token
    accounts.end_session(token)
    assert accounts.session_account(token) is None


def test_a_password_change_ends_every_session(accounts: Accounts, member: str) -> None:
    first = accounts.sign_in("ana@example.org", PASSWORD, address=IP).token
    second = accounts.sign_in("ana@example.org", PASSWORD, address="192.0.2.1").token
    assert first and second

    accounts.set_password(member, "una clave nueva y larga", current=PASSWORD)

    assert accounts.session_account(first) is None
    assert accounts.session_account(second) is None
    assert accounts.sign_in("ana@example.org", PASSWORD, address=IP).outcome == "refused"


def test_a_person_ends_their_other_sessions(accounts: Accounts, member: str) -> None:
    here = accounts.sign_in("ana@example.org", PASSWORD, address=IP).token
    phone = accounts.sign_in("ana@example.org", PASSWORD, address=IP).token
    assert here and phone
    current = accounts.session_account(here)
    assert current is not None

    assert accounts.end_other_sessions(member, current[1]) == 1

    assert accounts.session_account(here) is not None
    assert accounts.session_account(phone) is None


def test_nobody_ends_another_persons_session(services: Services, accounts: Accounts, member: str) -> None:
    (other_pid,) = seed_members(services.app)
    other = accounts.create_participant_account(other_pid, "other@example.org", password=PASSWORD).id
    token = accounts.sign_in("ana@example.org", PASSWORD, address=IP).token
    assert token
    session = accounts.session_account(token)
    assert session is not None

    assert accounts.end_session_of(other, session[1]) is False
    assert accounts.session_account(token) is not None


def test_a_session_idle_for_two_weeks_is_over(accounts: Accounts, member: str, instant: Instant) -> None:
    token = accounts.sign_in("ana@example.org", PASSWORD, address=IP).token
    assert token
    instant.advance(days=13)
    assert accounts.session_account(token) is not None
    instant.advance(days=14, seconds=1)
    assert accounts.session_account(token) is None


def test_the_security_log_keeps_sign_ins_and_failures_for_180_days(accounts: Accounts, member: str, instant: Instant) -> None:
    accounts.sign_in("ana@example.org", "wrong wrong wrong", address=IP)
    accounts.sign_in("ana@example.org", PASSWORD, address=IP)
    events = [e["event"] for e in accounts.log.entries(member)]
    assert events[:2] == ["sign_in", "sign_in_failed"]

    instant.advance(days=KEPT_DAYS + 1)
    accounts.log.purge()

    assert accounts.log.entries(member) == []
