"""Snapshots of the aggregates whose histories grow: taken every ``INTERVAL`` events, loaded
as the same aggregate its events give, never in the way of a command."""

from __future__ import annotations

import logging
from functools import reduce
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Snapshot

from application.bootstrap import Services
from application.persistence import notifications
from application.snapshots import INTERVAL, INTERVALS
from tests.conftest import draft_sample_proposal, seed_members


def _replayed(services: Services, aggregate_id: UUID) -> Any:
    """The aggregate from its events alone (no snapshot)."""
    return reduce(lambda a, e: e.mutate(a), services.app.events.get(aggregate_id), None)


def _revised(services: Services, events: int) -> tuple[UUID, UUID]:
    """A proposal of ``events`` events (drafted, then revised in memory and saved once)."""
    author = seed_members(services.app)[0]
    pid = draft_sample_proposal(services.app, author)
    ctx = services.app.ctx(str(author))
    p = services.app.proposal(pid)
    for n in range(2, events + 1):
        p.revise(ctx, {"title": f"Safe pathways, revision {n}"})
    services.app._save(ctx, p)
    return pid, author


def _snapshot_versions(services: Services, aggregate_id: UUID) -> list[int]:
    assert services.app.snapshots is not None
    return [s.originator_version for s in services.app.snapshots.get(aggregate_id)]


def test_a_save_that_passes_the_interval_stores_a_snapshot_of_the_saved_version(services: Services) -> None:
    pid, _ = _revised(services, INTERVAL + 5)
    assert _snapshot_versions(services, pid) == [INTERVAL + 5]


def test_a_shorter_history_has_no_snapshot(services: Services) -> None:
    pid, _ = _revised(services, INTERVAL - 1)
    assert _snapshot_versions(services, pid) == []


def test_a_proposal_loaded_from_its_snapshot_is_the_one_its_events_give(services: Services) -> None:
    pid, author = _revised(services, INTERVAL + 5)
    services.app.revise_proposal(pid, {"title": "After the snapshot"}, actor=str(author))
    loaded = services.app.proposal(pid)
    assert (loaded.version, loaded.title) == (INTERVAL + 6, "After the snapshot")
    assert vars(loaded) == vars(_replayed(services, pid))


def test_every_snapshotted_kind_of_the_scenario_comes_back_from_its_snapshot(loaded: Services) -> None:
    ids = {n.originator_id for n in notifications(loaded.app.recorder)}
    kinds: set[str] = set()
    for aggregate_id in ids:
        a = loaded.app.repository.get(aggregate_id)
        if type(a) not in INTERVALS:
            continue
        kinds.add(type(a).__name__)
        stored = loaded.app.mapper.to_stored_event(Snapshot.take(a))
        assert vars(loaded.app.mapper.to_domain_event(stored).mutate(None)) == vars(a)
    assert kinds == {"Proposal", "TableDeliberation", "LiaisonEndorsement", "WorkingTable", "MechanismSettings"}


def test_a_snapshot_that_cannot_be_stored_leaves_the_command_applied(
    services: Services, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid, author = _revised(services, INTERVAL - 1)

    def refuse(_snapshots: Any) -> None:
        raise OSError("the snapshot store is full")

    assert services.app.snapshots is not None
    monkeypatch.setattr(services.app.snapshots, "put", refuse)
    with caplog.at_level(logging.WARNING, logger="application.snapshots"):
        version = services.app.revise_proposal(pid, {"title": "Saved anyway"}, actor=str(author))
    assert version == INTERVAL
    assert [e.originator_version for e in services.app.events.get(pid)][-1] == INTERVAL
    assert f"snapshot of {pid} at version {INTERVAL} not stored" in caplog.text


def test_a_participant_holds_a_key_until_their_erasure(services: Services) -> None:
    pid = seed_members(services.app)[0]
    assert services.keys.holds(str(pid))
    services.app.erase_participant(pid)
    assert not services.keys.holds(str(pid))
