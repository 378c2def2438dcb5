"""A read without a transaction is made again once, and only once, when it met a connection
the server had ended (:func:`projections.reads.again_if_disconnected`)."""

from __future__ import annotations

import pytest
from eventsourcing import persistence as es_errors
from sqlalchemy.exc import OperationalError, ProgrammingError

from projections.reads import again_if_disconnected, disconnected


def _closed(invalidated: bool = True) -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("the connection is closed"), connection_invalidated=invalidated)


def test_a_read_that_met_a_closed_connection_is_made_again_and_answers() -> None:
    calls: list[int] = []

    def read() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _closed()
        return "read"

    assert again_if_disconnected(read) == "read"
    assert len(calls) == 2


def test_a_read_that_meets_a_closed_connection_twice_is_made_only_once_again() -> None:
    calls: list[int] = []

    def read() -> str:
        calls.append(1)
        raise _closed()

    with pytest.raises(OperationalError):
        again_if_disconnected(read)
    assert len(calls) == 2


def test_an_error_on_a_connection_still_open_is_not_made_again() -> None:
    calls: list[int] = []

    def read() -> str:
        calls.append(1)
        raise _closed(invalidated=False)

    with pytest.raises(OperationalError):
        again_if_disconnected(read)
    assert len(calls) == 1


def test_a_closed_connection_is_told_through_the_event_stores_error_raised_from_it() -> None:
    try:
        try:
            raise _closed()
        except OperationalError as e:
            raise es_errors.OperationalError(e) from e
    except es_errors.OperationalError as wrapped:
        assert disconnected(wrapped)
    assert not disconnected(ProgrammingError("SELECT x", {}, Exception("no column x")))
