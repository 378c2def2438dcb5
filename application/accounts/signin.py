"""Signing in and the server-side sign-in sessions.

A sign-in checks the password (argon2id), then the second factor when the account has one
(or enrols it when the account must have one), then starts a session: a random token for the
browser's cookie, and a row holding the token's SHA-256, its account, when it started and was
last seen, and a short description of the device. Every request reads the row, so ending it
(sign-out, a password change, "end my other sessions") makes an old cookie worth nothing.

Failed attempts are counted per typed address and per network address
(:mod:`application.accounts.throttle`); a refusal never tells whether the address has an
account: an unknown address, a wrong password and an account without a password yet all
answer ``refused``, after the same argon2 work.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update

from application.accounts.common import aware, keyed_digest, sha256_hex
from application.accounts.passwords import hash_password, needs_rehash, verify_password
from application.accounts.second_factor import SecondFactor
from application.accounts.tables import accounts, sign_ins
from application.accounts.throttle import ADDRESS_POLICY, EMAIL_POLICY, Subject, Throttle
from domain.errors import InvalidInputError, NotAllowedError
from projections.reads import read_one_statement

IDLE_TIMEOUT = timedelta(days=14)
LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=5)
SIGNED_IN, SECOND_FACTOR, ENROL, REFUSED, THROTTLED = "signed_in", "second_factor", "enrol_second_factor", "refused", "throttled"


@dataclass(frozen=True)
class Attempt:
    """The outcome of one step of signing in.

    ``outcome``: ``signed_in`` (``token`` is the new session's), ``second_factor`` (ask for
    a code), ``enrol_second_factor`` (the account must enrol first), ``refused`` (say only
    that the address or password is not right), ``throttled`` (``retry_after`` seconds).
    """

    outcome: str
    account_id: str | None = None
    token: str | None = None
    retry_after: int = 0


@dataclass(frozen=True)
class SessionInfo:
    """A sign-in session as its holder sees it (``id`` is the row's digest)."""

    id: str
    created_at: Any
    last_seen_at: Any
    device: str


class SignIn(SecondFactor):
    """Signing in and sessions (a part of :class:`application.accounts.Accounts`)."""

    throttle: Throttle

    def _subjects(self, email: str, address: str) -> list[Subject]:
        try:
            who = self.email_index(email)
        except InvalidInputError:
            who = keyed_digest(self.keys.derive("typed-address"), email.strip().casefold())
        return [Subject(f"email:{who}", EMAIL_POLICY), self._address_subject(address)]

    def _address_subject(self, address: str) -> Subject:
        return Subject(f"ip:{keyed_digest(self.keys.derive('network-address'), address)}", ADDRESS_POLICY)

    def forget_failures(self, email: str) -> None:
        """Delete the failed sign-in count kept under ``email``'s blind index (erasure)."""
        self.throttle.clear(Subject(f"email:{self.email_index(email)}", EMAIL_POLICY))

    def sign_in(self, email: str, password: str, *, address: str, device: str = "") -> Attempt:
        """The first step: address and password, from network ``address``."""
        subjects = self._subjects(email, address)
        wait = self.throttle.wait_seconds(subjects)
        if wait:
            self.log.record("sign_in_throttled")
            return Attempt(THROTTLED, retry_after=wait)
        account = self.find(email)
        with self.engine.connect() as c:
            stored = c.execute(select(accounts.c.password_hash).where(accounts.c.id == account.id)).scalar() if account else None
        if account is None or not verify_password(stored, password):
            self.throttle.failed(subjects)
            self.log.record("sign_in_failed", account.id if account else None, "password")
            return Attempt(REFUSED)
        self.throttle.clear(subjects[0])
        if stored is not None and needs_rehash(stored):
            with self.engine.begin() as c:
                c.execute(update(accounts).where(accounts.c.id == account.id).values(password_hash=hash_password(password)))
        if account.second_factor:
            return Attempt(SECOND_FACTOR, account.id)
        if self.second_factor_required(account):
            return Attempt(ENROL, account.id)
        return Attempt(SIGNED_IN, account.id, self.start_session(account.id, device))

    def second_step(self, account_id: str, code: str, *, address: str, device: str = "") -> Attempt:
        """The second step: a TOTP or recovery code for an account that passed the first."""
        subjects = [Subject(f"second-factor:{account_id}", EMAIL_POLICY), self._address_subject(address)]
        wait = self.throttle.wait_seconds(subjects)
        if wait:
            self.log.record("sign_in_throttled", account_id)
            return Attempt(THROTTLED, account_id, retry_after=wait)
        if not self.check_second_factor(account_id, code):
            self.throttle.failed(subjects)
            self.log.record("second_factor_failed", account_id)
            return Attempt(REFUSED, account_id)
        self.throttle.clear(subjects[0])
        return Attempt(SIGNED_IN, account_id, self.start_session(account_id, device))

    def finish_enrolment(self, account_id: str, code: str, *, device: str = "") -> tuple[list[str], str]:
        """Confirm the enrolment made during sign-in and start the session; returns
        ``(recovery codes, session token)``.

        Raises:
            InvalidInputError: ``wrong_code``.  InvalidTransitionError: ``no_enrolment``.
        """
        codes = self.confirm_enrolment(account_id, code)
        return codes, self.start_session(account_id, device)

    def demo_switch(self, account_id: str, *, device: str = "") -> str:
        """Demo mode only: start a session for a demo account without its password (the
        demo banner's one-click switch); returns the token.

        Raises:
            NotAllowedError: ``not_a_demo_account`` (demo mode off, or not a demo account).
        """
        account = self.get(account_id)
        if not self.demo_mode or account is None or not account.demo:
            raise NotAllowedError("Only demo accounts are switched to, in demo mode.", code="not_a_demo_account")
        return self.start_session(account.id, device)

    # ------------------------------------------------------------------ sessions
    def start_session(self, account_id: str, device: str = "") -> str:
        """A new session row; returns the token for the cookie (never stored)."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self.engine.begin() as c:
            c.execute(insert(sign_ins).values(
                token_hash=sha256_hex(token), account_id=account_id, created_at=now, last_seen_at=now, device=device[:120]))
            self.log.record("sign_in", account_id, connection=c)
        return token

    def session_account(self, token: str) -> tuple[str, str] | None:
        """``(account id, session id)`` of a live session token, or None (unknown, ended,
        idle for :data:`IDLE_TIMEOUT`, or older than :data:`LIFETIME`)."""
        if not token:
            return None
        digest = sha256_hex(token)
        # One statement without a transaction, made again on a connection found closed (every
        # signed-in request reads it: :func:`projections.reads.read_one_statement`).
        row = read_one_statement(self.engine, lambda c: c.execute(select(sign_ins).where(sign_ins.c.token_hash == digest)).first())
        now = self.now()
        if row is None or row.ended_at is not None:
            return None
        if aware(row.last_seen_at) + IDLE_TIMEOUT < now or aware(row.created_at) + LIFETIME < now:
            self._end(digest, "expired")
            return None
        if aware(row.last_seen_at) + TOUCH_EVERY < now:
            with self.engine.begin() as c:
                c.execute(update(sign_ins).where(sign_ins.c.token_hash == digest).values(last_seen_at=now))
        return str(row.account_id), digest

    def end_session(self, token: str, why: str = "signed_out") -> None:
        """End the session of ``token`` (sign-out)."""
        found = self.session_account(token)
        if found is not None:
            self._end(found[1], why)
            self.log.record("sign_out", found[0])

    def _end(self, digest: str, why: str) -> int:
        with self.engine.begin() as c:
            r = c.execute(update(sign_ins).where((sign_ins.c.token_hash == digest) & sign_ins.c.ended_at.is_(None)).values(
                ended_at=self.now(), ended_why=why))
        return int(r.rowcount or 0)

    def sessions(self, account_id: str) -> list[SessionInfo]:
        """The account's live sessions, most recently seen first."""
        now = self.now()
        with self.engine.connect() as c:
            rows = c.execute(select(sign_ins).where((sign_ins.c.account_id == account_id) & sign_ins.c.ended_at.is_(None))
                             .order_by(sign_ins.c.last_seen_at.desc())).all()
        return [
            SessionInfo(id=r.token_hash, created_at=aware(r.created_at), last_seen_at=aware(r.last_seen_at), device=r.device)
            for r in rows if aware(r.last_seen_at) + IDLE_TIMEOUT >= now and aware(r.created_at) + LIFETIME >= now
        ]

    def end_session_of(self, account_id: str, session_id: str) -> bool:
        """End one of the account's own sessions (from the list); False when not theirs or over."""
        with self.engine.begin() as c:
            r = c.execute(update(sign_ins).where(
                (sign_ins.c.token_hash == session_id) & (sign_ins.c.account_id == account_id) & sign_ins.c.ended_at.is_(None)
            ).values(ended_at=self.now(), ended_why="ended_by_holder"))
            if r.rowcount:
                self.log.record("session_ended", account_id, connection=c)
        return bool(r.rowcount)

    def end_other_sessions(self, account_id: str, keep_session_id: str) -> int:
        """End every session of the account but ``keep_session_id``; returns how many."""
        with self.engine.begin() as c:
            r = c.execute(update(sign_ins).where(
                (sign_ins.c.account_id == account_id) & (sign_ins.c.token_hash != keep_session_id) & sign_ins.c.ended_at.is_(None)
            ).values(ended_at=self.now(), ended_why="ended_by_holder"))
            if r.rowcount:
                self.log.record("session_ended", account_id, f"{r.rowcount} other(s)", connection=c)
        return int(r.rowcount or 0)
