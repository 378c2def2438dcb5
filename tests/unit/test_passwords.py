"""The password policy and argon2id hashing (application/accounts/passwords.py)."""

from __future__ import annotations

import pytest

from application.accounts.passwords import (
    check_password,
    common_passwords,
    hash_password,
    needs_rehash,
    verify_password,
)
from domain.errors import InvalidInputError


def code_of(password: str, email: str = "") -> str | None:
    try:
        check_password(password, email)
    except InvalidInputError as e:
        return e.code
    return None


def test_twelve_characters_are_the_minimum() -> None:
    assert code_of("vhmw-7tq2-xp") is None
    assert code_of("vhmw-7tq2-x") == "password_too_short"


def test_characters_are_counted_as_people_see_them() -> None:
    # 12 letters, one of them written as e + combining accent (NFC makes it one character)
    assert code_of("cafe\u0301 ollas rio") is None
    assert code_of("cafe\u0301olla") == "password_too_short"


@pytest.mark.parametrize("password", ["password1234", "Password1234", "CONTRASEÑA123", "qwertyuiop123", "123456789012"])
def test_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    assert code_of(password) == "password_too_common"


def test_the_bundled_list_is_small_and_normalised() -> None:
    words = common_passwords()
    assert 500 < len(words) < 5000
    assert all(w == w.casefold() for w in words)


def test_the_own_address_is_refused_as_a_password() -> None:
    assert code_of("ana.maria.rojas@example.org", "ana.maria.rojas@example.org") == "password_too_common"
    assert code_of("ana.maria.rojas", "ana.maria.rojas@example.org") == "password_too_common"


def test_a_hash_is_argon2id_and_verifies_only_its_password() -> None:
    h = hash_password("a long passphrase here")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "a long passphrase here") is True
    assert verify_password(h, "a long passphrase hers") is False
    assert needs_rehash(h) is False


def test_no_hash_never_verifies() -> None:
    assert verify_password(None, "no account has this password, it only spends the same time") is False
