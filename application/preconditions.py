"""Versions a command expects (the API's ``If-Match``): the command runs only on the
aggregate versions the client read.

``with expecting({aggregate_id: version}): app.withdraw_proposal(…)`` makes every load of
that aggregate inside the block (``ApplicationCore._get``) refuse another version with
:class:`application.errors.PreconditionFailedError`; an aggregate saved by someone else
between that load and the save makes the save itself fail (optimistic concurrency), which
the API reports the same way. Nothing is written in either case.

:func:`aggregate_version` is the version a client would read now (the event store's, so it
never lags behind the views).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from application.errors import PreconditionFailedError

_expected: ContextVar[Mapping[str, int] | None] = ContextVar("dialogue_expected_versions", default=None)


@contextmanager
def expecting(versions: Mapping[UUID | str, int]) -> Iterator[None]:
    """Bind the versions the commands of the block expect (aggregate id → version)."""
    token = _expected.set({str(k): int(v) for k, v in versions.items()})
    try:
        yield
    finally:
        _expected.reset(token)


def expected_versions() -> Mapping[str, int]:
    return _expected.get() or {}


def check_expected(aggregate: Any) -> None:
    """Refuse ``aggregate`` (just loaded) when its version is not the one expected.

    Raises:
        PreconditionFailedError: ``version_mismatch``.
    """
    wanted = expected_versions().get(str(aggregate.id))
    if wanted is not None and int(aggregate.version) != wanted:
        raise PreconditionFailedError(
            f"This changed since you read it (version {wanted}, now {aggregate.version}); read it again.",
        )


def aggregate_version(app: Any, aggregate_id: UUID | str) -> int | None:
    """The version of an aggregate in the event store, or None when it does not exist."""
    try:
        uid = aggregate_id if isinstance(aggregate_id, UUID) else UUID(str(aggregate_id))
    except ValueError:
        return None
    found = app.recorder.select_events(uid, desc=True, limit=1)
    return int(found[0].originator_version) if found else None
