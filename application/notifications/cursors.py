"""Where an account's notifications start: a new account's cursor
(``dialogue_notification_cursors``) is set to the log's last position in the transaction
that creates the account, so the events recorded before it are history (on the pages),
not news. :meth:`application.notifications.Notifications.refresh` reads from there on.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, column, func, insert, select, table, update

from application.tables import EVENTS_TABLE, notification_cursors

_events = table(EVENTS_TABLE, column("id"))


def start_at_log_end(connection: Connection, account_id: str) -> None:
    """Set the cursor of the account just created (in ``connection``'s transaction) to the
    log's last position (0 for an empty log)."""
    last = select(func.coalesce(func.max(_events.c.id), 0)).scalar_subquery()
    connection.execute(insert(notification_cursors).values(account_id=account_id, position=last))


def start_at_log_start(connection: Connection, account_ids: Iterable[str]) -> None:
    """Look for these accounts' notifications from the log's first event, as for accounts
    that existed before all of it: the demo's accounts, created after the scenario they
    show, so that a demonstration has news to show."""
    ids = list(account_ids)
    if ids:
        connection.execute(update(notification_cursors).where(notification_cursors.c.account_id.in_(ids)).values(position=0))
