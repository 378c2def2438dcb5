"""Accounts: sealed addresses found through a blind index, staff accounts and their grants,
passwords (application/accounts/records.py)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from application.accounts import Accounts
from application.accounts.tables import accounts as accounts_table
from application.bootstrap import Services
from domain.errors import DomainError, InvalidInputError, NotAllowedError, RuleViolationError
from tests.conftest import Instant, seed_members

PASSWORD = "una clave larga de prueba"


@pytest.fixture
def accounts(services: Services, instant: Instant) -> Accounts:
    services.accounts.now = instant.now
    return services.accounts


def test_the_address_is_stored_sealed_and_found_through_its_blind_index(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    created = accounts.create_participant_account(pid, "Ana.Rojas@Example.org", password=PASSWORD)

    with services.app.engine.connect() as c:
        row = c.execute(select(accounts_table).where(accounts_table.c.id == created.id)).one()
    assert b"ana.rojas" not in bytes(row.email_sealed).lower()
    assert row.email_index != hashlib.sha256(b"ana.rojas@example.org").hexdigest()
    assert accounts.find("  ana.rojas@EXAMPLE.org ") == created
    assert created.email == "ana.rojas@example.org"
    assert (created.kind, created.participant_id, created.language) == ("participant", str(pid), "es")


def test_an_address_belongs_to_one_account(services: Services, accounts: Accounts) -> None:
    a, b = seed_members(services.app, 2)
    accounts.create_participant_account(a, "shared@example.org")
    with pytest.raises(RuleViolationError) as e:
        accounts.create_participant_account(b, "SHARED@example.org")
    assert e.value.code == "email_taken"


def test_a_participant_has_one_account(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "one@example.org")
    with pytest.raises(RuleViolationError) as e:
        accounts.create_participant_account(pid, "two@example.org")
    assert e.value.code == "account_exists"


@pytest.mark.parametrize("address", ["", "no-at-sign", "two@@example.org", "spaces in@example.org", "a@b"])
def test_a_malformed_address_is_refused(services: Services, accounts: Accounts, address: str) -> None:
    (pid,) = seed_members(services.app)
    with pytest.raises(InvalidInputError) as e:
        accounts.create_participant_account(pid, address)
    assert (e.value.code, e.value.field) == ("invalid_email", "email")


def test_a_staff_account_is_granted_its_role_as_an_event(services: Services, accounts: Accounts) -> None:
    staff = accounts.create_staff_account("auditor@example.org", "auditor", password=PASSWORD)

    record = services.app.access_record()
    assert record is not None
    assert record.holds(staff.id, "auditor", services.app.clock.today()) is True
    assert staff.kind == "staff" and staff.participant_id is None
    topics = [n.topic for n in services.app.recorder.select_notifications(None, 100)]
    assert "domain.access:Access.AccessGranted" in topics


def test_a_weak_password_creates_no_account(services: Services, accounts: Accounts) -> None:
    with pytest.raises(InvalidInputError) as e:
        accounts.create_staff_account("admin@example.org", "administrator", password="password1234")
    assert e.value.code == "password_too_common"
    assert accounts.find("admin@example.org") is None
    assert services.app.access_record() is None


def test_a_password_change_needs_the_current_one(services: Services, accounts: Accounts) -> None:
    staff = accounts.create_staff_account("s@example.org", "secretariat", password=PASSWORD)
    with pytest.raises(NotAllowedError) as e:
        accounts.set_password(staff.id, "otra clave bastante larga", current="not the password")
    assert e.value.code == "wrong_password"
    accounts.set_password(staff.id, "otra clave bastante larga", current=PASSWORD)
    assert accounts.sign_in("s@example.org", "otra clave bastante larga", address="127.0.0.1").outcome in ("signed_in", "enrol_second_factor")


def test_the_language_is_one_of_the_four(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    a = accounts.create_participant_account(pid, "lang@example.org")
    accounts.set_language(a.id, "pt")
    assert accounts.require(a.id).language == "pt"
    with pytest.raises(DomainError) as e:
        accounts.set_language(a.id, "de")
    assert e.value.code == "unknown_language"


def test_an_erasure_request_is_listed_for_the_secretariat(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    a = accounts.create_participant_account(pid, "erase-me@example.org")
    accounts.request_erasure(a.id)
    assert [x.id for x in accounts.erasure_requests()] == [a.id]


def test_deleting_a_staff_account_makes_its_address_unreadable(services: Services, accounts: Accounts) -> None:
    staff = accounts.create_staff_account("gone@example.org", "auditor")
    with services.app.engine.connect() as c:
        sealed = c.execute(select(accounts_table.c.email_sealed).where(accounts_table.c.id == staff.id)).scalar_one()

    accounts.delete_staff_account(staff.id)

    assert accounts.find("gone@example.org") is None
    assert services.keys.get(staff.id) is None
    assert sealed  # the copy someone kept opens with no key any more
    from application.accounts.common import unseal

    assert unseal(services.keys.get(staff.id), bytes(sealed), f"account-email:{staff.id}") is None


def test_a_master_key_rotation_keeps_accounts_findable(services: Services, accounts: Accounts, database_url: str) -> None:
    import base64

    from application.bootstrap import Config, bootstrap
    from application.persistence import generate_master_key

    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "rotate@example.org", password=PASSWORD)
    new_key = generate_master_key()

    services.keys.rotate(base64.urlsafe_b64decode(new_key))

    after = bootstrap(Config(database_url=database_url, master_key=new_key, inline_projection=False), clock=services.app.clock)
    found = after.accounts.find("rotate@example.org")
    assert found is not None and found.email == "rotate@example.org"
