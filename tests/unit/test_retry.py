"""The retry of a command that met a concurrent write (application/retry.py), without I/O."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.errors import ConflictError
from application.retry import (
    FIRST_PAUSE,
    LONGEST_PAUSE,
    RETRIES,
    ConcurrentWriteError,
    pause_before,
    retry_on_conflict,
)

AGGREGATE = uuid4()


def failing(times: int) -> tuple[Callable[[], str], list[int]]:
    """An attempt that meets a concurrent write ``times`` times, then saves; and its tries."""
    tries: list[int] = []

    def attempt() -> str:
        tries.append(len(tries) + 1)
        if len(tries) <= times:
            raise ConcurrentWriteError("changed", read={AGGREGATE: 3})
        return "saved"

    return attempt, tries


def nothing_written(read: dict[UUID, int]) -> list[Any]:
    return []


def test_an_attempt_that_meets_concurrent_writes_is_run_again_until_it_saves() -> None:
    attempt, tries = failing(3)
    pauses: list[float] = []

    result = retry_on_conflict(attempt, written_since=nothing_written, sleep=pauses.append)

    assert (result, tries, len(pauses)) == ("saved", [1, 2, 3, 4], 3)


def test_the_tries_are_bounded_and_the_last_conflict_is_raised() -> None:
    attempt, tries = failing(RETRIES + 5)

    with pytest.raises(ConflictError) as refused:
        retry_on_conflict(attempt, written_since=nothing_written, sleep=lambda s: None)

    assert (len(tries), refused.value.code) == (RETRIES + 1, "stale_version")


def test_an_own_change_written_meanwhile_is_refused_without_another_try() -> None:
    attempt, tries = failing(1)
    asked: list[dict[UUID, int]] = []

    def written(read: dict[UUID, int]) -> list[Any]:
        asked.append(read)
        return ["someone else's", "mine"]

    with pytest.raises(ConflictError) as refused:
        retry_on_conflict(attempt, written_since=written, own_change=lambda e: e == "mine", sleep=lambda s: None)

    assert (tries, asked, refused.value.code, type(refused.value)) == ([1], [{AGGREGATE: 3}], "stale_version", ConflictError)


def test_other_errors_of_the_attempt_are_not_retried() -> None:
    tries: list[int] = []

    def attempt() -> None:
        tries.append(1)
        raise ConflictError("the form's version is stale")

    with pytest.raises(ConflictError):
        retry_on_conflict(attempt, written_since=nothing_written, sleep=lambda s: None)

    assert tries == [1]


@pytest.mark.parametrize("attempt", [1, 2, 5, 30])
def test_each_pause_is_random_within_a_growing_bound(attempt: int) -> None:
    bound = min(LONGEST_PAUSE, FIRST_PAUSE * 2**attempt)

    pauses = {pause_before(attempt) for _ in range(200)}

    assert all(0 <= p <= bound for p in pauses)
    assert len(pauses) > 100  # jitter: the writers that lost do not wake together
