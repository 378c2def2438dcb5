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
"""

from __future__ import annotations

from sqlalchemy import Engine

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
