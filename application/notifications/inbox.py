"""Notifications in the service (issue 18, "In the service"): each account's notifications,
their seen state, and its preferences per kind (immediate, daily, weekly, none).

The kinds (what notifies whom) are :mod:`application.notifications.kinds`. An account's
notifications are found, not pushed: :meth:`Notifications.refresh` reads the log's events
of the kinds' topics after the account's cursor (``dialogue_notification_cursors``, set
to the log's end when the account is created: what came before is history, not news),
keeps those that concern the person's roles today (never their own acts), adds the kinds
that come from the date (positions due, a vote's reminder, rounds past their date), and
stores each once (``dialogue_notifications``, unique per account and key). Every row
cascades with its account: an erasure deletes them with it. A person without an account
has none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from application.notifications.kinds import (
    BY_NAME,
    BY_TOPIC,
    FREQUENCIES,
    KINDS,
    TOPICS,
    kinds_for,
)
from application.persistence import notifications as log_notifications
from application.roles import Roles
from application.tables import (
    notification_cursors,
    notification_mails,
    notification_preferences,
    notifications_table,
)
from application.waiting import what_waits_for
from domain.errors import InvalidInputError

if TYPE_CHECKING:
    from application.accounts import Account, Accounts
    from application.service import DialogueApplication

class Notifications:
    """One account's notifications and preferences (``views``: the read models' engine)."""

    def __init__(self, app: DialogueApplication, views: Engine, accounts: Accounts, *, now: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self.views = views
        self.accounts = accounts
        self.engine = accounts.engine
        self.now = now or (lambda: datetime.now(UTC))

    def roles(self, account: Account, on: date) -> Roles:
        return self.app.roles_of_account(account.id, account.participant_id, on)

    # ------------------------------------------------------------------ finding them
    def refresh(self, account: Account, today: date | None = None, *, roles: Roles | None = None, derived: bool = True) -> int:
        """Store the account's new notifications up to the log's end and ``today``; returns
        how many were added. ``derived=False`` reads only the events (the navigation's count)."""
        on = today or self.app.clock.today()
        roles = roles or self.roles(account, on)
        found: list[tuple[str, str, date, dict[str, Any]]] = []
        with self.engine.connect() as c:
            cursor = c.execute(select(notification_cursors.c.position).where(notification_cursors.c.account_id == account.id)).scalar()
        # An account created by this release has a cursor from its creation on
        # (application/notifications/cursors.py); one created before it has none until its
        # first refresh, which skips the events recorded before the account was created.
        since = account.created_at if cursor is None else None
        last = cursor
        for n in log_notifications(self.app.recorder, TOPICS, after=cursor):
            last = n.id
            kind = BY_TOPIC[n.topic]
            e: Any = self.app.mapper.to_domain_event(n)
            if since is not None and e.timestamp < since:
                continue  # history, not news: recorded before the account existed
            if roles.participant_id is not None and getattr(e, "actor", None) == roles.participant_id:
                continue  # nobody is told of their own act
            facts = kind.facts(e, self.views) if kind.facts else None
            if facts is not None and kind.concerns(facts, roles):
                found.append((f"{kind.name}:{n.id}", kind.name, getattr(e, "effective_date", on), facts))
        if derived:
            waiting = what_waits_for(roles, self.views, on, barred=self.app.barred_from_standing)
            for kind in KINDS:
                if kind.derived is not None:  # the waiting list is already the person's
                    found += [(f"{kind.name}:{key}", kind.name, dated, facts) for key, dated, facts in kind.derived(waiting, on)]
        return self._store(account.id, found, last if last != cursor else None)

    def _store(self, account_id: str, found: list[tuple[str, str, date, dict[str, Any]]], position: int | None) -> int:
        """Insert the rows not stored yet and move the cursor, in one transaction (a
        concurrent refresh that stored them first makes this one a no-op)."""
        if not found and position is None:
            return 0  # nothing new: no write transaction (the navigation asks on every page)
        try:
            with self.engine.begin() as c:
                have = set(c.execute(select(notifications_table.c.key).where(notifications_table.c.account_id == account_id)).scalars())
                new = {key: (kind, dated, facts) for key, kind, dated, facts in found if key not in have}
                for key, (kind, dated, facts) in new.items():
                    c.execute(insert(notifications_table).values(account_id=account_id, key=key, kind=kind, dated=dated, details=facts))
                if position is not None:
                    moved = c.execute(update(notification_cursors).where(notification_cursors.c.account_id == account_id).values(position=position))
                    if moved.rowcount == 0:
                        c.execute(insert(notification_cursors).values(account_id=account_id, position=position))
                return len(new)
        except IntegrityError:
            return 0

    # ------------------------------------------------------------------ reading and seeing them
    def of(self, account_id: str, *, limit: int = 100) -> list[dict[str, Any]]:
        """The account's notifications, the latest first: ``id, key, kind, dated, details,
        seen_at, mailed_in``."""
        t = notifications_table
        q = select(t).where(t.c.account_id == account_id).order_by(t.c.dated.desc(), t.c.id.desc()).limit(limit)
        with self.engine.connect() as c:
            return [dict(r) for r in c.execute(q).mappings()]

    def unseen(self, account_id: str) -> int:
        t = notifications_table
        with self.engine.connect() as c:
            return int(c.execute(select(func.count()).select_from(t).where(t.c.account_id == account_id, t.c.seen_at.is_(None))).scalar_one())

    def mark_seen(self, account_id: str, ids: Iterable[int] | None = None) -> int:
        """Mark the account's notifications ``ids`` (all of them when None) as seen; returns
        how many changed (another account's ids change nothing)."""
        t = notifications_table
        where = [t.c.account_id == account_id, t.c.seen_at.is_(None)]
        if ids is not None:
            where.append(t.c.id.in_(list(ids)))
        with self.engine.begin() as c:
            return int(c.execute(update(t).where(*where).values(seen_at=self.now())).rowcount)

    def export(self, account_id: str) -> dict[str, Any]:
        """Everything kept about the account's notifications (the right of access): its
        notifications, the preferences it chose and the mails sent."""
        p, m = notification_preferences, notification_mails
        with self.engine.connect() as c:
            chosen = dict(c.execute(select(p.c.kind, p.c.frequency).where(p.c.account_id == account_id)).tuples().all())
            mails = [dict(r) for r in c.execute(select(m.c.period, m.c.sent_at, m.c.count).where(m.c.account_id == account_id).order_by(m.c.sent_at)).mappings()]
        items = [{k: r[k] for k in ("kind", "dated", "details", "seen_at", "mailed_in")} for r in self.of(account_id, limit=100_000)]
        return {"preferences": chosen, "notifications": items, "mails": mails}

    # ------------------------------------------------------------------ preferences
    def preferences(self, account_id: str, roles: Roles) -> dict[str, str]:
        """Each kind the person may be told of, with its frequency (the default when unset)."""
        p = notification_preferences
        with self.engine.connect() as c:
            chosen = dict(c.execute(select(p.c.kind, p.c.frequency).where(p.c.account_id == account_id)).tuples().all())
        return {k.name: chosen.get(k.name, k.default) for k in kinds_for(roles)}

    def set_preferences(self, account_id: str, choices: dict[str, str]) -> None:
        """Store the frequency of each kind in ``choices``; all or nothing.

        Raises:
            InvalidInputError: ``unknown_notification_kind``, ``unknown_frequency`` (nothing changes).
        """
        for kind, frequency in choices.items():
            if kind not in BY_NAME:
                raise InvalidInputError("No such kind of notification.", code="unknown_notification_kind", field=kind)
            if frequency not in FREQUENCIES:
                raise InvalidInputError("Choose immediate, daily, weekly or none.", code="unknown_frequency", field=kind)
        p = notification_preferences
        with self.engine.begin() as c:
            for kind, frequency in choices.items():
                moved = c.execute(update(p).where(p.c.account_id == account_id, p.c.kind == kind).values(frequency=frequency))
                if moved.rowcount == 0:
                    c.execute(insert(p).values(account_id=account_id, kind=kind, frequency=frequency))
