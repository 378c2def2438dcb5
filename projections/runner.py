"""Follow the notification log into the read models, exactly once.

:class:`ViewProjector` reads notifications after its tracking position from an
application recorder (``select_notifications``, which works on SQLite and PostgreSQL),
turns them into domain events with the application's mapper (which decrypts personal
fields, or redacts them when the key is gone), applies them to the view tables and moves
its tracking position, all in one transaction on the views database. The tracking row is
locked first, so two workers never apply one event twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from eventsourcing.persistence import Notification
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from projections import handlers_of, view_tables
from projections.tracking import LockingTrackingRecorder

VIEW_NAME = "views"


class NotificationSource(Protocol):
    def select_notifications(
        self, start: int | None, limit: int, stop: int | None = None, topics: Sequence[str] = (), *, inclusive_of_start: bool = True
    ) -> Sequence[Notification]: ...

    def max_notification_id(self) -> int | None: ...


class EventMapper(Protocol):
    def to_domain_event(self, stored_event: Any) -> Any: ...


class ViewProjector:
    """The read models of one views database, following one event store.

    Args:
        source: the application recorder to read notifications from.
        mapper: the application's mapper (decrypts or redacts personal fields).
        engine: the views database (may be the event store's own).
        as_of: when given, events whose effective date is after it are skipped
            (``dialogue audit replay --as-of``).
    """

    def __init__(self, source: NotificationSource, mapper: EventMapper, engine: Engine, *, as_of: date | None = None, create: bool = True) -> None:
        self.source = source
        self.mapper = mapper
        self.engine = engine
        self.as_of = as_of
        self.tracking = LockingTrackingRecorder(
            datastore=SQLAlchemyDatastore(session_maker=sessionmaker(bind=engine)),
            tracking_table_name="view_tracking",
        )
        # The last failure to apply an event (position, error class), None once a batch applies.
        self.failure: tuple[int, str] | None = None
        self.failing_position = 0
        if create:
            self.create_tables()

    def create_tables(self) -> None:
        for t in view_tables():
            t.create(self.engine, checkfirst=True)
        self.tracking.create_table()

    def position(self) -> int:
        """The last notification id applied to the views (0 before any)."""
        return int(self.tracking.max_tracking_id(VIEW_NAME) or 0)

    def lag(self) -> int:
        """How many positions the views are behind the log (an upper bound: ids may have gaps)."""
        return max(0, int(self.source.max_notification_id() or 0) - self.position())

    def catch_up(
        self, *, until: int | None = None, batch: int = 200, progress: Callable[[int], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> int:
        """Apply every notification after the tracking position (up to ``until``).

        Returns the number of notifications processed. Each batch is one transaction;
        ``stop`` is asked after each batch (a worker shutting down finishes its batch).
        """
        done = 0
        while True:
            # Read outside the tracking transaction: the library keeps one transaction per
            # context, which would otherwise read the log through the views' session.
            start = self.position()
            if until is not None and start >= until:
                break
            notes = self.source.select_notifications(start, batch, stop=until, inclusive_of_start=False)
            if not notes:
                break
            try:
                with self.tracking.transaction(commit=True) as session:
                    if self.tracking.lock(session, VIEW_NAME) != start:
                        continue  # another worker moved on meanwhile: read again
                    for n in notes:
                        self.failing_position = n.id
                        self.apply(session, n)
                    self.tracking.advance(session, VIEW_NAME, notes[-1].id)
            except Exception as e:
                self.failure = (self.failing_position, type(e).__name__)
                raise
            self.failure = None
            done += len(notes)
            if progress:
                progress(len(notes))
            if stop is not None and stop():
                break
        return done

    def apply_batch(self, notes: Sequence[Notification]) -> int:
        """Apply notifications received in log order (from a subscription), in one transaction.

        Under the tracking row lock, the notifications at or below the tracking position
        (applied meanwhile by another worker, or delivered twice) are skipped. Returns how
        many were applied; the tracking position ends at the last one applied.
        """
        with self.tracking.transaction(commit=True) as session:
            current = self.tracking.lock(session, VIEW_NAME)
            fresh = [n for n in notes if n.id > current]
            for n in fresh:
                self.apply(session, n)
            if fresh:
                self.tracking.advance(session, VIEW_NAME, fresh[-1].id)
        return len(fresh)

    def apply(self, session: Session, notification: Notification) -> None:
        handlers = handlers_of(notification.topic)
        if not handlers:
            return
        event = self.mapper.to_domain_event(notification)
        if self.as_of is not None and getattr(event, "effective_date", None) and event.effective_date > self.as_of:
            return
        for handler in handlers:
            handler(session, event, notification.id)

    def reset(self) -> None:
        """Empty every view table and the tracking position."""
        with self.engine.begin() as c:
            for t in reversed(view_tables()):
                c.execute(delete(t))
            c.execute(delete(self.tracking.tracking_table).where(self.tracking.tracking_table.c.application_name == VIEW_NAME))

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild every view from zero; returns the number of notifications processed."""
        self.reset()
        return self.catch_up(progress=progress)


def _hashable(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def snapshot_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table, sorted, for comparing two views databases."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as c:
        for t in view_tables():
            rows = [tuple(_hashable(v) for v in r) for r in c.execute(select(t))]
            out[t.name] = sorted(rows, key=repr)
    return out
