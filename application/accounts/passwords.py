"""Passwords: the policy a new password meets, and argon2id hashing (``argon2-cffi``).

Policy (issue 10, "Accounts"): at least :data:`MIN_LENGTH` characters (counted as a person
sees them, after Unicode NFC), at most :data:`MAX_LENGTH`, not in the bundled list of common
passwords (``data/common_passwords.txt``, compared after NFKC and case folding), and not the
person's own e-mail address or its part before the ``@``.

Hashes use the library's own parameters (``argon2.PasswordHasher()``: argon2id, RFC 9106's
low-memory profile); a hash made with older parameters is replaced at the next sign-in
(:func:`needs_rehash`).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidInputError

MIN_LENGTH = 12
MAX_LENGTH = 256
_hasher = PasswordHasher()
# Verified against when no account matches, so that a wrong address costs as much time as a
# wrong password (the answer's timing does not tell whether an account exists).
_DUMMY_HASH = _hasher.hash("no account has this password, it only spends the same time")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords (normalised)."""
    text = files("application.accounts").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(_fold(line) for line in text.splitlines() if line and not line.startswith("#"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def policy_problems(password: str, email: str = "") -> list[InvalidInputError]:
    """Every way a new password breaks the policy (empty when it meets it):
    ``password_too_short``, ``password_too_long``, ``password_too_common`` (in the list, or
    the person's own address); ``field`` is ``password``."""
    found = []
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        found.append(InvalidInputError(f"A password has at least {MIN_LENGTH} characters.", code="password_too_short", field="password", limit=MIN_LENGTH))
    if length > MAX_LENGTH:
        found.append(InvalidInputError(f"A password has at most {MAX_LENGTH} characters.", code="password_too_long", field="password", limit=MAX_LENGTH))
    folded = _fold(password)
    own = {_fold(email), _fold(email.split("@", 1)[0])} - {""}
    if folded in common_passwords() or folded in own:
        found.append(InvalidInputError("This password is too common or too easy to guess; choose another.", code="password_too_common", field="password"))
    return found


def check_password(password: str, email: str = "") -> None:
    """Refuse a new password that breaks the policy, with the first of its
    :func:`policy_problems`.

    Raises:
        InvalidInputError: ``password_too_short``, ``password_too_long``,
        ``password_too_common``; ``field`` is ``password``.
    """
    found = policy_problems(password, email)
    if found:
        raise found[0]


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; the library's parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; with no hash (an account without a
    password yet, or no account) a dummy hash is verified so the time spent is the same."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than the library's current ones."""
    return _hasher.check_needs_rehash(password_hash)
