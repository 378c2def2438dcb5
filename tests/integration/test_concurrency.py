"""Concurrent writers and followers, on a SQLite file and on PostgreSQL.

- Writers released together by a barrier revise one proposal from the same version
  (threads, processes, and HTTP requests to several gunicorn workers): exactly one
  wins, every other one gets the stale-version error (409 over HTTP), nothing of the
  losers is stored, the final version is one higher.
- Gaps: while a writer's transaction is open, a follower does not move past the last
  committed position; a later writer waits for it; a rolled-back position (a gap on
  PostgreSQL) is stepped over.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import create_engine, text

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.errors import ConflictError
from application.persistence import dispose_engines
from benchmarks.browser import Browser
from domain.ids import table_id
from domain.working_table import WorkingTable
from projections.runner import ViewProjector, snapshot_rows
from tests.conftest import draft_sample_proposal, seed_members
from tests.integration.test_projection_worker import Child, cli_env, dialogue, rebuilt, wait_until

WRITERS = 5


def hold_at_barrier(services: Services, barrier: Any) -> None:
    """Make ``services``' revisions wait at ``barrier`` once they loaded the proposal, so
    that every writer holds the same version when they race to save."""
    app = services.app
    original = app._proposal_at

    def loaded_then_wait(proposal_id: UUID | str, expected_version: int | None) -> Any:
        p = original(proposal_id, expected_version)
        barrier.wait(timeout=60)
        return p

    app._proposal_at = loaded_then_wait  # type: ignore[method-assign]


def revise(services: Services, proposal: UUID, author: UUID, expected: int, i: int) -> tuple[str, str]:
    """Revise from version ``expected`` as writer ``i`` (command id ``race-{i}``).

    Returns ("ok", new version) or ("conflict", error code).
    """
    try:
        version = services.app.revise_proposal(
            proposal, {"problem": f"Text of writer {i}"}, actor=str(author), expected_version=expected, command_id=f"race-{i}",
        )
    except ConflictError as e:
        return ("conflict", e.code)
    return ("ok", str(version))


def assert_one_winner(services: Services, proposal: UUID, version_before: int, results: list[tuple[str, str]]) -> None:
    winners = [i for i, r in enumerate(results) if r[0] == "ok"]
    assert len(winners) == 1, results
    assert sorted(results) == sorted([("conflict", "stale_version")] * (len(results) - 1) + [("ok", str(version_before + 1))])
    p = services.app.proposal(proposal)
    assert p.version == version_before + 1
    assert p.problem == f"Text of writer {winners[0]}"
    applied = [i for i in range(len(results)) if services.app.command_applied(f"race-{i}")]
    assert applied == winners  # nothing of a loser was stored


def test_writer_threads_revising_one_version_one_wins_the_others_conflict(services: Services) -> None:
    author = seed_members(services.app, 1)[0]
    proposal = draft_sample_proposal(services.app, author)
    before = services.app.proposal(proposal).version
    hold_at_barrier(services, threading.Barrier(WRITERS))
    results: list[tuple[str, str]] = [("missing", "")] * WRITERS

    def write(i: int) -> None:
        results[i] = revise(services, proposal, author, before, i)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert_one_winner(services, proposal, before, results)


def revise_in_child(url: str, master_key: str, proposal: str, author: str, expected: int, i: int, barrier: Any, results: Any) -> None:
    """Child process: its own services (no table creation), then the race."""
    try:
        services = bootstrap(Config(database_url=url, master_key=master_key, create_tables=False, inline_projection=False), clock=FixedClock(date(2026, 1, 5)))
        hold_at_barrier(services, barrier)
        results.put((i, revise(services, UUID(proposal), UUID(author), expected, i)))
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        results.put((i, ("error", repr(e))))
    finally:
        dispose_engines()


@pytest.mark.slow
def test_writer_processes_revising_one_version_one_wins_the_others_conflict(services: Services, database_url: str, master_key: str) -> None:
    author = seed_members(services.app, 1)[0]
    proposal = draft_sample_proposal(services.app, author)
    before = services.app.proposal(proposal).version
    ctx = multiprocessing.get_context("spawn")  # no engine crosses a fork
    barrier = ctx.Barrier(WRITERS)
    queue = ctx.Queue()
    procs = [ctx.Process(target=revise_in_child, args=(database_url, master_key, str(proposal), str(author), before, i, barrier, queue)) for i in range(WRITERS)]
    for p in procs:
        p.start()
    got = dict(queue.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(60)
    queue.close()
    queue.join_thread()

    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert_one_winner(services, proposal, before, [got[i] for i in range(WRITERS)])


# ---------------------------------------------------------------------------- over HTTP


PASSWORD = "una clave larga de prueba"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_concurrent_revisions_over_http_to_several_workers_one_302_the_others_409(
    services: Services, database_url: str, master_key: str, tmp_path: Path,
) -> None:
    author = seed_members(services.app, 1)[0]
    services.accounts.create_participant_account(author, "author@tests.invalid", password=PASSWORD)
    proposal = draft_sample_proposal(services.app, author)
    services.projector.catch_up()
    before = services.app.proposal(proposal).version
    port = free_port()
    env = cli_env(database_url, master_key) | {"DIALOGUE_SECRET_KEY": "test-secret-key-0123456789abcdef", "DIALOGUE_CLOCK": "2026-01-05", "DIALOGUE_INLINE_PROJECTION": "yes"}
    server = Child(dialogue("serve", "--workers", str(WRITERS), "--bind", f"127.0.0.1:{port}", "--no-access-log"), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _up(base), 60), server.lines
        browsers = [Browser(base) for _ in range(WRITERS)]
        forms = []
        for b in browsers:
            assert b.sign_in("author@tests.invalid", PASSWORD) == 302
            forms.append(b.get(f"/proposals/{proposal}/revise"))
        assert {Browser.field(f, "expected_version") for f in forms} == {str(before)}
        barrier = threading.Barrier(WRITERS)
        statuses = [0] * WRITERS

        def send(i: int) -> None:
            page = forms[i]
            data = {
                "csrf_token": Browser.field(page, "csrf_token"), "command_id": Browser.field(page, "command_id"),
                "expected_version": str(before), "title": "Safe pathways", "problem": f"Text of writer {i}",
                "recommendation": "Open regular pathways.", "rationale": "GCM objective 5.", "objectives": ["2"],
                "targets": ["all governments of the region"], "language": "es", "note": "",
            }
            barrier.wait(timeout=60)
            statuses[i] = browsers[i].post(f"/proposals/{proposal}/revise", data)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        rc = server.terminate()
    finally:
        server.kill()

    assert sorted(statuses) == [302] + [409] * (WRITERS - 1), statuses
    p = services.app.proposal(proposal)
    assert p.version == before + 1
    assert p.problem == f"Text of writer {statuses.index(302)}"
    assert rc == 0


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
            return int(r.status) == 200
    except OSError:
        return False


# ---------------------------------------------------------------------------- gaps
@pytest.mark.parametrize("first_writer", ["commits", "rolls_back"])
def test_a_follower_does_not_move_past_a_position_whose_transaction_is_open(
    services: Services, database_url: str, tmp_path: Path, first_writer: str,
) -> None:
    app = services.app
    seed_members(app, 1)
    committed = int(app.recorder.max_notification_id() or 0)
    # The follower keeps its views in their own SQLite file: on SQLite the event store's
    # writer holds the only write lock of its file.
    views = create_engine(f"sqlite:///{tmp_path / 'follower.sqlite'}")
    follower = ViewProjector(app.recorder, app.mapper, views)
    recorder = app.dialogue_recorder
    ctx = app.ctx("secretariat", "gap-first-writer")
    stored = [app.mapper.to_stored_event(e) for e in WorkingTable.register(ctx, id=table_id("RT2"), code="RT2").collect_events()]
    inserted, release = threading.Event(), threading.Event()
    first_ids: list[int] = []

    class RolledBack(Exception):
        pass

    def first() -> None:
        try:
            with recorder.transaction(commit=True) as session:
                first_ids.extend(recorder.insert_events(stored, session=session) or [])
                inserted.set()
                release.wait(60)
                if first_writer == "rolls_back":
                    raise RolledBack
        except RolledBack:
            pass

    def second() -> None:
        app.register_table("RT3", command_id="gap-second-writer")

    t1 = threading.Thread(target=first)
    t1.start()
    assert inserted.wait(60)
    t2 = threading.Thread(target=second)
    t2.start()
    if database_url.startswith("postgresql"):
        assert wait_until(lambda: _waiting_for_events_lock(database_url), 60)  # the second writer queues behind the first
    try:
        follower.catch_up()
        during = (follower.position(), app.recorder.max_notification_id(), len(app.recorder.select_notifications(committed, 10, inclusive_of_start=False)))
    finally:
        release.set()
        t1.join(60)
        t2.join(60)

    follower.catch_up()
    after = [n.id for n in app.recorder.select_notifications(committed, 10, inclusive_of_start=False)]
    second_position = app.command_position("gap-second-writer")
    assert during == (committed, committed, 0)
    assert first_ids and min(first_ids) > committed
    if first_writer == "commits" or database_url.startswith("postgresql"):
        assert second_position > max(first_ids)  # waited for the first; on PostgreSQL a rollback leaves a gap
    else:
        assert second_position > committed  # SQLite reuses a rolled-back rowid
    assert after == ([*first_ids, second_position] if first_writer == "commits" else [second_position])
    assert follower.position() == second_position
    assert snapshot_rows(views) == rebuilt(services)
    views.dispose()


def _waiting_for_events_lock(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            n = c.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'dialogue_events'::regclass")).scalar()
        return bool(n)
    finally:
        engine.dispose()
