"""The tracking recorder of the read models: the library's, with a lock.

The library's ``SQLAlchemyTrackingRecorder`` checks and then updates its tracking row without
a lock, so two workers running one projection both applied one event on PostgreSQL. Here
the row is locked first (on PostgreSQL an advisory transaction lock per projection, which
also covers the row's first insert, then ``SELECT … FOR UPDATE``; on SQLite a no-op
UPDATE takes the database's write lock) and a position at or below the current one is refused
with the library's ``IntegrityError``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session


def _advisory_key(table: str, name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` (tracking table, projection)."""
    return int.from_bytes(hashlib.sha256(f"{table}:{name}".encode()).digest()[:8], "big", signed=True)


class LockingTrackingRecorder(SQLAlchemyTrackingRecorder):
    """``SQLAlchemyTrackingRecorder`` whose check-then-update holds a row lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._built: dict[tuple[str, ...], dict[str, Any]] = {}

    def lock(self, session: Session, name: str) -> int:
        """Lock the tracking row of ``name`` for this transaction; return its position (0 if none)."""
        t = self.tracking_table
        if session.get_bind().dialect.name == "sqlite":
            session.execute(t.update().where(t.c.application_name == name).values(notification_id=t.c.notification_id))
            current = session.execute(select(t.c.notification_id).where(t.c.application_name == name)).first()
        else:
            # A row lock cannot cover the row's very first insert (two workers both found
            # no row, both applied position 1, the second's UPDATE then met the first's
            # committed row): a transaction-level advisory lock per name serialises that too.
            session.execute(select(func.pg_advisory_xact_lock(_advisory_key(t.name, name))))
            current = session.execute(select(t.c.notification_id).where(t.c.application_name == name).with_for_update()).first()
        return 0 if current is None or current[0] is None else int(current[0])

    def lock_many(self, session: Session, names: list[str]) -> dict[str, int]:
        """:meth:`lock` of several rows in a few statements whatever their number (in name
        order, so two workers never wait on each other); their positions (0 if none)."""
        names = sorted(names)
        if not names:
            return {}
        if session.get_bind().dialect.name == "sqlite":
            found = session.execute(self._statements(names)["touch"])
        else:
            t = self.tracking_table
            session.execute(select(*[func.pg_advisory_xact_lock(_advisory_key(t.name, n)) for n in names]))
            found = session.execute(self._statements(names)["for_update"])
        current = {str(n): int(v or 0) for n, v in found}
        return {n: current.get(n, 0) for n in names}

    def lock_present(self, session: Session, names: list[str]) -> dict[str, int] | None:
        """:meth:`lock_many` in one statement when every row of ``names`` exists (the inline
        views of a command; their positions), None when one is missing (its first insert
        needs :meth:`lock_many`'s advisory lock: the caller leaves the batch to it). On
        PostgreSQL the row locks alone: this caller never waits on an advisory lock, so it
        cannot close a cycle with a worker that holds one."""
        names = sorted(names)
        statements = self._statements(names)
        sqlite = session.get_bind().dialect.name == "sqlite"
        found = {str(n): int(v or 0) for n, v in session.execute(statements["touch" if sqlite else "for_update"])}
        return found if len(found) == len(names) else None

    def advance_many(self, session: Session, names: list[str], position: int) -> None:
        """:meth:`advance` of several (locked) rows to one ``position``."""
        t = self.tracking_table
        r = session.execute(self._statements(sorted(names))["advance"], {"position": position})
        if getattr(r, "rowcount", 0) != len(names):
            present = set(session.execute(select(t.c.application_name).where(t.c.application_name.in_(names))).scalars())
            missing = [{"application_name": n, "notification_id": position} for n in names if n not in present]
            if missing:
                session.execute(insert(t), missing)

    def _statements(self, names: list[str]) -> dict[str, Any]:
        """The statements on the rows of ``names`` (sorted), built once per set of names (a
        process meets a few: all projections, one being built)."""
        key = tuple(names)
        built = self._built.get(key)
        if built is None:
            t = self.tracking_table
            rows = t.c.application_name.in_(names)
            built = {
                # SQLite: a no-op UPDATE takes the database's write lock and answers the positions.
                "touch": t.update().where(rows).values(notification_id=t.c.notification_id).returning(t.c.application_name, t.c.notification_id),
                "for_update": select(t.c.application_name, t.c.notification_id).where(rows).order_by(t.c.application_name).with_for_update(),
                "advance": t.update().where(rows).values(notification_id=bindparam("position")),
            }
            self._built[key] = built
        return built

    def advance(self, session: Session, name: str, position: int) -> None:
        """Move the (locked) tracking row of ``name`` to ``position``."""
        t = self.tracking_table
        r = session.execute(t.update().where(t.c.application_name == name).values(notification_id=position))
        if not getattr(r, "rowcount", 0):
            session.execute(insert(t).values(application_name=name, notification_id=position))

    def _insert_tracking(self, session: Session, tracking: Any) -> None:
        name = str(tracking.application_name)
        current = self.lock(session, name)
        exists = session.execute(select(self.tracking_table.c.application_name).where(self.tracking_table.c.application_name == name)).first()
        if exists is not None and tracking.notification_id <= current:
            raise IntegrityError(f"{name} already processed position {tracking.notification_id}")
        self.advance(session, name, tracking.notification_id)
