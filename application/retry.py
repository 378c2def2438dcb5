"""Retrying a command that met a concurrent write (optimistic concurrency, docs/rules.md
"Simultaneous commands").

Every position of a session is an event of one ``TableDeliberation`` and every vote of a
round an event of one ``LiaisonEndorsement``: members acting at the same moment write to the
same aggregate, and all but one meet a newer version when they save. For a command whose
outcome does not depend on what the others did (a position, a vote, a UN agency's advice, an
amendment proposal, a government response, a follow-up entry) the application reloads, checks
the rules again and saves, a bounded number of times with a random pause between tries.

Commands where the person acted on what they saw are not retried: a revision (its
``expected_version``), a decision (on the tally shown), and a change of the same thing by the
same person (or seat, or state) written in the meantime — a member sending two positions on
one item at once. Those answer :class:`ConflictError` (HTTP 409) and the form keeps the text.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from application.errors import ConflictError

T = TypeVar("T")

RETRIES = 12
"""Tries after the first; with the pauses below, more than a dozen writers on one aggregate."""
FIRST_PAUSE = 0.005
LONGEST_PAUSE = 0.2
"""Seconds: before try ``n`` the pause is uniform in [0, min(LONGEST_PAUSE, FIRST_PAUSE·2ⁿ)]
("full jitter"), so the writers that lost spread out instead of colliding again."""


class ConcurrentWriteError(ConflictError):
    """The store refused a save: another command wrote to one of the aggregates since it
    was read. ``read`` maps each aggregate id saved to the version the command had read."""

    def __init__(self, message: str, *, read: dict[UUID, int]) -> None:
        super().__init__(message)
        self.read = read


def pause_before(attempt: int) -> float:
    """The random pause in seconds before retry number ``attempt`` (1, 2, …)."""
    return random.uniform(0.0, min(LONGEST_PAUSE, FIRST_PAUSE * 2**attempt))


def retry_on_conflict(
    attempt: Callable[[], T],
    *,
    written_since: Callable[[dict[UUID, int]], Iterable[Any]],
    own_change: Callable[[Any], bool] | None = None,
    retries: int = RETRIES,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``attempt`` (load → check the rules → save) until it saves.

    ``attempt`` must load what it needs each time it runs. When it meets a concurrent write,
    the events written since its read (``written_since(read)``) are examined: if
    ``own_change`` holds for one of them, the person changed the same thing at once from
    elsewhere and :class:`ConflictError` is raised; otherwise ``attempt`` runs again after a
    pause (:func:`pause_before`), at most ``retries`` more times.

    Raises:
        ConflictError: ``stale_version`` on an own change in the meantime, or when every try
            met a concurrent write. Any error of ``attempt`` (a rule that no longer holds after
            the reload is refused as it would be on a first try).
    """
    tries = 0
    while True:
        try:
            return attempt()
        except ConcurrentWriteError as e:
            if own_change is not None and any(own_change(event) for event in written_since(e.read)):
                raise ConflictError(
                    "You changed this from elsewhere at the same moment; your text is kept below: check it and send it again."
                ) from e
            tries += 1
            if tries > retries:
                raise
            sleep(pause_before(tries))


def event_of(aggregate: type, name: str, **fields: Any) -> Callable[[Any], bool]:
    """A test for ``own_change``: the event is ``aggregate``'s event ``name`` (as declared by
    ``@event(name)``) with every one of ``fields`` equal to the value given."""
    cls = getattr(aggregate, name)

    def matches(event: Any) -> bool:
        return isinstance(event, cls) and all(getattr(event, k, None) == v for k, v in fields.items())

    return matches
