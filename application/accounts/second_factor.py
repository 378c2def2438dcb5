"""The second factor: TOTP (``pyotp``, RFC 6238: 6 digits, 30 s) and one-time recovery codes.

Accounts that hold power (a granted role, or the secretariat through a Liaison Table seat in
term) must use it, enrolled at their first sign-in; others may turn it on (issue 10, "A second
factor for powerful roles"). Demo accounts are exempt while demo mode is on.

The TOTP secret is sealed with the account's owner key, like its address. A code is accepted
once: the time step it belongs to is remembered and a code of that step or an earlier one is
refused (a code seen over a shoulder cannot be replayed). :data:`RECOVERY_CODES` recovery
codes of 80 random bits each are shown once at enrolment and stored as SHA-256 digests; each
works once.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import Connection, delete, insert, select, update

from application.accounts.common import seal, sha256_hex, unseal
from application.accounts.passwords import verify_password
from application.accounts.records import Account, AccountRecords
from application.accounts.tables import accounts, recovery_codes
from application.roles import acting
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)

RECOVERY_CODES = 10
ISSUER = "Dialogue GCM LAC"
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class Enrolment:
    """What a person needs to add the account to an authenticator app."""

    secret: str
    uri: str


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_code() -> str:
    """16 characters (80 bits) in groups of four, e.g. ``k3mz-8q2r-…``."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


class SecondFactor(AccountRecords):
    """TOTP enrolment and checks (a part of :class:`application.accounts.Accounts`)."""

    demo_mode: bool = False

    def second_factor_required(self, account: Account) -> bool:
        """Whether the account must use a second factor: it holds a granted role or acts as
        the secretariat through a seat in term today (demo accounts in demo mode never)."""
        if account.demo and self.demo_mode:
            return False
        roles = self.app.roles_of_account(account.id, account.participant_id)
        return roles.holds_power

    def _secret(self, account_id: str) -> tuple[str | None, int | None]:
        with self.engine.connect() as c:
            row = c.execute(select(accounts.c.key_owner, accounts.c.totp_sealed, accounts.c.totp_last_step).where(accounts.c.id == account_id)).first()
        if row is None:
            return None, None
        return unseal(self.keys.get(row.key_owner), row.totp_sealed, f"account-totp:{account_id}"), row.totp_last_step

    def begin_enrolment(self, account_id: str) -> Enrolment:
        """A new TOTP secret, kept unconfirmed until :meth:`confirm_enrolment` (the same
        pending secret is given again until then).

        Raises:
            InvalidTransitionError: ``second_factor_enabled``.
        """
        account = self.require(account_id)
        if account.second_factor:
            raise InvalidTransitionError("The second factor is already on.", code="second_factor_enabled")
        secret, _ = self._secret(account.id)
        if secret is None:
            secret = pyotp.random_base32()
            with self.engine.begin() as c:
                owner = c.execute(select(accounts.c.key_owner).where(accounts.c.id == account.id)).scalar_one()
                key = self.keys.get_in(c, owner)
                assert key is not None
                c.execute(update(accounts).where(accounts.c.id == account.id).values(
                    totp_sealed=seal(key, secret, f"account-totp:{account.id}"), totp_last_step=None))
        uri = pyotp.TOTP(secret).provisioning_uri(name=account.email or account.id, issuer_name=ISSUER)
        return Enrolment(secret=secret, uri=uri)

    def confirm_enrolment(self, account_id: str, code: str) -> list[str]:
        """Turn the second factor on with a first code from the app; returns the recovery
        codes (shown once).

        Raises:
            InvalidTransitionError: ``second_factor_enabled``, ``no_enrolment``.
            InvalidInputError: ``wrong_code``.
        """
        account = self.require(account_id)
        if account.second_factor:
            raise InvalidTransitionError("The second factor is already on.", code="second_factor_enabled")
        secret, _ = self._secret(account.id)
        if secret is None:
            raise InvalidTransitionError("Start the enrolment first.", code="no_enrolment")
        step = self._matching_step(secret, code, None)
        if step is None:
            raise InvalidInputError("This code is not right; check the time on your phone and try the next code.", code="wrong_code", field="code")
        codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
        with self.engine.begin() as c:
            c.execute(update(accounts).where(accounts.c.id == account.id).values(totp_confirmed_at=self.now(), totp_last_step=step))
            self._store_recovery(c, account.id, codes)
            self.log.record("second_factor_enabled", account.id, connection=c)
        return codes

    def _store_recovery(self, c: Connection, account_id: str, codes: list[str]) -> None:
        c.execute(delete(recovery_codes).where(recovery_codes.c.account_id == account_id))
        c.execute(insert(recovery_codes), [
            {"account_id": account_id, "code_hash": sha256_hex(_normalise_recovery(k))} for k in codes])

    def _matching_step(self, secret: str, code: str, last_step: int | None) -> int | None:
        digits = "".join(ch for ch in code if not ch.isspace())
        if not digits.isdigit() or len(digits) != 6:
            return None
        totp = pyotp.TOTP(secret)
        now = self.now()
        for offset in (0, -1, 1):  # one step of clock drift either way
            at = now.timestamp() + offset * totp.interval
            if hmac.compare_digest(totp.at(at), digits):
                step = int(totp.timecode(now)) + offset
                if last_step is not None and step <= last_step:
                    return None  # this code (or an older one) was already used
                return step
        return None

    def check_second_factor(self, account_id: str, code: str) -> bool:
        """Whether ``code`` is a current TOTP code not used before, or an unused recovery
        code (which is then used up). Logs a recovery code's use."""
        secret, last_step = self._secret(account_id)
        if secret is None:
            return False
        step = self._matching_step(secret, code, last_step)
        if step is not None:
            with self.engine.begin() as c:
                done = c.execute(update(accounts).where(
                    (accounts.c.id == account_id) & ((accounts.c.totp_last_step.is_(None)) | (accounts.c.totp_last_step < step))
                ).values(totp_last_step=step))
            return done.rowcount == 1
        digest = sha256_hex(_normalise_recovery(code))
        with self.engine.begin() as c:
            used = c.execute(update(recovery_codes).where(
                (recovery_codes.c.account_id == account_id) & (recovery_codes.c.code_hash == digest) & recovery_codes.c.used_at.is_(None)
            ).values(used_at=self.now()))
            if used.rowcount == 1:
                self.log.record("recovery_code_used", account_id, connection=c)
                return True
        return False

    def recovery_codes_left(self, account_id: str) -> int:
        with self.engine.connect() as c:
            rows = c.execute(select(recovery_codes.c.code_hash).where(
                (recovery_codes.c.account_id == account_id) & recovery_codes.c.used_at.is_(None))).all()
        return len(rows)

    def renew_recovery_codes(self, account_id: str, password: str) -> list[str]:
        """New recovery codes (the old ones stop working); needs the password.

        Raises:
            NotAllowedError: ``wrong_password``.  InvalidTransitionError: ``second_factor_off``.
        """
        account = self._confirm_password(account_id, password)
        if not account.second_factor:
            raise InvalidTransitionError("The second factor is off.", code="second_factor_off")
        codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
        with self.engine.begin() as c:
            self._store_recovery(c, account.id, codes)
            self.log.record("recovery_codes_renewed", account.id, connection=c)
        return codes

    def disable_second_factor(self, account_id: str, password: str) -> None:
        """Turn the second factor off (only where it is not required); needs the password.

        Raises:
            NotAllowedError: ``wrong_password``.  RuleViolationError: ``second_factor_required``.
            InvalidTransitionError: ``second_factor_off``.
        """
        account = self._confirm_password(account_id, password)
        if not account.second_factor:
            raise InvalidTransitionError("The second factor is off.", code="second_factor_off")
        if self.second_factor_required(account):
            raise RuleViolationError("Accounts of the secretariat, auditors and administrators keep their second factor.", code="second_factor_required")
        with self.engine.begin() as c:
            c.execute(update(accounts).where(accounts.c.id == account.id).values(totp_sealed=None, totp_confirmed_at=None, totp_last_step=None))
            c.execute(delete(recovery_codes).where(recovery_codes.c.account_id == account.id))
            self.log.record("second_factor_disabled", account.id, connection=c)

    def reset_second_factor(self, account_id: str) -> None:
        """Remove an account's second factor (its holder lost their phone and their recovery
        codes): the command line's ``dialogue users reset-second-factor``; an account that
        must use one enrols again at its next sign-in.

        Raises:
            NotFoundError: ``unknown_account``.  NotAllowedError: ``administrator_only`` (a
            bound identity that is not an administrator).
        """
        identity = acting()
        if identity is not None and not self.app.roles_of(identity).is_administrator:
            raise NotAllowedError("Only an administrator can do this.", code="administrator_only")
        account = self.require(account_id)
        with self.engine.begin() as c:
            c.execute(update(accounts).where(accounts.c.id == account.id).values(totp_sealed=None, totp_confirmed_at=None, totp_last_step=None))
            c.execute(delete(recovery_codes).where(recovery_codes.c.account_id == account.id))
            self.log.record("second_factor_disabled", account.id, "reset by an administrator", connection=c)

    def _confirm_password(self, account_id: str, password: str) -> Account:
        account = self.require(account_id)
        with self.engine.connect() as c:
            stored = c.execute(select(accounts.c.password_hash).where(accounts.c.id == account.id)).scalar()
        if not verify_password(stored, password):
            raise NotAllowedError("The password is not right.", code="wrong_password", field="password")
        return account
