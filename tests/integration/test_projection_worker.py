"""The projection worker: exactly once, resumable after a crash, stoppable, never stalled.

Each test runs on a SQLite file and on PostgreSQL (``database_url``). Failures and the
counter of applications are injected into the view handlers for the test only.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Notification, Tracking
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from application.bootstrap import Config, Services, bootstrap
from application.service import DialogueApplication
from application.worker import ProjectionWorker, WorkerSettings
from projections import PROJECTIONS, handled_topics
from projections import proposals as proposal_views
from projections.base import Handler
from projections.runner import ViewProjector, snapshot_rows
from projections.tracking import _advisory_key
from tests.conftest import ROOT, draft_sample_proposal, seed_members


class InjectedFailure(RuntimeError):
    """Raised by a view handler on purpose."""


def workload(app: DialogueApplication, members: int = 6, revisions: int = 4) -> None:
    """A working table, members joining it, a proposal and its revisions (about 20 events)."""
    ids = seed_members(app, members)
    proposal = draft_sample_proposal(app, ids[0])
    for i in range(revisions):
        app.revise_proposal(proposal, {"title": f"Safe pathways, revision {i + 1}"}, actor=str(ids[0]))


def all_notifications(app: DialogueApplication) -> list[Notification]:
    return list(app.recorder.select_notifications(None, 100_000))


def rebuilt(services: Services, until: int | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """The views rebuilt from zero (up to ``until``) in a scratch database."""
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    try:
        ViewProjector(services.app.recorder, services.app.mapper, scratch).catch_up(until=until)
        return snapshot_rows(scratch)
    finally:
        scratch.dispose()


def fail_at(monkeypatch: pytest.MonkeyPatch, position: int) -> None:
    """Make every view handler raise :class:`InjectedFailure` on the event at ``position``."""

    def failing(fn: Handler) -> Handler:
        def handler(session: Session, event: Any, at: int) -> None:
            if at == position:
                raise InjectedFailure(f"injected failure at position {position}")
            fn(session, event, at)

        return handler

    for projection in PROJECTIONS:
        for topic, fn in list(projection.handlers.items()):
            monkeypatch.setitem(projection.handlers, topic, failing(fn))


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


# ---------------------------------------------------------------------------- crash and resume
def test_a_failing_handler_moves_neither_views_nor_tracking_past_its_event(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    workload(services.app)
    handled = [n.id for n in all_notifications(services.app) if n.topic in handled_topics()]
    k = random.choice(handled[1:])
    fail_at(monkeypatch, k)
    worker = ProjectionWorker(services.projector, WorkerSettings(mode="poll", batch=4, poll_interval=0.01))

    with pytest.raises(InjectedFailure):
        worker.run()

    position = services.projector.position()
    assert position == ((k - 1) // 4) * 4, f"failed at {k}"  # the batches before k's, not k's
    assert snapshot_rows(services.projector.engine) == rebuilt(services, until=position), f"failed at {k}"


def test_after_a_crash_a_restarted_worker_leaves_views_equal_to_a_rebuild(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    workload(services.app)
    handled = [n.id for n in all_notifications(services.app) if n.topic in handled_topics()]
    k = random.choice(handled[1:])
    with monkeypatch.context() as m:
        fail_at(m, k)
        with pytest.raises(InjectedFailure):
            services.projector.catch_up(batch=3)
    head = int(services.app.recorder.max_notification_id() or 0)
    worker = ProjectionWorker(services.projector, WorkerSettings(mode="poll", batch=3, poll_interval=0.01))
    worker.on_batch = lambda _n: worker.stop() if services.projector.position() >= head else None

    worker.run()

    assert services.projector.position() == head
    assert snapshot_rows(services.projector.engine) == rebuilt(services), f"failed at {k}"


def test_a_failure_while_following_the_subscription_keeps_views_at_a_committed_batch(
    services: Services, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not is_postgres(database_url):
        pytest.skip("subscriptions exist on PostgreSQL only")
    worker = ProjectionWorker(services.projector, WorkerSettings(mode="subscribe", batch=5, check_interval=0.2))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            worker.run()
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    assert wait_until(lambda: worker._subscription is not None, 30)
    fail_at(monkeypatch, 7)
    workload(services.app)
    thread.join(60)

    assert not thread.is_alive()
    assert [type(e) for e in errors] == [InjectedFailure]
    position = services.projector.position()
    assert position < 7
    assert snapshot_rows(services.projector.engine) == rebuilt(services, until=position)


def test_redelivered_events_change_nothing(services: Services) -> None:
    workload(services.app)
    services.projector.catch_up()
    before = snapshot_rows(services.projector.engine)
    head = services.projector.position()
    notes = all_notifications(services.app)

    applied = services.projector.apply_batch(notes)
    tracking = services.projector.tracking
    with pytest.raises(IntegrityError), tracking.transaction(commit=True) as session:
        # The library's path: the replayed position is refused, the transaction rolls back.
        tracking._insert_tracking(session, Tracking(proposal_views.projection.tracking_name, notes[-1].id))
        services.projector.apply(session, notes[-1])

    assert applied == 0
    assert services.projector.position() == head
    assert snapshot_rows(services.projector.engine) == before


def test_a_batch_moves_each_projection_to_the_last_event_it_applied(services: Services) -> None:
    """Projections standing at different positions (one caught up alone) each end at the
    batch's last position, the events they lacked applied once: the views a rebuild gives."""
    workload(services.app)
    notes = all_notifications(services.app)
    services.projector.catch_up(until=notes[len(notes) // 2].id)
    services.projector.catch_up(only=[proposal_views.projection])  # this one at the head already

    applied = services.projector.apply_batch(notes)

    assert applied == len(notes) - len(notes) // 2 - 1
    assert set(services.projector.positions().values()) == {notes[-1].id}
    assert snapshot_rows(services.projector.engine) == rebuilt(services)


# ---------------------------------------------------------------------------- two workers
applications_md = MetaData()
applications = Table(
    "test_view_applications", applications_md,
    Column("position", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
    Column("worker", Integer, nullable=False),
)


def run_counting_worker(url: str, master_key: str, mode: str, batch: str) -> None:
    """Child process: a projection worker that also records each application it makes."""
    services = bootstrap(Config(database_url=url, master_key=master_key, create_tables=False, inline_projection=False))
    original = ViewProjector.apply

    def counted(self: ViewProjector, session: Session, notification: Notification, *projections: Any) -> None:
        session.execute(insert(applications).values(position=notification.id, worker=os.getpid()))
        original(self, session, notification, *projections)

    ViewProjector.apply = counted  # type: ignore[method-assign]
    worker = ProjectionWorker(services.projector, WorkerSettings(mode=mode, batch=int(batch), poll_interval=0.005, check_interval=0.5))  # type: ignore[arg-type]
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=worker.stop).start())
    print("ready", flush=True)
    worker.run()


class Child:
    """A child Python process whose output lines are collected by a thread."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60.0) -> bool:
        return wait_until(lambda: any(text in line for line in self.lines) or self.proc.poll() is not None, timeout) and any(
            text in line for line in self.lines
        )

    def terminate(self, timeout: float = 60.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout)
        self.close()
        return rc

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.close()

    def close(self) -> None:
        self._reader.join(10)
        if self.proc.stdout is not None and not self.proc.stdout.closed:
            self.proc.stdout.close()


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for c in started:
        c.kill()


@pytest.mark.slow
def test_two_worker_processes_never_apply_an_event_twice(services: Services, database_url: str, master_key: str, children: list[Child]) -> None:
    applications_md.create_all(services.app.engine)
    mode = "subscribe" if is_postgres(database_url) else "poll"
    for _ in range(2):
        code = f"from tests.integration.test_projection_worker import run_counting_worker as r; r({database_url!r}, {master_key!r}, {mode!r}, '3')"
        children.append(Child(["-c", code]))
    assert all(c.wait_for("ready") for c in children), [c.lines for c in children]

    for _ in range(6):
        workload(services.app, members=5, revisions=3)
    head = int(services.app.recorder.max_notification_id() or 0)
    caught_up = wait_until(lambda: services.projector.position() == head)
    codes = [c.terminate() for c in children]

    with services.app.engine.connect() as c:
        counts: dict[int, int] = {int(p): int(n) for p, n in c.execute(select(applications.c.position, func.count()).group_by(applications.c.position))}
    assert caught_up, [c.lines[-5:] for c in children]
    assert codes == [0, 0], [c.lines[-5:] for c in children]
    assert sorted(counts) == [n.id for n in all_notifications(services.app)]
    assert set(counts.values()) == {1}
    assert snapshot_rows(services.projector.engine) == rebuilt(services)


# ---------------------------------------------------------------------------- the CLI worker
def cli_env(url: str, master_key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALOGUE_")}
    env.update(DIALOGUE_DATABASE_URL=url, DIALOGUE_MASTER_KEY=master_key, DIALOGUE_INLINE_PROJECTION="no")
    return env


def dialogue(*args: str) -> list[str]:
    """Arguments running the ``dialogue`` console script with this interpreter."""
    return ["-c", "from web.cli import main; main()", *args]


@pytest.mark.slow
def test_writes_wait_for_a_separate_worker_process_which_stops_cleanly_on_sigterm(
    services: Services, database_url: str, master_key: str, children: list[Child],
) -> None:
    worker = Child(dialogue("projections", "run", "--report-interval", "0.2", "--check-interval", "1"), env=cli_env(database_url, master_key))
    children.append(worker)
    assert worker.wait_for("projection worker started"), worker.lines

    ids = seed_members(services.app, 2)
    proposal = draft_sample_proposal(services.app, ids[0], title="Written by a web request")
    reached = services.wait_for_views(timeout=60)
    head = services.app.last_position
    assert worker.wait_for(f"projection position={head} head={head} lag=0"), worker.lines
    rc = worker.terminate()

    assert reached
    assert [r["title"] for r in proposal_views.list_recommendations(services.projector.engine) if r["id"] == str(proposal)] == ["Written by a web request"]
    assert rc == 0, worker.lines
    assert f"mode={'subscribe' if is_postgres(database_url) else 'poll'}" in worker.lines[0]
    assert any("received SIGTERM" in line for line in worker.lines)
    assert worker.lines[-1].endswith(f"projection worker stopped: position={head} head={head} lag=0")


def test_the_worker_refuses_to_start_on_a_database_without_tables(tmp_path: Any, master_key: str) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    out = subprocess.run([sys.executable, *dialogue("projections", "run")], cwd=ROOT, env=cli_env(url, master_key), capture_output=True, text=True, timeout=60)

    engine = create_engine(url)
    tables = inspect(engine).get_table_names()
    engine.dispose()
    assert out.returncode == 1
    assert "run `dialogue db init` first" in out.stderr
    assert tables == []


# ---------------------------------------------------------------------------- stopping, following
def test_stop_lets_the_current_batch_finish_and_starts_no_other(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    workload(services.app)
    worker = ProjectionWorker(services.projector, WorkerSettings(mode="poll", batch=5, poll_interval=0.01))
    original = services.projector.apply

    def apply(session: Session, notification: Notification, *projections: Any) -> None:
        if notification.id == 7:
            worker.stop()
        original(session, notification, *projections)

    monkeypatch.setattr(services.projector, "apply", apply)

    end = worker.run()

    assert services.projector.position() == 10
    assert end is not None
    assert (end.position, end.head > 10) == (10, True)


def test_the_subscription_delivers_new_events_without_polling(services: Services, database_url: str) -> None:
    if not is_postgres(database_url):
        pytest.skip("subscriptions exist on PostgreSQL only")
    worker = ProjectionWorker(services.projector, WorkerSettings(mode="subscribe", check_interval=600))
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        assert wait_until(lambda: worker._subscription is not None, 30)
        workload(services.app)
        reached = services.wait_for_views(timeout=60)
    finally:
        worker.stop()
        thread.join(60)

    assert reached
    assert worker.resubscriptions == 0
    assert not thread.is_alive()


def test_the_subscription_takes_each_notification_as_it_arrives_without_the_library_pause(
    services: Services, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not is_postgres(database_url):
        pytest.skip("subscriptions exist on PostgreSQL only")
    # The library's listening thread sleeps 0.1 s whenever a wait finds nothing; ours never sleeps.
    monkeypatch.setattr(time, "sleep", lambda _s: (_ for _ in ()).throw(AssertionError("the listening thread slept")))
    start = services.app.dialogue_recorder.max_notification_id() or 0
    sub = services.app.dialogue_recorder.subscribe(gt=start)
    got: list[int] = []
    guard = threading.Timer(30, sub.stop)  # a subscription that never delivers fails the test, not hangs it
    guard.start()
    with sub:
        draft_sample_proposal(services.app, seed_members(services.app, 2)[0])
        for n in sub:
            got.append(n.id)
            if n.id >= services.app.dialogue_recorder.max_notification_id():
                break
    guard.cancel()

    assert type(sub).__name__ == "PromptSubscription"
    assert got and got[0] == start + 1 and got == sorted(got)


def test_a_lost_notification_does_not_stall_the_worker(services: Services, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not is_postgres(database_url):
        pytest.skip("LISTEN/NOTIFY exists on PostgreSQL only")
    worker = ProjectionWorker(services.projector, WorkerSettings(mode="subscribe", check_interval=0.2))
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        assert wait_until(lambda: worker._subscription is not None, 30)
        # Every NOTIFY of these writes is lost: the library's subscription alone would wait forever.
        monkeypatch.setattr(services.app.dialogue_recorder, "_notification", lambda: "SELECT NULL")
        workload(services.app)
        reached = services.wait_for_views(timeout=60)
    finally:
        worker.stop()
        thread.join(60)

    assert reached
    assert worker.resubscriptions >= 1
    assert snapshot_rows(services.projector.engine) == rebuilt(services)


def test_a_second_worker_waits_for_the_first_tracking_row_and_then_sees_its_position(services: Services, database_url: str) -> None:
    """The row lock cannot lock a row not yet inserted: the very first application of a
    projection is serialised too (otherwise both workers apply position 1)."""
    if not is_postgres(database_url):
        pytest.skip("SQLite serialises every writer on its database lock")
    tracking = services.projector.tracking
    first_locked, release = threading.Event(), threading.Event()
    seen_by_second: list[int] = []

    def first() -> None:
        with tracking.transaction(commit=True) as session:
            assert tracking.lock(session, "fresh-projection") == 0
            tracking.advance(session, "fresh-projection", 1)
            first_locked.set()
            release.wait(60)

    def second() -> None:
        with tracking.transaction(commit=True) as session:
            seen_by_second.append(tracking.lock(session, "fresh-projection"))

    t1 = threading.Thread(target=first)
    t1.start()
    assert first_locked.wait(60)
    t2 = threading.Thread(target=second)
    t2.start()
    engine = create_engine(database_url)
    try:
        with engine.connect() as c:
            waiting = wait_until(lambda: bool(c.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).scalar()), 30)
    finally:
        engine.dispose()
        release.set()
        t1.join(60)
        t2.join(60)

    assert waiting
    assert seen_by_second == [1]


def test_a_reset_waits_for_a_batch_that_took_its_tracking_locks(services: Services, database_url: str) -> None:
    """A reset locks the tracking rows as a batch does (the advisory locks, then the rows in
    name order) before it deletes anything: it waits for a batch that has taken its advisory
    locks, instead of taking rows that batch is about to lock (a deadlock)."""
    if not is_postgres(database_url):
        pytest.skip("SQLite serialises every writer on its database lock")
    projector = services.projector
    tracking = projector.tracking
    names = sorted(p.tracking_name for p in projector.projections)
    locked, release = threading.Event(), threading.Event()

    def batch() -> None:  # a batch's first step (LockingTrackingRecorder.lock_many)
        with tracking.transaction(commit=True) as session:
            session.execute(select(*[func.pg_advisory_xact_lock(_advisory_key(tracking.tracking_table.name, n)) for n in names]))
            locked.set()
            release.wait(60)

    t1 = threading.Thread(target=batch)
    t1.start()
    assert locked.wait(60)
    t2 = threading.Thread(target=projector.reset)
    t2.start()
    engine = create_engine(database_url)
    try:
        with engine.connect() as c:
            # Either the reset finished without waiting, or it waits on an advisory lock.
            wait_until(lambda: not t2.is_alive() or bool(c.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).scalar()), 30)
            waited = t2.is_alive()
    finally:
        engine.dispose()
        release.set()
        t1.join(60)
        t2.join(60)

    assert waited


class FlakySubscription:
    """Stands for the library's subscription: polls the log; the first one fails at once
    as a dropped LISTEN connection does."""

    def __init__(self, recorder: Any, gt: int | None, fail: bool) -> None:
        self.recorder, self.last, self.fail, self.stopped = recorder, gt or 0, fail, threading.Event()

    def __enter__(self) -> FlakySubscription:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopped.set()

    def __iter__(self) -> FlakySubscription:
        return self

    def __next__(self) -> Notification:
        if self.fail:
            raise OSError("server closed the connection unexpectedly")
        while not self.stopped.is_set():
            notes = self.recorder.select_notifications(self.last, 1, inclusive_of_start=False)
            if notes:
                self.last = notes[0].id
                return notes[0]
            self.stopped.wait(0.01)
        raise StopIteration


class FlakySource:
    """The application recorder, whose subscriptions are :class:`FlakySubscription`."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.subscriptions = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.recorder, name)

    def subscribe(self, gt: int | None = None) -> FlakySubscription:
        self.subscriptions += 1
        return FlakySubscription(self.recorder, gt, fail=self.subscriptions == 1)


def test_a_failed_subscription_is_retried(services: Services) -> None:
    source = FlakySource(services.app.recorder)
    projector = ViewProjector(source, services.app.mapper, services.projector.engine)
    worker = ProjectionWorker(projector, WorkerSettings(mode="subscribe", retry_interval=0.01, check_interval=600))
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        workload(services.app)
        reached = services.wait_for_views(timeout=60)
        # The retry catches up before it subscribes again: on a loaded machine the views can
        # be reached in between, so wait (bounded) for the second subscription too.
        wait_until(lambda: source.subscriptions >= 2, 60)
    finally:
        worker.stop()
        thread.join(60)

    assert reached
    assert source.subscriptions == 2
    assert not thread.is_alive()


def test_on_sqlite_the_process_that_wrote_brings_the_views_to_its_write_without_a_worker(services: Services, database_url: str) -> None:
    if is_postgres(database_url):
        pytest.skip("on PostgreSQL the worker is woken by LISTEN/NOTIFY: the writer waits for it")
    ids = seed_members(services.app, 1)
    proposal = draft_sample_proposal(services.app, ids[0], title="Seen at once")

    reached = services.wait_for_views(timeout=0)

    assert reached
    assert services.projector.position() == services.app.last_position
    assert [r["title"] for r in proposal_views.list_recommendations(services.projector.engine) if r["id"] == str(proposal)] == ["Seen at once"]


def test_on_sqlite_the_writers_wait_reads_the_views_positions_once_when_it_applies_its_write(services: Services, database_url: str) -> None:
    if is_postgres(database_url):
        pytest.skip("on PostgreSQL the worker is woken by LISTEN/NOTIFY: the writer waits for it")
    ids = seed_members(services.app, 1)
    assert services.wait_for_views(timeout=0)
    draft_sample_proposal(services.app, ids[0], title="Seen at once")
    reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM view_tracking" in statement:
            reads.append(statement)

    event.listen(services.projector.engine, "before_cursor_execute", count)
    try:
        reached = services.wait_for_views(timeout=0)
    finally:
        event.remove(services.projector.engine, "before_cursor_execute", count)

    assert reached
    assert services.projector.position() == services.app.last_position
    # Read once before applying its write, not again after it (twice more until now).
    assert len(reads) == 1, reads


def test_on_sqlite_a_view_that_cannot_apply_the_write_leaves_the_command_stored_and_the_wait_false(
    services: Services, database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if is_postgres(database_url):
        pytest.skip("on PostgreSQL the worker applies the views, not the writer")
    ids = seed_members(services.app, 1)
    assert services.wait_for_views(timeout=0)
    before = services.projector.position()

    def broken(*_: object) -> None:
        raise RuntimeError("view bug")

    monkeypatch.setattr(services.projector, "apply", broken)
    proposal = draft_sample_proposal(services.app, ids[0], title="Stored all the same")

    reached = services.wait_for_views(timeout=0)

    assert reached is False
    assert services.projector.position() == before
    assert services.app.proposal(proposal).title == "Stored all the same"


def test_on_sqlite_the_writers_wait_leaves_a_long_backlog_to_the_worker_past_its_bound(services: Services, database_url: str) -> None:
    if is_postgres(database_url):
        pytest.skip("on PostgreSQL the worker applies the views, not the writer")
    ids = seed_members(services.app, 1)
    while services.app.last_position <= 450:  # more than two batches of 200
        draft_sample_proposal(services.app, ids[0])
    services.projector.reset()  # as a rebuild begins

    reached = services.wait_for_views(timeout=0)

    assert reached is False
    assert services.projector.position() == 200  # one batch, then the bound stopped it


def test_on_postgresql_the_writer_waits_for_the_worker_and_gives_up_at_the_bound(services: Services, database_url: str) -> None:
    if not is_postgres(database_url):
        pytest.skip("on SQLite the process that wrote applies its write itself")
    seed_members(services.app, 1)

    reached = services.wait_for_views(timeout=0.2)

    assert reached is False
    assert services.projector.position() == 0


def test_a_database_that_does_not_answer_when_the_worker_starts_is_retried(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    worker = ProjectionWorker(services.projector, WorkerSettings(mode="poll", poll_interval=0.01, retry_interval=0.01, check_interval=600))
    real, calls = worker.progress, []

    def first_fails() -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT max(id)", {}, ConnectionError("the server ended the connection"))
        return real()

    monkeypatch.setattr(worker, "progress", first_fails)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        workload(services.app, members=2, revisions=1)
        reached = wait_until(lambda: services.projector.position() == services.app.last_position, 60)
    finally:
        worker.stop()
        thread.join(60)

    assert (reached, thread.is_alive(), len(calls) >= 2) == (True, False, True)
