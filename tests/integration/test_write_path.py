"""The write path's shortcuts (docs/performance.md): the inline views written in the events'
own transaction, and the aggregate cache, fast-forwarded and never holding personal data."""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from application import aggregate_cache
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from domain.base import Ctx
from domain.errors import DomainError
from domain.proposal import Proposal
from projections import proposals as proposal_views
from projections.base import topic as topic_of
from projections.proposals import get_proposal
from tests.conftest import draft_sample_proposal, seed_members


def _inline(url: str, key: str, clock: FixedClock) -> Services:
    return bootstrap(Config(database_url=url, master_key=key, inline_projection=True), clock=clock)


def _cached_ids(s: Services) -> set[UUID]:
    cache: Any = s.app.repository.cache
    return set(cache.cache)


def test_the_views_are_written_in_the_events_transaction(database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)

    def no_catch_up(**_: Any) -> int:
        raise AssertionError("the views should have been written with the events")

    monkeypatch.setattr(s.projector, "catch_up", no_catch_up)
    s.app.revise_proposal(pid, {"title": "Written with the events"}, actor=str(author))
    assert s.projector.position() == s.app.last_position
    assert get_proposal(s.projector.engine, str(pid))["title"] == "Written with the events"  # type: ignore[index]


def test_views_left_behind_are_caught_up_after_the_save(database_url: str, master_key: str, clock: FixedClock) -> None:
    behind = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False), clock=clock)
    author = seed_members(behind.app)[0]
    pid = draft_sample_proposal(behind.app, author)
    assert behind.projector.position() == 0
    s = _inline(database_url, master_key, clock)
    s.app.revise_proposal(pid, {"title": "Caught up"}, actor=str(author))
    assert s.projector.position() == s.app.last_position
    assert get_proposal(s.projector.engine, str(pid))["title"] == "Caught up"  # type: ignore[index]


def test_a_cached_proposal_sees_what_another_process_wrote(database_url: str, master_key: str, clock: FixedClock) -> None:
    first = _inline(database_url, master_key, clock)
    author = seed_members(first.app)[0]
    pid = draft_sample_proposal(first.app, author)
    assert first.app.proposal(pid).title == "Safe pathways"
    assert pid in _cached_ids(first)
    other = _inline(database_url, master_key, clock)
    other.app.revise_proposal(pid, {"title": "Revised elsewhere"}, actor=str(author))
    assert first.app.proposal(pid).title == "Revised elsewhere"
    first.app.revise_proposal(pid, {"title": "Revised here"}, actor=str(author))
    assert other.app.proposal(pid).title == "Revised here"


def test_a_refused_command_leaves_the_cached_proposal_unchanged(database_url: str, master_key: str, clock: FixedClock) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    version = s.app.proposal(pid).version
    with pytest.raises(DomainError):
        s.app.revise_proposal(pid, {"title": ""}, actor=str(author))
    cached: Any = s.app.repository.cache.get(pid)  # type: ignore[union-attr]
    assert (cached.title, cached.version) == ("Safe pathways", version)


def test_changing_a_proposal_taken_from_the_cache_without_saving_it_leaves_the_cache_unchanged(
    database_url: str, master_key: str, clock: FixedClock,
) -> None:
    s = _inline(database_url, master_key, clock)
    author, member = seed_members(s.app, 2)
    pid = draft_sample_proposal(s.app, author)
    taken = s.app.proposal(pid)  # cached now; this one is a copy
    taken.co_authors.append(str(member))
    taken.objectives.append(99)
    taken.amendments["x"] = {"status": "invented"}
    taken.revise(Ctx(actor=str(author), effective_date=clock.today(), command_id="never-saved"), {"title": "Never saved"})
    again = s.app.proposal(pid)
    cached: Any = s.app.repository.cache.get(pid)  # type: ignore[union-attr]
    for p in (again, cached):
        assert (p.title, p.co_authors, p.amendments, p.version) == ("Safe pathways", [], {}, taken.version - 1)
        assert 99 not in p.objectives and not p.pending_events
    assert again is not cached


def test_a_proposal_evicted_from_the_cache_while_taken_is_still_given_as_a_copy(database_url: str, master_key: str, clock: FixedClock) -> None:
    # Another thread evicts (or replaces) the entry between the library's look-up and the
    # repository's: the command must still get a copy, never the object others were given.
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    s.app.proposal(pid)  # cached now
    cache: Any = s.app.repository.cache
    held = cache.get(pid)
    looked_up = cache.get

    def get_then_evicted(key: Any, *args: Any, **kwargs: Any) -> Any:
        found = looked_up(key, *args, **kwargs)
        cache.get = lambda *_a, **_k: (_ for _ in ()).throw(KeyError(key))
        return found

    cache.get = get_then_evicted
    taken = s.app.proposal(pid)
    assert taken is not held
    assert (taken.title, taken.version) == (held.title, held.version)


def test_participants_are_never_cached(database_url: str, master_key: str, clock: FixedClock) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    assert s.app.participant(author).display_name == "Member 0"
    assert author not in _cached_ids(s)


def test_a_view_failing_with_the_events_leaves_the_command_stored_once_and_the_views_behind(
    database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    views_at = s.projector.position()

    def failing(*_: Any) -> None:
        raise RuntimeError("injected view failure")

    monkeypatch.setitem(proposal_views.projection.handlers, topic_of(Proposal, "Revised"), failing)
    version = s.app.revise_proposal(pid, {"title": "Stored without the views"}, actor=str(author), command_id="failing-view")
    assert s.app.proposal(pid).title == "Stored without the views"
    assert [e.originator_version for e in s.app.recorder.select_events(pid, gt=version - 2)] == [version - 1, version]
    assert s.app.command_position("failing-view") == s.app.last_position
    assert s.projector.position() == views_at
    assert s.projector.failure == (s.app.last_position, "RuntimeError")


def test_a_refused_lock_on_the_views_tracking_leaves_the_command_stored_and_the_views_behind(
    database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    views_at = s.projector.position()

    def refused(*_: Any) -> None:
        raise OperationalError("SELECT ... FOR UPDATE", {}, Exception("deadlock detected"))

    monkeypatch.setattr(s.projector.tracking, "lock_present", refused)
    s.app.revise_proposal(pid, {"title": "Stored though the lock was refused"}, actor=str(author), command_id="refused-lock")

    assert s.app.proposal(pid).title == "Stored though the lock was refused"
    assert s.app.command_position("refused-lock") == s.app.last_position
    assert s.projector.position() == s.app.last_position > views_at  # caught up after the command, as before
    assert proposal_views.get_proposal(s.projector.engine, str(pid))["title"] == "Stored though the lock was refused"


def test_waiting_for_views_written_with_the_events_reads_nothing(database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    s.app.revise_proposal(pid, {"title": "Shown at once"}, actor=str(author))

    def no_read(*_: Any, **__: Any) -> int:
        raise AssertionError("the views were written with the events: nothing to read")

    monkeypatch.setattr(s.projector, "catch_up", no_read)
    monkeypatch.setattr(s.projector, "positions", no_read)
    assert s.wait_for_views()
    monkeypatch.undo()
    assert get_proposal(s.projector.engine, str(pid))["title"] == "Shown at once"  # type: ignore[index]


def test_waiting_for_views_left_behind_by_the_save_brings_them_up(database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    monkeypatch.setattr(s.projector, "apply_in_transaction", lambda *_: False)  # the views stood elsewhere
    monkeypatch.setattr(s.app, "on_saved", [])  # and nothing caught them up after the save
    s.app.revise_proposal(pid, {"title": "Caught up by the wait"}, actor=str(author))
    assert s.projector.position() < s.app.last_position
    assert s.wait_for_views()
    assert get_proposal(s.projector.engine, str(pid))["title"] == "Caught up by the wait"  # type: ignore[index]


def _deployed(url: str, key: str, clock: FixedClock) -> Services:
    return bootstrap(Config(database_url=url, master_key=key, inline_projection=False), clock=clock)


def test_views_brought_up_to_the_writers_own_save_take_its_events_without_reading_the_log(
    database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _deployed(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    assert s.projector.reach(s.app.last_position)
    s.app.revise_proposal(pid, {"title": "Applied from the save"}, actor=str(author))

    def no_read(*_: Any, **__: Any) -> Any:
        raise AssertionError("the save's own events were read back from the log")

    monkeypatch.setattr(s.app.recorder, "select_notifications", no_read)
    assert s.projector.reach(s.app.last_position)
    monkeypatch.undo()
    assert s.projector.position() == s.app.last_position
    assert get_proposal(s.projector.engine, str(pid))["title"] == "Applied from the save"  # type: ignore[index]


def test_views_further_behind_than_the_writers_save_read_the_log(database_url: str, master_key: str, clock: FixedClock) -> None:
    s = _deployed(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    other = _deployed(database_url, master_key, clock)  # another process's write, not applied
    other.app.revise_proposal(pid, {"title": "Written elsewhere"}, actor=str(author))
    s.app.revise_proposal(pid, {"title": "Written here"}, actor=str(author))
    assert s.app.dialogue_recorder.just_saved(s.projector.position(), s.app.last_position) is None
    assert s.projector.reach(s.app.last_position)
    version = get_proposal(s.projector.engine, str(pid))
    assert version is not None and version["title"] == "Written here" and version["version"] == 3


def test_a_save_whose_commit_failed_leaves_nothing_to_take(database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    s = _deployed(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)

    def failing_commit(*_: Any, **__: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        s.app.revise_proposal(pid, {"title": "Never stored"}, actor=str(author))
    monkeypatch.undo()
    before, notes = s.app.dialogue_recorder._local.pending  # what the failed save had kept
    assert s.app.dialogue_recorder.just_saved(before, notes[-1].id) is None


def test_another_threads_fast_forward_waits_for_a_copy_of_the_cached_proposal_being_made(
    database_url: str, master_key: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Thread A has fast-forwarded the cached proposal and copies it; thread B takes the same
    # proposal after another process revised it, and fast-forwards the cached object in
    # place. A copy made while B applies its events would mix both (the old version with
    # the new title), or meet a dict growing under it.
    s = _inline(database_url, master_key, clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    s.app.proposal(pid)  # cached now
    other = _inline(database_url, master_key, clock)
    read_version = other.app.revise_proposal(pid, {"title": "Revised first"}, actor=str(author))
    copy = aggregate_cache._copy
    taken: dict[str, Any] = {}

    def copy_meeting_another_thread(value: Any, memo: dict[int, Any]) -> Any:
        if value == "Revised first" and threading.current_thread().name == "A" and "b" not in taken:
            # A is half-way through the copy (the version copied, the title not yet).
            b = taken["b"] = threading.Thread(target=lambda: taken.update(B=s.app.proposal(pid)), name="B")
            other.app.revise_proposal(pid, {"title": "Revised again"}, actor=str(author))
            b.start()
            b.join(timeout=1.0)  # B may fast-forward now only if nothing holds it back
            taken["B waited"] = b.is_alive()
        return copy(value, memo)

    monkeypatch.setattr(aggregate_cache, "_copy", copy_meeting_another_thread)
    a = threading.Thread(target=lambda: taken.update(A=s.app.proposal(pid)), name="A")
    a.start()
    a.join(timeout=30)
    taken["b"].join(timeout=30)
    assert (taken["A"].version, taken["A"].title) == (read_version, "Revised first")
    assert taken["B waited"]
    assert (taken["B"].version, taken["B"].title) == (read_version + 1, "Revised again")
