"""The projection worker: keeps the read models following the event log in their own process.

``dialogue projections run`` runs one :class:`ProjectionWorker`. It follows the log in one
of two ways:

- **subscribe** (PostgreSQL): the library's subscription (``recorder.subscribe(gt=position)``,
  eventsourcing-sqlalchemy's ``SQLAlchemySubscription``, woken by LISTEN/NOTIFY). A reader
  thread moves the notifications into a bounded queue; the main thread applies what the
  queue holds, up to ``batch`` notifications per transaction
  (:meth:`projections.runner.ViewProjector.apply_batch`). When the queue stays empty for
  ``check_interval`` seconds, the worker compares the log's last position
  (``max_notification_id()``) with its tracking position: a LISTEN message can be lost
  and the library would then wait forever (eventsourcing issue #305), so a
  worker that is behind without progress catches up from the log itself and subscribes
  again.
- **poll** (SQLite, which has no notifications): read after the tracking position every
  ``poll_interval`` seconds (:meth:`projections.runner.ViewProjector.catch_up`).

Either way each batch is one transaction that writes the view rows and moves the tracking
position under the tracking row's lock, so several workers on one projection never apply
an event twice. :meth:`ProjectionWorker.stop` (SIGTERM, SIGINT) lets the current batch
finish and then returns from :meth:`ProjectionWorker.run`. The lag (the log's last
position minus the views' position, an upper bound since positions may have gaps) is
logged every ``report_interval`` seconds and served by ``/readyz``.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from eventsourcing import persistence as es_errors
from eventsourcing.persistence import Notification
from sqlalchemy import exc as sa_exc

from projections.runner import ViewProjector

Mode = Literal["auto", "subscribe", "poll"]
log = logging.getLogger("dialogue.projections")


class SubscriptionLostError(ConnectionError):
    """The subscription stopped with an error (its LISTEN connection or a read failed)."""


@dataclass(frozen=True)
class WorkerSettings:
    """How a projection worker follows the log (durations in seconds).

    Attributes:
        mode: ``subscribe``, ``poll`` or ``auto`` (subscribe on PostgreSQL, poll elsewhere).
        poll_interval: pause between two reads of the log when polling.
        check_interval: idle time after which a subscribing worker compares the log's last
            position with its own (survives a lost LISTEN message).
        report_interval: pause between two log lines reporting the lag.
        batch: most notifications applied in one transaction.
        retry_interval: first pause after a database error (doubled up to 30 s).
    """

    mode: Mode = "auto"
    poll_interval: float = 0.5
    check_interval: float = 5.0
    report_interval: float = 30.0
    batch: int = 200
    retry_interval: float = 1.0


@dataclass(frozen=True)
class Progress:
    """Where the views stand: their position, the log's last position, the difference."""

    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


class ProjectionWorker:
    """Follows the log of ``projector.source`` into ``projector``'s views until stopped.

    Args:
        projector: the views and the recorder they follow (the application recorder).
        settings: see :class:`WorkerSettings`.
        on_batch: called with the number of notifications applied after each
            non-empty batch (tests, metrics).
    """

    def __init__(self, projector: ViewProjector, settings: WorkerSettings | None = None, *, on_batch: Callable[[int], None] | None = None) -> None:
        self.projector = projector
        self.settings = settings or WorkerSettings()
        self.on_batch = on_batch
        self._stopping = threading.Event()
        self._subscription: Any = None
        self._inbox: queue.Queue[Notification | None] | None = None
        self._last_report = 0.0
        self.resubscriptions = 0

    # ------------------------------------------------------------------ control
    @property
    def mode(self) -> Literal["subscribe", "poll"]:
        """The mode in use: ``auto`` subscribes when the source can (PostgreSQL)."""
        if self.settings.mode != "auto":
            return self.settings.mode
        engine = getattr(getattr(self.projector.source, "datastore", None), "engine", None)
        return "subscribe" if engine is not None and engine.dialect.name == "postgresql" else "poll"

    def stop(self) -> None:
        """Ask the worker to stop once its current batch is committed.

        Thread-safe. A signal handler should call it from a new thread (as
        ``dialogue projections run`` does): it takes locks the interrupted main thread
        may hold.
        """
        self._stopping.set()
        sub = self._subscription
        if sub is not None:
            sub.stop()
        inbox = self._inbox
        if inbox is not None:
            # Wake the main thread if it waits for notifications; when the inbox is full
            # it is busy applying and sees the flag after its batch.
            with contextlib.suppress(queue.Full):
                inbox.put_nowait(None)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def progress(self) -> Progress:
        """The views' position and the log's last position, read from the database now."""
        return Progress(position=self.projector.position(), head=int(self.projector.source.max_notification_id() or 0))

    # ------------------------------------------------------------------ loop
    def run(self) -> Progress | None:
        """Follow the log until :meth:`stop`; returns where the views stand at the end
        (None when the database does not answer then).

        Database errors, from the first read of where the views stand on, are logged and
        retried with a growing pause (at most 30 s); an
        error raised by a view handler is a bug: it propagates after its transaction was
        rolled back (neither view nor tracking moved past the failing event).
        """
        mode = self.mode
        try:
            p = self.progress()
        except _DATABASE_ERRORS as e:  # the loop below retries it, as any later database error
            log.warning("projection worker started: mode=%s; the database did not answer yet (%s: %s)", mode, type(e).__name__, e)
        else:
            log.info("projection worker started: mode=%s position=%d head=%d lag=%d", mode, p.position, p.head, p.lag)
        self._last_report = time.monotonic()
        pause = self.settings.retry_interval
        while not self.stopping:
            try:
                if mode == "subscribe":
                    self._follow_subscription()
                else:
                    self._poll_once()
                    self._stopping.wait(self.settings.poll_interval)
                pause = self.settings.retry_interval
            except _DATABASE_ERRORS as e:
                log.warning("projection worker: database error (%s: %s); retrying in %.1f s", type(e).__name__, e, pause)
                self._stopping.wait(pause)
                pause = min(pause * 2, 30.0)
        try:
            p = self.progress()
        except _DATABASE_ERRORS as e:
            log.warning("projection worker stopped; the database did not answer (%s)", type(e).__name__)
            return None
        log.info("projection worker stopped: position=%d head=%d lag=%d", p.position, p.head, p.lag)
        return p

    def _applied(self, n: int) -> None:
        if n and self.on_batch is not None:
            self.on_batch(n)

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_report >= self.settings.report_interval:
            self._last_report = now
            p = self.progress()
            log.info("projection position=%d head=%d lag=%d", p.position, p.head, p.lag)

    def _catch_up(self) -> int:
        return self.projector.catch_up(batch=self.settings.batch, progress=self._applied, stop=lambda: self.stopping)

    def _poll_once(self) -> None:
        self._catch_up()
        self._report()

    def _follow_subscription(self) -> None:
        """Catch up from the log, then apply what the library's subscription delivers.

        Returns when stopping, when the subscription failed (its error is raised), or
        when the views stayed behind the log for a whole ``check_interval`` without a
        notification (lost LISTEN message): the caller then catches up and subscribes again.
        """
        self._catch_up()
        if self.stopping:
            return
        inbox: queue.Queue[Notification | None] = queue.Queue(maxsize=self.settings.batch * 4)
        self._inbox = inbox
        failure: list[BaseException] = []
        finished, reader_done = threading.Event(), threading.Event()
        sub = self.projector.source.subscribe(gt=self.projector.position())  # type: ignore[attr-defined]
        self._subscription = sub
        if self.stopping:  # stop() came before the subscription was visible to it
            sub.stop()
        reader = threading.Thread(target=self._read, args=(sub, inbox, finished, reader_done, failure), name="projection-subscription", daemon=True)
        try:
            with sub:
                reader.start()
                self._apply_from(inbox, reader_done)
                sub.stop()
                reader.join()
        finally:
            finished.set()
            self._subscription = None
            self._inbox = None
        if failure:
            # The reader only reads and listens: whatever stopped it (a lost connection
            # surfaces as the driver's own error there) is retried like a database error.
            raise SubscriptionLostError(f"{type(failure[0]).__name__}: {failure[0]}") from failure[0]

    def _read(
        self, sub: Any, inbox: queue.Queue[Notification | None], finished: threading.Event, done: threading.Event,
        failure: list[BaseException],
    ) -> None:
        try:
            for notification in sub:
                while not (self.stopping or finished.is_set()):
                    try:
                        inbox.put(notification, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if self.stopping or finished.is_set():
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the main thread, which raises it
            failure.append(e)
        finally:
            done.set()
            with contextlib.suppress(queue.Full):
                inbox.put_nowait(None)  # wake the main thread: the subscription ended

    def _apply_from(self, inbox: queue.Queue[Notification | None], reader_done: threading.Event) -> None:
        idle_since_head: int | None = None
        while not self.stopping:
            try:
                first = inbox.get(timeout=self.settings.check_interval)
            except queue.Empty:
                if reader_done.is_set():
                    return
                p = self.progress()
                self._report()
                if p.lag == 0:
                    idle_since_head = None
                    continue
                if idle_since_head is not None and p.position <= idle_since_head:
                    # Behind for a whole interval and nothing came: a notification was lost.
                    log.warning("projection stalled at position %d while the log is at %d: catching up and subscribing again", p.position, p.head)
                    self.resubscriptions += 1
                    return
                idle_since_head = p.position
                continue
            if first is None:
                if reader_done.is_set() and inbox.empty():
                    return  # the subscription ended (stopped, or failed: the caller raises)
                continue  # woken by stop()
            idle_since_head = None
            notes = [first]
            while len(notes) < self.settings.batch:
                try:
                    more = inbox.get_nowait()
                except queue.Empty:
                    break
                if more is not None:
                    notes.append(more)
            self._applied(self.projector.apply_batch(notes))
            self._report()


# Lost connections and unreachable databases are retried; any other error (a view
# handler's bug, a constraint it breaks) stops the worker, its batch rolled back.
_DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    es_errors.OperationalError, es_errors.InterfaceError, sa_exc.OperationalError, sa_exc.InterfaceError, ConnectionError,
)
