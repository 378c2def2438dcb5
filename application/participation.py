"""The participation statistics as published: quarterly snapshots (issue 11, item 2;
``docs/privacy.md``, "Participation statistics").

Live counts would reveal one person by differencing: an erasure, a registration or a change
of details moves one cell by one. So nothing reads the live view in public. A snapshot counts
the people taking part as of a quarter's last day (the auditors' replay of the log, limited
to events effective by then, into a private in-memory database), rounds every count to the
nearest multiple of 5 and suppresses every cell under 5; only those figures are stored.
``dialogue close-due`` takes the snapshot of a quarter once it has ended (once: a final
snapshot is never rebuilt); the secretariat may publish the quarter so far (not final, taken
as of that day, replaced by one of a later day and by the final one; a second one the same
day is refused: two figures as of one day would show the difference a change made). The public page, its JSON,
the dashboard and the quarter's open-data archive read the latest snapshot, so no change
alters the public figures before the next snapshot.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from application.bootstrap import Services
from application.open_data.export import replayed_views
from application.open_data.quarterly import previous_quarter, quarter_bounds
from application.tables import participation_snapshots_table
from domain.base import SECRETARIAT
from domain.deliberation import quarter_of
from domain.errors import InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError
from projections.people import PARTICIPATION_DIMENSIONS, view_participation

BASE = 5
"""Every published count is a multiple of ``BASE``; a cell of fewer people is suppressed."""


def published_count(count: int) -> int | None:
    """A count as published: None (suppressed) under :data:`BASE`, else the nearest
    multiple of :data:`BASE` (halves up), so never less than :data:`BASE`."""
    return None if count < BASE else BASE * ((count + BASE // 2) // BASE)


def figures_of(views: Engine) -> dict[str, Any]:
    """The published figures of a participation view: ``{"base": 5, "total": int | None,
    "dimensions": {dimension: [{"value", "count": int | None}]}}`` with the dimensions
    ``stakeholder_group``, ``subregion``, ``language``, ``gender``; None is suppressed.
    Cells come largest first (by published count, then value), suppressed ones last."""
    t = view_participation
    with views.connect() as c:
        found = [(str(d), str(v), int(n)) for d, v, n in c.execute(select(t.c.dimension, t.c.value, t.c.count))]
    total = sum(n for d, _, n in found if d == "gender")
    dimensions = {}
    for d in PARTICIPATION_DIMENSIONS:
        cells = [(v, published_count(n)) for dim, v, n in found if dim == d]
        cells.sort(key=lambda c: (c[1] is None, -(c[1] or 0), c[0]))
        dimensions[d] = [{"value": v, "count": n} for v, n in cells]
    return {"base": BASE, "total": published_count(total), "dimensions": dimensions}


def publish_statistics(services: Services, quarter: str | None = None, *, actor: str = SECRETARIAT) -> dict[str, Any]:
    """Take and store the snapshot of ``quarter`` (default: the current one) as of its last
    day, or as of today while it runs (then not final), as the secretariat (``actor``);
    returns it as :func:`latest_statistics` does. A final snapshot already stored is
    returned unchanged; a snapshot of the quarter so far replaces the one of an earlier day,
    and is returned unchanged when asked again the same day with nothing recorded since.

    Raises:
        NotAllowedError: ``secretariat_only`` (and the refusals of ``ctx`` for a bound identity).
        InvalidInputError: ``bad_quarter``, ``quarter_in_future``.
        RuleViolationError: ``statistics_published_today`` (the quarter so far was published
            today already: two sets of figures as of one day reveal what changed between them).
        NotFoundError: ``empty_log``.
    """
    if not services.app.ctx(actor).is_secretariat:
        raise NotAllowedError("Only the secretariat publishes participation statistics.", code="secretariat_only")
    today = services.app.clock.today()
    quarter = quarter or quarter_of(today)
    first, last = quarter_bounds(quarter)
    if first > today:
        raise InvalidInputError(f"The quarter {quarter} has not started.", code="quarter_in_future", field="quarter")
    stored = stored_statistics(services.app.engine, quarter)
    if stored is not None and stored["final"]:
        return stored
    position = int(services.app.recorder.max_notification_id() or 0)
    if position == 0:
        raise NotFoundError("Nothing is recorded yet.", code="empty_log")
    if stored is not None and last >= today and stored["as_of"] == today.isoformat():
        if _stored_position(services.app.engine, quarter) == position:
            return stored  # nothing recorded since: the same figures (``make demo`` run again)
        raise RuleViolationError(
            f"The participation statistics of {quarter} so far were already published today; publish again tomorrow.",
            code="statistics_published_today",
        )
    as_of = min(last, today)
    _projector, views = replayed_views(services.app.recorder, services.app.mapper, position, as_of)
    try:
        figures = figures_of(views)
    finally:
        views.dispose()
    row = {"quarter": quarter, "as_of": as_of, "final": last < today, "position": position, "figures": figures, "built_at": datetime.now(UTC)}
    with services.app.engine.begin() as c:
        c.execute(delete(participation_snapshots_table).where(participation_snapshots_table.c.quarter == quarter))
        c.execute(insert(participation_snapshots_table).values(**row))
    return _published(row)


def close_due_statistics(services: Services) -> dict[str, Any] | None:
    """The deadline job's part: once a quarter has ended, take its final snapshot (once).
    Returns it, or None when it was already taken (or nothing is logged)."""
    quarter = previous_quarter(services.app.clock.today())
    stored = stored_statistics(services.app.engine, quarter)
    if stored is not None and stored["final"]:
        return None
    try:
        return publish_statistics(services, quarter)
    except NotFoundError:
        return None


def _stored_position(engine: Engine, quarter: str) -> int | None:
    t = participation_snapshots_table
    with engine.connect() as c:
        found = c.execute(select(t.c.position).where(t.c.quarter == quarter)).scalar()
    return None if found is None else int(found)


def _published(row: Any) -> dict[str, Any]:
    as_of = row["as_of"]
    return {
        "quarter": row["quarter"], "as_of": as_of.isoformat() if isinstance(as_of, date) else str(as_of),
        "final": bool(row["final"]), **dict(row["figures"]),
    }


def stored_statistics(engine: Engine, quarter: str) -> dict[str, Any] | None:
    """The snapshot of ``quarter`` (None: not taken)."""
    t = participation_snapshots_table
    with engine.connect() as c:
        r = c.execute(select(t).where(t.c.quarter == quarter)).mappings().first()
    return None if r is None else _published(r)


def latest_statistics(engine: Engine) -> dict[str, Any] | None:
    """The latest snapshot: ``{"quarter", "as_of" (ISO date), "final", "base", "total",
    "dimensions"}`` (see :func:`figures_of`); None before the first one."""
    t = participation_snapshots_table
    with engine.connect() as c:
        r = c.execute(select(t).order_by(t.c.quarter.desc()).limit(1)).mappings().first()
    return None if r is None else _published(r)
