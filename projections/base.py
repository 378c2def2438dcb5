"""What every projection module declares: its name, its version, its view tables and its
handlers by event topic (the queries are plain functions beside them).

A projection module (one per area: ``projections/proposals.py``, ``sessions.py``…)
starts with ``projection = Projection("proposals", version=1)``, declares its tables with
:meth:`Projection.table` and its handlers with :meth:`Projection.on`. The table names
carry the version from version 2 on (``view_proposals_v2``), so that a new version is
built beside the old one. :data:`projections.PROJECTIONS` lists every module's projection;
the exactly-once runner (:mod:`projections.runner`) applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Engine, Integer, MetaData, String, Table
from sqlalchemy.orm import Session
from sqlalchemy.schema import SchemaItem

Handler = Callable[[Session, Any, int], None]

# Column types shared by the view tables.
BigInt = BigInteger().with_variant(Integer(), "sqlite")
Id = String(36)


_TEXT_IDS: dict[int, str] = {}
_TEXT_IDS_KEPT = 4096
_last: tuple[Any, str] = (object(), "")  # the last UUID object turned into text, and its text


def text_id(uuid: Any) -> str:
    """An aggregate's id as the views' text (``str`` of a UUID, kept for the ids met again,
    by the UUID's number: hashing a UUID object is Python code, its number's is not)."""
    global _last
    last = _last  # one read: another thread may replace it
    if uuid is last[0]:  # the same event's id, asked again by its next handler
        return last[1]
    if type(uuid) is not UUID:
        return str(uuid)
    n = uuid.int
    found = _TEXT_IDS.get(n)
    if found is None:
        if len(_TEXT_IDS) >= _TEXT_IDS_KEPT:
            _TEXT_IDS.clear()
        found = _TEXT_IDS[n] = str(uuid)
    _last = (uuid, found)
    return found


def is_id(value: Any) -> bool:
    """Whether ``value`` is an aggregate id (the text of a UUID): a read by id answers
    nothing for any other text without asking the database (PostgreSQL refuses a NUL byte
    in a text parameter, and no view row has such an id)."""
    if type(value) is UUID:
        return True
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def topic(aggregate: type, event_name: str) -> str:
    """The stored topic of an aggregate's event, e.g. ``domain.proposal:Proposal.Drafted``."""
    return f"{aggregate.__module__}:{aggregate.__qualname__}.{event_name}"


class Projection:
    """One area's read model: its view tables (one ``MetaData``) and its handlers.

    Args:
        name: the projection's name (``proposals``); stable, used for its tracking.
        version: raise it when the tables' shape or the handlers' meaning changes: the
            views are then rebuilt from the log into tables of the new version.
    """

    def __init__(self, name: str, *, version: int = 1) -> None:
        self.name = name
        self.version = version
        self.metadata = MetaData()
        self.handlers: dict[str, Handler] = {}

    def __repr__(self) -> str:
        return f"Projection({self.name!r}, version={self.version})"

    @property
    def tracking_name(self) -> str:
        """The name of this projection's tracking row at this version (``proposals.v1``)."""
        return f"{self.name}.v{self.version}"

    def table_name(self, base: str) -> str:
        """The stored name of view table ``base`` at this version (``view_<base>``, then
        ``view_<base>_v<N>`` from version 2)."""
        return f"view_{base}" if self.version == 1 else f"view_{base}_v{self.version}"

    def table(self, base: str, *columns: SchemaItem, **kwargs: Any) -> Table:
        """Declare a view table of this projection (``base`` without the ``view_`` prefix);
        ``columns`` may hold its indexes and constraints too."""
        return Table(self.table_name(base), self.metadata, *columns, **kwargs)

    @property
    def tables(self) -> list[Table]:
        return list(self.metadata.sorted_tables)

    def on(self, *topics: str) -> Callable[[Handler], Handler]:
        """Register a handler for the events with these topics (one handler per topic)."""
        def register(fn: Handler) -> Handler:
            for t in topics:
                if t in self.handlers:
                    raise ValueError(f"{self.name}: two handlers for {t}")
                self.handlers[t] = fn
            return fn
        return register


def rows(engine: Engine, query: Any, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of ``query`` as plain dicts; ``params`` are the values of its bound
    parameters, for a statement built once with ``bindparam()`` (a read made per request
    then skips building the statement and working out its cache key)."""
    with engine.connect() as c:
        return [dict(r) for r in c.execute(query, params).mappings()]
