"""Marks of the tables written without an event.

Most of what the pages show follows the event log, so a page kept for the log's and the
views' positions is never older than the history. Three tables change without an event:
the signed checkpoints and their cosignatures (written by ``dialogue audit``) and the
published participation statistics (``dialogue participants publish-statistics``, the
secretariat's button and the deadline job). A page or answer showing them is also kept
for these marks, which change whenever a row is written or replaced.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, func, select

from application.tables import checkpoints_table, cosignatures_table, participation_snapshots_table

_CHECKPOINTS = select(
    select(func.max(checkpoints_table.c.id)).scalar_subquery(),
    select(func.count()).select_from(cosignatures_table).scalar_subquery(),
)
_STATISTICS = select(func.count(), func.max(participation_snapshots_table.c.built_at)).select_from(participation_snapshots_table)


def _read(engine: Engine | Connection, statement: Any) -> tuple[Any, ...]:
    if isinstance(engine, Connection):
        return tuple(engine.execute(statement).one())
    with engine.connect() as c:
        return tuple(c.execute(statement).one())


def checkpoints_mark(engine: Engine | Connection) -> tuple[Any, ...]:
    """The last signed checkpoint's id and the number of cosignatures."""
    return _read(engine, _CHECKPOINTS)


def statistics_mark(engine: Engine | Connection) -> tuple[Any, ...]:
    """The number of published participation snapshots and when the last was built (a
    snapshot published again replaces its row with a new time)."""
    return _read(engine, _STATISTICS)
