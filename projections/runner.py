"""Follow the notification log into the read models, exactly once.

:class:`ViewProjector` runs every projection of :data:`projections.PROJECTIONS`. Each has a
tracking position of its own (``view_tracking``, one row per projection and version, e.g.
``proposals.v1``), so that a projection of a new version is built from the log while the
others follow it (``docs/architecture.md``, "Upgrades"). In the common case every projection
stands at the same position: one read of the log feeds them all, in one transaction. When some
stand behind, the ones furthest behind catch up first, alone, until they reach the next ones.

A batch reads notifications after the group's position from an application recorder
(``select_notifications``, on SQLite and PostgreSQL), turns them into domain events with the
application's mapper (which decrypts personal fields, or redacts them when the key is gone),
applies them to the view tables of the group (state the handlers keep for the whole batch,
:mod:`projections.batch`, is written at its end) and moves the group's tracking positions, all
in one transaction on the views database. The tracking rows are locked first, so two workers
never apply one event twice.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, Protocol

from eventsourcing.persistence import Notification
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Engine, bindparam, delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import projections as views
from projections import batch as view_batch
from projections.base import Handler, Projection
from projections.reads import read_one_statement
from projections.tracking import LockingTrackingRecorder

# The one tracking row of every view before projections had versions (the releases before
# the per-projection tracking); ``dialogue db upgrade`` replaces it (projections.versions).
VIEW_NAME = "views"
TRACKING_TABLE = "view_tracking"
# A rebuild reads the log in large pages (one transaction each): fewer round trips and
# tracking updates per event than a live catch-up's batches.
REBUILD_BATCH = 5000
# The youngest generation's collection threshold during a pass over the log
# (:func:`long_lived_frozen`), in objects allocated less freed.
PASS_YOUNG_THRESHOLD = 100_000
# PostgreSQL: the sequences of the generated ids of some tables (serial or identity columns).
_SEQUENCES = text(
    "SELECT pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name)"
    " FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN :names"
    " AND (column_default LIKE 'nextval(%' OR is_identity = 'YES') ORDER BY 1",
).bindparams(bindparam("names", expanding=True))


class ViewsFailed(Exception):  # noqa: N818 - a signal to the recorder, not an error shown
    """A view could not apply an event in the events' own transaction (the position is
    its argument): the recorder stores the command again without the views."""


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
        create: create the view tables of the code's versions and the tracking table.
        projections: the projections to run (default: :data:`projections.PROJECTIONS`).
    """

    def __init__(
        self, source: NotificationSource, mapper: EventMapper, engine: Engine, *, as_of: date | None = None, create: bool = True,
        projections: Iterable[Projection] | None = None,
    ) -> None:
        self.source = source
        self.mapper = mapper
        self.engine = engine
        self.as_of = as_of
        self.projections = tuple(projections) if projections is not None else views.PROJECTIONS
        self.tracking = LockingTrackingRecorder(
            datastore=SQLAlchemyDatastore(session_maker=sessionmaker(bind=engine)),
            tracking_table_name=TRACKING_TABLE,
        )
        # The last failure to apply an event (position, error class), None once a batch applies.
        self.failure: tuple[int, str] | None = None
        self.failing_position = 0
        if create:
            self.create_tables()

    def create_tables(self) -> None:
        """The view tables of the code's versions and the tracking table (those missing)."""
        for p in self.projections:
            p.metadata.create_all(self.engine, checkfirst=True)
        self.tracking.create_table()

    # ------------------------------------------------------------------ positions
    def positions(self, projections: Iterable[Projection] | None = None) -> dict[str, int]:
        """Tracking name → the last notification id applied (0 before any), in one query."""
        chosen = tuple(self.projections if projections is None else projections)
        t = self.tracking.tracking_table
        names = [p.tracking_name for p in chosen]
        statement = select(t.c.application_name, t.c.notification_id).where(t.c.application_name.in_(names))
        found = read_one_statement(self.engine, lambda c: {str(n): int(v or 0) for n, v in c.execute(statement)})
        return {name: found.get(name, 0) for name in names}

    def position(self) -> int:
        """The position every view has reached (the lowest of the projections'; 0 before any)."""
        return min(self.positions().values(), default=0)

    def lag(self) -> int:
        """How many positions the views are behind the log (an upper bound: ids may have gaps)."""
        return max(0, int(self.source.max_notification_id() or 0) - self.position())

    # ------------------------------------------------------------------ following the log
    def catch_up(
        self, *, until: int | None = None, batch: int = 200, progress: Callable[[int], None] | None = None,
        stop: Callable[[], bool] | None = None, only: Iterable[Projection] | None = None,
    ) -> int:
        """Apply every notification after the projections' positions (up to ``until``).

        Returns the number of notifications read. Each batch is one transaction for the
        projections furthest behind (all of them, in the common case); ``stop`` is asked
        after each batch (a worker shutting down finishes its batch). ``only`` limits the
        work to some projections (building a new version).
        """
        return self._catch_up(until=until, batch=batch, progress=progress, stop=stop, only=only)[0]

    def reach(self, position: int, timeout: float | None = None) -> bool:
        """Bring every view up to ``position`` (:meth:`catch_up` ``until`` it) and say whether
        they reached it: the positions are read again only when the batches applied here do
        not show it (a request's read-your-writes, :meth:`Services.wait_for_views`).

        With ``timeout``, no batch is begun once that many seconds have passed (the first
        always is): a request that finds a long backlog (a rebuild under way, a worker down
        for a while) applies at most a batch beyond its bound and leaves the rest to the
        worker, instead of replaying the history."""
        deadline = None if timeout is None else time.monotonic() + timeout
        stop = None if deadline is None else (lambda: time.monotonic() >= deadline)
        reached = self._catch_up(until=position, stop=stop)[1]
        return (self.position() if reached is None else reached) >= position

    def _catch_up(
        self, *, until: int | None = None, batch: int = 200, progress: Callable[[int], None] | None = None,
        stop: Callable[[], bool] | None = None, only: Iterable[Projection] | None = None,
    ) -> tuple[int, int | None]:
        """:meth:`catch_up`; also the position every chosen projection is known to stand at
        or beyond when it returns (None when not known without reading it again)."""
        chosen = tuple(self.projections if only is None else only)
        done = 0
        while chosen:
            # Read outside the tracking transaction: the library keeps one transaction per
            # context, which would otherwise read the log through the views' session.
            positions = self.positions(chosen)
            low = min(positions.values())
            if until is not None and low >= until:
                return done, low
            group = tuple(p for p in chosen if positions[p.tracking_name] == low)
            ahead = [v for v in positions.values() if v > low]
            limit = min([*ahead, *([until] if until is not None else [])], default=None)
            notes = self._just_saved(low, until) if not ahead else None
            if notes is None:
                notes = self.source.select_notifications(low, batch, stop=limit, inclusive_of_start=False)
            if not notes:
                break
            try:
                with self.tracking.transaction(commit=True) as session:
                    if self._lock(session, group) != {p.tracking_name: low for p in group}:
                        continue  # another worker moved on meanwhile: read again
                    by_topic = self._handlers(group, {n.topic for n in notes})
                    for n in notes:
                        self.failing_position = n.id
                        self.apply(session, n, group, by_topic)
                    view_batch.flush(session)
                    self.tracking.advance_many(session, [p.tracking_name for p in group], notes[-1].id)
            except Exception as e:
                self.failure = (self.failing_position, type(e).__name__)
                raise
            self.failure = None
            done += len(notes)
            if progress:
                progress(len(notes))
            if until is not None and len(group) == len(chosen) and notes[-1].id >= until:
                # Every chosen projection now stands at the batch's last position (another
                # worker can only move them further): no need to read the positions again.
                return done, notes[-1].id
            if stop is not None and stop():
                break
        return done, None

    def apply_batch(self, notes: Sequence[Notification]) -> int:
        """Apply notifications received in log order (from a subscription), in one transaction.

        Under the tracking rows' locks, each projection skips the notifications at or below
        its position (applied meanwhile by another worker, or delivered twice). Returns how
        many notifications were new to some projection; each position ends at the last one
        it applied.
        """
        with self.tracking.transaction(commit=True) as session:
            current = self._lock(session, self.projections)
            fresh = [n for n in notes if any(n.id > v for v in current.values())]
            for n in fresh:
                self.apply(session, n, tuple(p for p in self.projections if n.id > current[p.tracking_name]))
            view_batch.flush(session)
            # Each projection to the last position it applied: one statement per position
            # (all of them at one, in the common case), not one per projection.
            reached: dict[int, list[str]] = {}
            for p in self.projections:
                mine = [n.id for n in fresh if n.id > current[p.tracking_name]]
                if mine:
                    reached.setdefault(mine[-1], []).append(p.tracking_name)
            for position, names in reached.items():
                self.tracking.advance_many(session, names, position)
        return len(fresh)

    def apply_in_transaction(self, session: Session, notes: Sequence[Notification], last_before: Callable[[Session, int], int]) -> bool:
        """Apply ``notes``, just written in the events' transaction ``session``, to every view
        in that same transaction, when every projection stands at the log's last position
        before them (``last_before(session, position)``, asked only when the positions are
        not contiguous): one commit per command instead of two.

        Projections that stand elsewhere (a version being built, a worker behind) are left
        as they are: returns False having written nothing (the tracking rows stay locked
        until the commit), and :meth:`catch_up` applies the events after it. A view that
        cannot apply an event raises :class:`ViewsFailed` (no savepoint: the events'
        transaction is rolled back with the views, and its recorder stores the command again
        without them, :class:`application.persistence.DialogueRecorder`). Returns whether
        the views were brought up to date here.
        """
        if not notes:
            return True
        names = [p.tracking_name for p in self.projections]
        try:
            locked = self.tracking.lock_present(session, names)
        except DBAPIError as e:  # a lock refused (deadlock, timeout): the command is stored without the views
            self.failure = (notes[0].id, type(e).__name__)
            raise ViewsFailed(notes[0].id) from e
        current = set(locked.values()) if locked is not None else set()
        first = notes[0].id
        position = current.pop() if len(current) == 1 else -1
        if position != first - 1 and (position < 0 or position != last_before(session, first)):
            return False
        try:
            for n in notes:
                self.failing_position = n.id
                self.apply(session, n)
            view_batch.flush(session)
            self.tracking.advance_many(session, names, notes[-1].id)
        except Exception as e:
            view_batch.discard(session)  # the transaction is rolled back: forget the batch too
            self.failure = (self.failing_position, type(e).__name__)
            raise ViewsFailed(self.failing_position) from e
        self.failure = None
        return True

    def apply(
        self, session: Session, notification: Notification, projections: tuple[Projection, ...] | None = None,
        handlers: dict[str, list[Handler]] | None = None,
    ) -> None:
        """Apply one notification to ``projections`` (default: all; the tracking is the caller's).
        ``handlers``: the handlers of ``projections`` by topic (:meth:`_handlers`), when the
        caller found them once for many notifications."""
        topic = notification.topic
        if handlers is None:
            chosen = [p.handlers[topic] for p in (self.projections if projections is None else projections) if topic in p.handlers]
        else:
            chosen = handlers.get(topic, [])
        if not chosen:
            return
        event = self.mapper.to_domain_event(notification)
        if self.as_of is not None and getattr(event, "effective_date", None) and event.effective_date > self.as_of:
            return
        for handler in chosen:
            handler(session, event, notification.id)

    def _just_saved(self, after: int, until: int | None) -> Sequence[Notification] | None:
        """The notifications after ``after`` up to ``until`` when this thread's last save
        stored exactly those (``just_saved`` of the source, :class:`application.persistence.DialogueRecorder`):
        a request bringing the views up to its own write need not read them back from the log."""
        just_saved = getattr(self.source, "just_saved", None)
        return None if until is None or just_saved is None else just_saved(after, until)

    @staticmethod
    def _handlers(projections: tuple[Projection, ...], topics: set[str]) -> dict[str, list[Handler]]:
        """Topic of ``topics`` → the handlers of ``projections`` for it, in the projections'
        order (those with none are absent): found once per batch of a catch-up, not per event,
        and only for the batch's topics (a request's batch has one or two, the projections
        about 190 handlers)."""
        found: dict[str, list[Handler]] = {}
        for p in projections:
            handlers = p.handlers
            for topic in topics if len(topics) < len(handlers) else handlers:
                handler = handlers.get(topic)
                if handler is not None and topic in topics:
                    found.setdefault(topic, []).append(handler)
        return found

    def _lock(self, session: Session, projections: Iterable[Projection]) -> dict[str, int]:
        """Lock the tracking rows of ``projections`` (in name order, so that two workers
        never wait on each other); their positions."""
        return self.tracking.lock_many(session, [p.tracking_name for p in projections])

    # ------------------------------------------------------------------ rebuilding
    def reset(self, projections: Iterable[Projection] | None = None) -> None:
        """Empty the view tables and the tracking positions of ``projections`` (default: all).

        First the tracking rows are locked as a batch locks them before it writes views
        (:meth:`LockingTrackingRecorder.lock_many`: on PostgreSQL the advisory locks, then
        the rows ``FOR UPDATE`` in name order), so a batch applying at that moment waits
        instead of deadlocking. The tables are emptied by ``DELETE``, which web reads (an
        export, a slow search) do not wait for, nor it for them (``TRUNCATE`` would take
        every table's exclusive lock and queue every new read behind a long one). On
        PostgreSQL the emptied tables' sequences then restart (``ALTER SEQUENCE … RESTART``,
        undone with the transaction if it fails): their generated ids (a search document's)
        start again from 1, as SQLite's do in an emptied table, so a rebuild numbers its
        rows alike on both back ends."""
        chosen = tuple(self.projections if projections is None else projections)
        t = self.tracking.tracking_table
        tables = [table for p in chosen for table in reversed(p.tables)]
        with self.tracking.transaction(commit=True) as session:
            self._lock(session, chosen)
            session.execute(delete(t).where(t.c.application_name.in_([p.tracking_name for p in chosen])))
            for table in tables:
                session.execute(delete(table))
            if session.get_bind().dialect.name == "postgresql" and tables:
                for sequence in session.execute(_SEQUENCES, {"names": [table.name for table in tables]}).scalars():
                    session.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))  # a name quoted by the catalog

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild every view from zero; returns the number of notifications processed.
        The process's objects from before it are left out of the garbage collector's full
        collections while it runs (:func:`long_lived_frozen`)."""
        self.reset()
        with long_lived_frozen():
            return self.catch_up(progress=progress, batch=REBUILD_BATCH)


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Run a long pass over the log (a rebuild, or reading and decoding the whole log) with
    the objects the process already holds frozen (``gc.freeze``), unfrozen at its end.

    A batch of a rebuild keeps thousands of objects until its end (a page of notifications,
    the rows waiting to be written), so that most of them outlive the collector's young
    generations, and their number sets off a full collection about once per batch: each
    traversed the whole process (its modules, the SQL metadata and compiled statements,
    well over 100,000 objects) to find none of it garbage, about a quarter of a rebuild's
    CPU time (``docs/performance.md``). Frozen, those objects are not traversed; the pass's
    own objects are collected as before, but the youngest generation only after
    :data:`PASS_YOUNG_THRESHOLD` new objects instead of 700: a batch's thousands of objects
    stay alive until its end, so most young collections found nothing to free and moved them
    on, to be traversed again by the older generations' collections (a rebuild of 100,000
    events collected about 200 objects in 2,700 collections; freed by their counts, the
    rest needed none). The threshold is set back at the end. Nothing is done when the
    collector is off or the process froze objects itself (a server before it forks
    workers): its freeze and thresholds stay."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    if thresholds[0]:
        gc.set_threshold(max(thresholds[0], PASS_YOUNG_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _hashable(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def snapshot_rows(engine: Engine, projections: Iterable[Projection] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table of ``projections`` (default: all, at the code's
    versions), sorted, for comparing two views databases."""
    chosen = tuple(projections) if projections is not None else views.PROJECTIONS
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as c:
        for t in (table for p in chosen for table in p.tables):
            rows = [tuple(_hashable(v) for v in r) for r in c.execute(select(t))]
            out[t.name] = sorted(rows, key=repr)
    return out
