"""The security log: sign-ins, failures, password and second-factor changes, grants.

A table of its own (``dialogue_security_log``), not the event log: it is about credentials,
not about the mechanism, and it is kept :data:`KEPT_DAYS` days (older rows are deleted as
new ones are written, and by ``dialogue close-due``). Each person sees their own entries;
auditors see them all (issue 10, "Security log"). A row holds an account id, what happened
(:data:`EVENTS`), a short detail without personal data (a role, a reason code) and, for
grants, the account that acted; never an address, a password or a code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from application.accounts.common import aware
from application.accounts.tables import security_log

KEPT_DAYS = 180
EVENTS = (
    "account_created", "invitation_sent", "reset_requested", "password_set", "password_changed",
    "sign_in", "sign_in_failed", "sign_in_throttled", "second_factor_failed", "sign_out", "session_ended",
    "second_factor_enabled", "second_factor_disabled", "recovery_code_used", "recovery_codes_renewed",
    "access_granted", "access_revoked", "erasure_requested", "language_changed", "account_deleted",
    "token_created", "token_revoked",
)


class SecurityLog:
    """Writes and reads ``dialogue_security_log`` (``now`` gives UTC instants)."""

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self.now = now
        self._purged_at: datetime | None = None

    def record(self, event: str, account_id: str | None = None, detail: str = "", by: str | None = None,
               connection: Connection | None = None) -> None:
        """Add an entry (in ``connection``'s transaction when given)."""
        assert event in EVENTS, event
        row = {"at": self.now(), "account_id": account_id, "event": event, "detail": detail[:200], "by_account": by}
        due = self._purged_at is None or self.now() - self._purged_at > timedelta(hours=1)
        if connection is not None:
            connection.execute(insert(security_log).values(**row))
            if due:
                self.purge(connection)
        else:
            with self.engine.begin() as c:
                c.execute(insert(security_log).values(**row))
                if due:
                    self.purge(c)

    def purge(self, connection: Connection | None = None) -> int:
        """Delete entries older than :data:`KEPT_DAYS` days; returns how many."""
        self._purged_at = self.now()
        query = delete(security_log).where(security_log.c.at < self.now() - timedelta(days=KEPT_DAYS))
        if connection is not None:
            return int(connection.execute(query).rowcount or 0)
        with self.engine.begin() as c:
            return int(c.execute(query).rowcount or 0)

    def entries(self, account_id: str | None = None, *, limit: int = 100, before_id: int | None = None) -> list[dict[str, Any]]:
        """Newest first: ``{id, at, account_id, event, detail, by_account}``; one account's
        entries (as actor or subject) when ``account_id`` is given, else everyone's."""
        q = select(security_log).order_by(security_log.c.id.desc()).limit(limit)
        if account_id is not None:
            q = q.where((security_log.c.account_id == account_id) | (security_log.c.by_account == account_id))
        if before_id is not None:
            q = q.where(security_log.c.id < before_id)
        with self.engine.connect() as c:
            return [dict(r._mapping) | {"at": aware(r.at)} for r in c.execute(q)]
