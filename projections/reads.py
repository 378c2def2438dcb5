"""One-statement reads without a transaction around them (PostgreSQL; issue 14).

A read of one statement through a connection in a transaction costs, on PostgreSQL, three
round trips: the driver's ``BEGIN``, the ``SELECT``, and the pool's ``ROLLBACK`` when the
connection goes back. In autocommit the ``SELECT`` is alone, and it sees what it would
have seen as the first statement of a transaction: every transaction committed before it
began (one statement reads one snapshot at any isolation level). So a read
that is one statement (a command's look-ups, an aggregate's events, the views' positions)
goes through :func:`reader` of its engine: the same pool, each connection put in
autocommit while it is used (SQLAlchemy sets it back when the connection returns to the
pool). On SQLite the driver begins no transaction for a ``SELECT`` anyway: the engine itself.

Such a read is made once more when it meets a connection the server had ended
(:func:`read_one_statement`, :func:`again_if_disconnected`): the check of a connection taken from
the pool (:mod:`application.liveness`) looks at its socket, and a backend ended an instant
before (``pg_terminate_backend``, a restart) may not have told it yet. SQLAlchemy marks the
error ``connection_invalidated`` and empties the pool of the connections opened before it,
so the second try takes a new connection. Only these reads are made again: outside any
transaction, they changed nothing and saw nothing that the second try would not see. A
write, or a read inside a transaction, is never made again here: its error is the command's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

log = logging.getLogger("dialogue.reads")

# The autocommit engine kept on its engine (a mapping from engines would keep every
# engine alive: the value refers to its key).
_READER = "_dialogue_reader"


def reader(engine: Engine) -> Engine:
    """The engine to read one statement through (the module docstring)."""
    if engine.dialect.name != "postgresql":
        return engine
    found: Engine | None = getattr(engine, _READER, None)
    if found is None:
        found = engine.execution_options(isolation_level="AUTOCOMMIT")
        setattr(engine, _READER, found)
    return found


def disconnected(error: BaseException) -> bool:
    """Whether ``error``, or an error it was raised from (the event store's wrap SQLAlchemy's),
    is SQLAlchemy's for a connection found closed (``connection_invalidated``: the driver's
    connection closed or broken, e.g. psycopg's ``OperationalError`` after the server ended it)."""
    e: BaseException | None = error
    for _ in range(8):  # a chain of causes is short; bounded against a cycle
        if e is None:
            return False
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return True
        e = e.__cause__
    return False


def again_if_disconnected(read: Callable[[], T]) -> T:
    """``read()``, called a second time (once) when it failed on a connection the server had
    ended. ``read`` must be a read outside any transaction taking its own connection from
    the pool (the module docstring); a second failure is raised."""
    try:
        return read()
    except Exception as e:
        if not disconnected(e):
            raise
        log.info("a read met a connection the database had closed; reading again on a new one")
    return read()


def read_one_statement(engine: Engine, read: Callable[[Connection], T]) -> T:
    """``read`` of one statement on a connection of :func:`reader`, without a transaction,
    made again once on a new connection when the first was found closed."""

    def attempt() -> T:
        with reader(engine).connect() as c:
            return read(c)

    return again_if_disconnected(attempt)
