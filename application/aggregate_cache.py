"""The aggregate cache of the repository (the library's LRU cache, with fast-forward).

Several processes write to one event store (web workers, the command line), so a cached
aggregate is never trusted as it is: each ``get`` reads the events stored after its cached
version and applies them (the library's fast-forward), one indexed query instead of a
snapshot and the events after it. A command works on a copy (:func:`copy_aggregate`, by
:class:`CopyingRepository`), so a refused or unsaved command leaves the cached aggregate
untouched. The copy is made under the library's fast-forward lock of the aggregate, the
lock under which another thread applies new events to the cached object in place.

Aggregates that hold personal data (any of their event classes has ``personal_fields``:
participants, open calls, join requests, elections) are never cached: their decrypted
fields would otherwise stay in a process's memory after the person's key is erased. An
aggregate class whose state never keeps its events' personal fields says so
(``personal_data_in_state = False``: a table session keeps who took which position, never
the reason) and is cached.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import LRUCache, ProjectorFunction, Repository, project_aggregate

CACHE_SIZE = 1000  # aggregates per process

A = TypeVar("A")

# Values no code can change in place: shared between the cached aggregate and its copy.
_IMMUTABLE: frozenset[type] = frozenset({str, int, float, bool, type(None), bytes, date, datetime, time, timedelta, UUID, Decimal})


def copy_aggregate(aggregate: A) -> A:
    """A copy of ``aggregate`` as independent as ``deepcopy``'s, made cheaply: a new object
    of its class whose attributes share the immutable values (text, numbers, dates, ids)
    and copy the lists, dicts and sets that hold them, element by element; tuples and
    frozensets are shared when what they hold is immutable. Any other value is deep-copied.
    A value reached twice is copied once (as ``deepcopy``: aliases stay aliases)."""
    cls = type(aggregate)
    new = cls.__new__(cls)
    memo: dict[int, Any] = {id(aggregate): new}
    new.__dict__.update({k: _copy(v, memo) for k, v in vars(aggregate).items()})
    return new


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    done = memo.get(id(value))
    if done is not None:
        return done
    if kind is list:
        out_list: list[Any] = []
        memo[id(value)] = out_list
        out_list.extend(_copy(v, memo) for v in value)
        return out_list
    if kind is dict:
        out_dict: dict[Any, Any] = {}
        memo[id(value)] = out_dict
        for k, v in value.items():
            out_dict[k if type(k) in _IMMUTABLE else _copy(k, memo)] = _copy(v, memo)
        return out_dict
    if kind is set:
        out_set: set[Any] = set()
        memo[id(value)] = out_set
        out_set.update(_copy(v, memo) for v in value)
        return out_set
    if kind is tuple or kind is frozenset:
        items = [_copy(v, memo) for v in value]
        same = all(a is b for a, b in zip(items, value, strict=True))
        out = value if same else kind(items)
        memo[id(value)] = out
        return out
    return deepcopy(value, memo)


class CopyingRepository(Repository[Any]):
    """The library's repository, giving a command a :func:`copy_aggregate` of an aggregate
    whose class may be cached instead of a ``deepcopy``, and one that is never cached (one
    holding personal data, a past version) as rebuilt: nothing else holds it."""

    def get(
        self, aggregate_id: Any, *, version: int | None = None, projector_func: ProjectorFunction[Any, Any] = project_aggregate,
        fastforward_skipping: bool = False, deepcopy_from_cache: bool = True,
    ) -> Any:
        aggregate = super().get(
            aggregate_id, version=version, projector_func=projector_func, fastforward_skipping=fastforward_skipping, deepcopy_from_cache=False,
        )
        if not (deepcopy_from_cache and self.deepcopy_from_cache and self.cache is not None and version is None):
            return aggregate
        # Copied whenever its class may be cached, not only when the cache still holds it:
        # another thread may evict or replace the entry after the look-up above, and
        # would then be given the same object.
        if holds_personal_data(type(aggregate)):
            return aggregate
        # Another thread's ``get`` fast-forwards the cached object in place, holding the
        # library's lock of that aggregate: copied under the same lock, so that no copy
        # mixes attributes from before and after that thread's events (or meets a dict
        # growing under it: "dictionary changed size during iteration").
        lock = self._use_fastforward_lock(aggregate_id)
        try:
            with lock:
                return copy_aggregate(aggregate)
        finally:
            self._disuse_fastforward_lock(aggregate_id)


def holds_personal_data(cls: type) -> bool:
    """Whether an aggregate class has an event class with ``personal_fields`` and does not
    say that its state never keeps them (``personal_data_in_state = False``)."""
    known = _personal.get(cls)
    if known is None:
        known = getattr(cls, "personal_data_in_state", True) and any(
            isinstance(v, type) and getattr(v, "personal_fields", None) for c in cls.__mro__ for v in vars(c).values()
        )
        _personal[cls] = known
    return known


_personal: dict[type, bool] = {}


class AggregateCache(LRUCache[Any, Any]):
    """The library's LRU cache, refusing aggregates that hold personal data."""

    def put(self, key: Any, value: Any) -> Any:
        if value is None or holds_personal_data(type(value)):
            return None
        return super().put(key, value)
