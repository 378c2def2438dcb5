"""Read models built from the event log (docs/design.md, "Projections";
docs/architecture.md, "Projections by area").

One module per area holds that area's view tables, its handlers by event topic and its
queries (:mod:`projections.base` says what a module declares). :data:`PROJECTIONS` lists
them; :mod:`projections.runner` follows the log into all of them exactly once, and every
view can be rebuilt from an empty database to the same rows. Imports ``domain`` and
SQLAlchemy only, never ``application``/``web``.
"""

from __future__ import annotations

from sqlalchemy import Table

from projections import (
    calls,
    dashboards,
    deadlines,
    discussion,
    elections,
    follow_up,
    indicators,
    join_requests,
    liaison,
    people,
    proposal_marks,
    proposals,
    search,
    sessions,
    settings,
    tables,
)
from projections.base import Projection

# Every projection, in the order their handlers see one event. A new area adds its module
# here (one line).
PROJECTIONS: tuple[Projection, ...] = (
    people.projection,
    settings.projection,
    tables.projection,
    elections.projection,
    indicators.projection,
    proposals.projection,
    sessions.projection,
    liaison.projection,
    follow_up.projection,
    dashboards.projection,
    deadlines.projection,
    search.projection,
    calls.projection,
    discussion.projection,
    join_requests.projection,
)
# Last: it follows every topic the others handle (each proposal's change mark).
proposal_marks.follow({t for p in PROJECTIONS for t in p.handlers})
PROJECTIONS += (proposal_marks.projection,)


def view_tables() -> list[Table]:
    """Every view table of every projection."""
    return [t for p in PROJECTIONS for t in p.tables]


def handled_topics() -> set[str]:
    """Every topic some projection handles."""
    return {t for p in PROJECTIONS for t in p.handlers}
