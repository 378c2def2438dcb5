"""State kept by handlers for the whole batch of events they are applied to (one
transaction of :mod:`projections.runner`), written once at the batch's end.

A handler that would otherwise read and rewrite the same rows for every event (the
participation counts of :mod:`projections.people`) keeps them in memory for the batch with
:func:`batch_state`: loaded from its tables on first use in the transaction, changed by
each event, and written by its ``write`` function when the runner calls :func:`flush`
(before it moves the tracking positions, in the same transaction), or, when a handler runs
in some other transaction, just before that one commits. Only the handlers of the state's
own projection may read or write its rows during the batch.

Handlers keep the plain form ``handler(session, event, position)``: a handler that uses no
batch state needs nothing of this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")

_KEY = "view_batch"


class _Batch:
    def __init__(self) -> None:
        # key → (state, write), in the order of first use.
        self.states: dict[str, tuple[Any, Callable[[Session, Any], None]]] = {}


def _batch(s: Session) -> _Batch:
    found = s.info.get(_KEY)
    if found is None:
        found = s.info[_KEY] = _Batch()
        if not event.contains(s, "before_commit", flush):
            event.listen(s, "before_commit", flush)
            event.listen(s, "after_rollback", discard)
    return found  # type: ignore[no-any-return]


def batch_state(s: Session, key: str, load: Callable[[Session], T], write: Callable[[Session, T], None]) -> T:
    """The state ``key`` of this transaction's batch: ``load(s)`` on first use, then the same
    object; ``write(s, state)`` is called once when the batch is flushed."""
    found = s.info.get(_KEY)
    if found is not None:
        state = found.states.get(key)
        if state is not None:  # the common case, once per event: the state in use
            return state[0]  # type: ignore[no-any-return]
    b = _batch(s)
    if key not in b.states:
        b.states[key] = (load(s), write)
    return b.states[key][0]  # type: ignore[no-any-return]


def peek(s: Session, key: str) -> Any:
    """The state ``key`` of this transaction's batch if it was used, else None."""
    found = s.info.get(_KEY)
    return None if found is None or key not in found.states else found.states[key][0]


def flush(s: Session) -> None:
    """Write every state of the session's batch and forget them (the next use loads again).
    A state whose ``write`` uses another state (rows of :mod:`projections.statements`)
    starts a new batch: it is written too, before this returns."""
    while (b := s.info.pop(_KEY, None)) is not None:
        for state, write in b.states.values():
            write(s, state)


def discard(s: Session) -> None:
    """Forget the session's batch without writing it (its transaction failed)."""
    s.info.pop(_KEY, None)
