"""Whether a pooled database connection is still alive, checked when it is taken from the
pool without a round trip to the server (PostgreSQL; issue 14).

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` (and switches the connection to
autocommit and back) on every checkout: a round trip before each of a command's reads and
of its save. A connection the server ends (``pg_terminate_backend``, a restart, an idle
timeout) is told by the server before it closes the socket, which then reads as ready
(the message and the end of the stream). An idle connection in the pool has nothing to
read otherwise. So the check at checkout looks at the socket without waiting
(``poll`` with a zero timeout): quiet, the connection is used as it is; anything to read,
it is pinged as ``pool_pre_ping`` would, and a failed ping makes the pool replace it
(``DisconnectionError``: the pool opens a new connection and the command goes on). A
connection that has no socket to look at (another driver) is always pinged. A backend the
server ends an instant before its connection is taken may not have told the socket yet: a
read of one statement outside any transaction that then fails is made once more
(:mod:`projections.reads`); a write fails its command.

Connections are also replaced after ``RECYCLE_SECONDS`` (``pool_recycle``), so that none
outlives the idle limits of firewalls between the service and its database.
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

RECYCLE_SECONDS = 1800


def socket_quiet(dbapi_connection: Any) -> bool:
    """Whether the connection's socket has nothing to read (False when it cannot be told)."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        fd = fileno()
    except Exception:  # noqa: BLE001 - a closed connection has no socket: not quiet
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


def check_on_checkout(engine: Engine) -> None:
    """Check each connection of ``engine`` when it leaves the pool (the module docstring)."""
    dialect = engine.dialect

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if socket_quiet(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as e:  # noqa: BLE001 - any failure of the ping: replace the connection
            raise DisconnectionError("the database connection was closed") from e

    event.listen(engine, "checkout", checkout)
