"""Every stored event and aggregate has a label the audit pages translate."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from eventsourcing.domain import Aggregate

import domain
from domain.base import DialogueAggregate
from web.labels import AGGREGATE_LABELS, EVENT_LABELS


def _aggregates() -> list[type[Aggregate]]:
    found = []
    for m in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{m.name}")
        found += [c for _, c in inspect.getmembers(module, inspect.isclass) if issubclass(c, Aggregate) and c.__module__ == module.__name__]
    return [c for c in found if c is not DialogueAggregate]


def test_every_aggregate_has_a_label() -> None:
    assert sorted(c.__name__ for c in _aggregates() if c.__name__ not in AGGREGATE_LABELS) == []


def test_every_event_of_every_aggregate_has_a_label() -> None:
    events = {
        name for c in _aggregates() for name, e in inspect.getmembers(c, inspect.isclass)
        if issubclass(e, Aggregate.Event) and name not in ("Event", "Created", "Snapshot")
    }
    assert sorted(events - set(EVENT_LABELS)) == []
