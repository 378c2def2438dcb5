"""Personal access tokens for the JSON API (issue 13, "Authentication").

A person creates a token for a script: a name, a scope (``read``: the API's reads, with the
person's own access; ``write``: also the commands the person may run) and an expiry (1 to
365 days, 90 by default). The token is shown once, when it is created: the service keeps
only its SHA-256 (the token is 256 random bits, so a plain digest cannot be reversed; a
stolen table opens nothing). Its owner revokes it at any time, on the account page or with
``dialogue users token revoke``; a revoked or expired token is worth nothing, and an
account deleted (or erased with its key) takes its tokens with it (``ON DELETE CASCADE``).

A token acts as its owner: the application decides what it may do for that account's
roles on the day, exactly as for the forms.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update

from application.accounts.common import aware, sha256_hex
from application.accounts.security_log import SecurityLog
from application.accounts.tables import api_tokens
from domain.errors import InvalidInputError, NotFoundError
from projections.reads import read_one_statement

READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)
PREFIX = "dlg_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME = 100
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class TokenInfo:
    """A token as its owner sees it (never the secret): ``id``, ``name``, ``scope``, when it
    was created, expires, was last used and revoked (UTC instants)."""

    id: str
    account_id: str
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


def _info(r: Any) -> TokenInfo:
    return TokenInfo(
        id=r.id, account_id=r.account_id, name=r.name, scope=r.scope, created_at=aware(r.created_at),
        expires_at=aware(r.expires_at), last_used_at=aware(r.last_used_at) if r.last_used_at else None,
        revoked_at=aware(r.revoked_at) if r.revoked_at else None,
    )


def token_problems(name: str, scope: str, days: int | None) -> list[InvalidInputError]:
    """Every problem of a token's request at once (``field`` and ``code`` set)."""
    problems = []
    if not (name or "").strip():
        problems.append(InvalidInputError("A token needs a name.", code="empty_text", field="name"))
    elif len(name.strip()) > MAX_NAME:
        problems.append(InvalidInputError(f"A token's name has at most {MAX_NAME} characters.", code="text_too_long", field="name", limit=MAX_NAME))
    if scope not in SCOPES:
        problems.append(InvalidInputError("A token's scope is read or write.", code="unknown_scope", field="scope"))
    if days is not None and not 1 <= days <= MAX_DAYS:
        problems.append(InvalidInputError(f"A token lasts 1 to {MAX_DAYS} days.", code="bad_token_expiry", field="days"))
    return problems


class Tokens:
    """Personal access tokens (a part of :class:`application.accounts.Accounts`)."""

    engine: Engine
    log: SecurityLog
    now: Callable[[], datetime]

    def create_token(self, account_id: str, name: str, scope: str, days: int | None = DEFAULT_DAYS, *, by: str | None = None) -> tuple[TokenInfo, str]:
        """A new token of ``account_id``; returns ``(its information, the secret)``: the
        secret is never stored nor shown again.

        Raises:
            InvalidInputError: ``empty_text``, ``text_too_long`` (name), ``unknown_scope``,
                ``bad_token_expiry`` (days outside 1–365): the first of :func:`token_problems`.
        """
        problems = token_problems(name, scope, days)
        if problems:
            raise problems[0]
        secret = PREFIX + secrets.token_urlsafe(32)
        now = self.now()
        token_id = str(uuid.uuid4())
        values: dict[str, Any] = {
            "id": token_id, "account_id": account_id, "name": name.strip(), "scope": scope,
            "created_at": now, "expires_at": now + timedelta(days=days or DEFAULT_DAYS),
        }
        with self.engine.begin() as c:
            c.execute(insert(api_tokens).values(token_hash=sha256_hex(secret), **values))
            self.log.record("token_created", account_id, f"{token_id} {scope}", by=by, connection=c)
        return TokenInfo(**values, last_used_at=None, revoked_at=None), secret

    def tokens(self, account_id: str) -> list[TokenInfo]:
        """The account's tokens, live and past, newest first."""
        with self.engine.connect() as c:
            rows = c.execute(select(api_tokens).where(api_tokens.c.account_id == account_id).order_by(api_tokens.c.created_at.desc())).all()
        return [_info(r) for r in rows]

    def token_account(self, secret: str) -> TokenInfo | None:
        """The live token of ``secret`` (its last use noted), or None: unknown, revoked or expired."""
        if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
            return None
        digest = sha256_hex(secret)
        # One statement without a transaction, made again on a connection found closed (every
        # request with a token reads it: :func:`projections.reads.read_one_statement`).
        row = read_one_statement(self.engine, lambda c: c.execute(select(api_tokens).where(api_tokens.c.token_hash == digest)).first())
        if row is None:
            return None
        info = _info(row)
        now = self.now()
        if not info.live(now):
            return None
        if info.last_used_at is None or info.last_used_at + TOUCH_EVERY < now:
            with self.engine.begin() as c:
                c.execute(update(api_tokens).where(api_tokens.c.id == info.id).values(last_used_at=now))
        return info

    def revoke_token(self, account_id: str, token_id: str, *, by: str | None = None) -> TokenInfo:
        """Revoke one of the account's tokens (at once, for good); returns it.

        Raises:
            NotFoundError: ``not_found`` when the account has no such live token.
        """
        with self.engine.begin() as c:
            r = c.execute(update(api_tokens).where(
                (api_tokens.c.id == token_id) & (api_tokens.c.account_id == account_id) & api_tokens.c.revoked_at.is_(None)
            ).values(revoked_at=self.now()))
            if not r.rowcount:
                raise NotFoundError("This account has no such live token.", field="token")
            self.log.record("token_revoked", account_id, token_id, by=by, connection=c)
            row = c.execute(select(api_tokens).where(api_tokens.c.id == token_id)).one()
        return _info(row)
