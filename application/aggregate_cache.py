"""The aggregate cache of the repository (the library's LRU cache, with fast-forward).

Several processes write to one event store (web workers, the command line), so a cached
aggregate is never trusted as it is: each ``get`` reads the events stored after its cached
version and applies them (the library's fast-forward), one indexed query instead of a
snapshot and the events after it. A command works on a deep copy, so a refused command
leaves the cached aggregate untouched.

Aggregates that hold personal data (any of their event classes has ``personal_fields``:
participants, open calls, join requests, elections) are never cached: their decrypted
fields would otherwise stay in a process's memory after the person's key is erased.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import LRUCache

CACHE_SIZE = 1000  # aggregates per process


def holds_personal_data(cls: type) -> bool:
    """Whether an aggregate class has an event class with ``personal_fields``."""
    known = _personal.get(cls)
    if known is None:
        known = any(isinstance(v, type) and getattr(v, "personal_fields", None) for c in cls.__mro__ for v in vars(c).values())
        _personal[cls] = known
    return known


_personal: dict[type, bool] = {}


class AggregateCache(LRUCache[Any, Any]):
    """The library's LRU cache, refusing aggregates that hold personal data."""

    def put(self, key: Any, value: Any) -> Any:
        if value is None or holds_personal_data(type(value)):
            return None
        return super().put(key, value)
