"""A rebuild leaves the process's objects from before it out of the garbage collector's full
collections while it runs, and collects its youngest generation less often
(``projections.runner.long_lived_frozen``, ``docs/performance.md``), and leaves the collector
as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from application.bootstrap import Services
from projections.runner import PASS_YOUNG_THRESHOLD
from tests.conftest import draft_sample_proposal, seed_members


@pytest.fixture
def collector_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.enable()
    gc.set_threshold(*thresholds)


def frozen_during_catch_up(s: Services, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of frozen objects seen when the rebuild's catch-up runs."""
    seen: list[int] = []
    catch_up = s.projector.catch_up

    def counting(**kwargs: Any) -> int:
        seen.append(gc.get_freeze_count())
        return catch_up(**kwargs)

    monkeypatch.setattr(s.projector, "catch_up", counting)
    return seen


def test_a_rebuild_freezes_the_process_objects_while_it_runs_then_unfreezes_them(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, collector_restored: None,
) -> None:
    s = sqlite_services
    draft_sample_proposal(s.app, seed_members(s.app, 2)[0])
    seen = frozen_during_catch_up(s, monkeypatch)
    assert gc.get_freeze_count() == 0
    assert s.projector.rebuild() > 0
    assert len(seen) == 1 and seen[0] > 10_000  # the modules, metadata and services loaded
    assert gc.get_freeze_count() == 0


def test_a_rebuild_keeps_a_freeze_the_process_made_itself(sqlite_services: Services, collector_restored: None) -> None:
    s = sqlite_services
    draft_sample_proposal(s.app, seed_members(s.app, 2)[0])
    gc.freeze()
    assert s.projector.rebuild() > 0
    assert gc.get_freeze_count() > 10_000  # not unfrozen by the rebuild


def thresholds_during_catch_up(s: Services, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The collector's thresholds seen when the rebuild's catch-up runs."""
    seen: list[tuple[int, ...]] = []
    catch_up = s.projector.catch_up

    def watching(**kwargs: Any) -> int:
        seen.append(gc.get_threshold())
        return catch_up(**kwargs)

    monkeypatch.setattr(s.projector, "catch_up", watching)
    return seen


def test_a_rebuild_collects_its_youngest_generation_less_often_then_sets_the_threshold_back(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, collector_restored: None,
) -> None:
    s = sqlite_services
    draft_sample_proposal(s.app, seed_members(s.app, 2)[0])
    gc.set_threshold(700, 10, 10)
    seen = thresholds_during_catch_up(s, monkeypatch)
    assert s.projector.rebuild() > 0
    assert seen == [(PASS_YOUNG_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_rebuild_keeps_the_thresholds_of_a_process_that_froze_its_objects_itself(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, collector_restored: None,
) -> None:
    s = sqlite_services
    draft_sample_proposal(s.app, seed_members(s.app, 2)[0])
    gc.set_threshold(700, 10, 10)
    gc.freeze()
    seen = thresholds_during_catch_up(s, monkeypatch)
    assert s.projector.rebuild() > 0
    assert seen == [(700, 10, 10)]
