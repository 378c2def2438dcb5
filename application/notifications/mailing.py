"""Notifications by e-mail (issue 18, "By e-mail"): ``dialogue notifications send [--as-of DATE]``.

For every account with an address, on date ``as_of``: its notifications are brought up to
date (:meth:`Notifications.refresh`), and those not mailed yet go out by the frequency the
person chose for their kind:

- ``immediate``: one message per notification dated ``as_of`` or before (period
  ``immediate:<key>``);
- ``daily``: one digest of those dated before ``as_of`` (period ``daily:<the day before>``);
- ``weekly``: one digest of those dated before the week of ``as_of`` (period
  ``weekly:<the ISO week before>``), so a weekly digest goes out on the first run of a week;
- ``none``: never by e-mail (they stay on the page).

A message is in the person's language, plain text and HTML, with ``List-Unsubscribe`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): a signed link that sets the
message's kinds to ``none`` without signing in (:meth:`Unsubscribe.apply`). What was sent is
recorded per account and period (``dialogue_notification_mails``) with the notifications it
carried, in one transaction after the server took the message: a second run sends nothing
twice, and a message the server refused is tried again on the next run, its notifications
kept. A person without an address (erased) or without an account receives nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from application.mail import MailError, Message
from application.notifications.kinds import DAILY, IMMEDIATE, NONE, WEEKLY
from application.tables import notification_mails, notifications_table
from domain.errors import InvalidInputError

if TYPE_CHECKING:
    from application.accounts import Account
    from application.notifications.inbox import Notifications

UNSUBSCRIBE_DAYS = 90
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass
class SendReport:
    """What a run did: ``sent`` (address, period, number of notifications), ``failed``
    (account id, period) and the accounts skipped for want of an address."""

    sent: list[tuple[str, str, int]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    without_address: int = 0


def periods(as_of: date) -> dict[str, tuple[str, date]]:
    """Per frequency, the period a run on ``as_of`` closes and the first day after it."""
    monday = as_of - timedelta(days=as_of.weekday())
    year, week, _ = (monday - timedelta(days=1)).isocalendar()
    return {DAILY: (f"daily:{as_of - timedelta(days=1)}", as_of), WEEKLY: (f"weekly:{year}-W{week:02d}", monday)}


class Unsubscribe:
    """The signed one-click unsubscribe tokens of one service (a key derived from the master key)."""

    def __init__(self, notifications: Notifications) -> None:
        self.n = notifications

    def _serializer(self) -> URLSafeTimedSerializer:
        now = self.n.now

        class Signer(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(now().timestamp())

        return URLSafeTimedSerializer(self.n.accounts.keys.derive("notification-unsubscribe"), salt="dialogue-unsubscribe", signer=Signer)

    def token(self, account_id: str, kinds: list[str]) -> str:
        return self._serializer().dumps({"a": account_id, "k": sorted(set(kinds))})

    def url(self, token: str) -> str:
        return f"{self.n.accounts.public_url.rstrip('/')}/notifications/unsubscribe/{token}"

    def read(self, token: str) -> tuple[str, list[str]]:
        """``(account id, kinds)`` of a valid token.

        Raises:
            InvalidInputError: ``unsubscribe_link_invalid`` (tampered, expired, or its account is gone).
        """
        try:
            found: Any = self._serializer().loads(token, max_age=UNSUBSCRIBE_DAYS * 86400)
            account_id, kinds = str(found["a"]), [str(k) for k in found["k"]]
        except (BadSignature, SignatureExpired, KeyError, TypeError) as e:
            raise InvalidInputError("This unsubscribe link is not valid.", code="unsubscribe_link_invalid") from e
        if self.n.accounts.get(account_id) is None:
            raise InvalidInputError("This unsubscribe link is not valid.", code="unsubscribe_link_invalid")
        return account_id, kinds

    def apply(self, token: str) -> list[str]:
        """Set the token's kinds to ``none`` for its account; returns them (nothing changes
        on a refused token: see :meth:`read`)."""
        account_id, kinds = self.read(token)
        self.n.set_preferences(account_id, dict.fromkeys(kinds, NONE))
        return kinds


class Mailing:
    """``send`` runs the mail of every account (see the module's docstring)."""

    def __init__(self, notifications: Notifications) -> None:
        self.n = notifications
        self.unsubscribe = Unsubscribe(notifications)

    def send(self, as_of: date | None = None) -> SendReport:
        on = as_of or self.n.app.clock.today()
        report = SendReport()
        for account in self.n.accounts.all():
            if account.email is None:
                report.without_address += 1
                continue
            roles = self.n.roles(account, on)
            self.n.refresh(account, on, roles=roles)
            self._send_account(account, on, self.n.preferences(account.id, roles), report)
        return report

    def _send_account(self, account: Account, on: date, prefs: dict[str, str], report: SendReport) -> None:
        t = notifications_table
        with self.n.engine.connect() as c:
            rows = [dict(r) for r in c.execute(select(t).where(t.c.account_id == account.id, t.c.mailed_in.is_(None), t.c.dated <= on).order_by(t.c.dated, t.c.id)).mappings()]
            done = set(c.execute(select(notification_mails.c.period).where(notification_mails.c.account_id == account.id)).scalars())
        batches: dict[str, list[dict[str, Any]]] = defaultdict(list)
        closes = periods(on)
        for r in rows:
            frequency = prefs.get(r["kind"], NONE)
            if frequency == IMMEDIATE:
                batches[f"immediate:{r['key']}"].append(r)
            elif frequency in closes and r["dated"] < closes[frequency][1]:
                batches[closes[frequency][0]].append(r)
        for period, batch in batches.items():
            if period not in done:
                self._send_batch(account, period, batch, report)

    def _send_batch(self, account: Account, period: str, batch: list[dict[str, Any]], report: SendReport) -> None:
        assert account.email is not None
        kinds = sorted({r["kind"] for r in batch})
        link = self.unsubscribe.url(self.unsubscribe.token(account.id, kinds))
        context = {
            "items": [{"kind": r["kind"], "details": r["details"], "dated": r["dated"]} for r in batch],
            "digest": not period.startswith("immediate:"), "period": period.split(":", 1)[0],
            "public_url": self.n.accounts.public_url.rstrip("/"), "unsubscribe": link,
        }
        subject, text, html = self.n.accounts.composer.compose("notifications", account.language, context)
        message = Message(
            to=account.email, subject=subject, text=text, html=html, language=account.language,
            headers=(("List-Unsubscribe", f"<{link}>"), ("List-Unsubscribe-Post", ONE_CLICK)),
        )
        try:
            self.n.accounts.mailer.send(message)
        except MailError:
            report.failed.append((account.id, period))
            return
        try:
            with self.n.engine.begin() as c:
                c.execute(insert(notification_mails).values(account_id=account.id, period=period, sent_at=self.n.now(), count=len(batch)))
                c.execute(update(notifications_table).where(notifications_table.c.id.in_([r["id"] for r in batch])).values(mailed_in=period))
        except IntegrityError:
            return  # a concurrent run recorded this period first
        report.sent.append((account.email, period, len(batch)))
