"""Where the history stands, read once per request: the event log's last position, every
view's position and the marks of the tables written without an event
(:mod:`application.outside_the_log`).

The page cache (:mod:`web.page_cache`) keys a page on them before its view runs, and the
answers kept per process (:func:`web.pages.common.kept`) on them while it runs: each is read
once per request (cached on ``g``, dropped by :mod:`web.identity` at the start of a request
and by :func:`forget_positions` after a command), before anything kept under it is read, so
an answer worked out after the read is at least as new as the key.

Each is one statement read without a transaction (:func:`projections.reads.read_one_statement`):
made once more on a new connection when the pooled one was ended by the server, so that a
page does not fail for it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

from flask import g
from sqlalchemy import Connection, Select, Table, func, select

from application.audit.log import events_table
from projections.proposal_marks import marks_of
from projections.reads import read_one_statement
from web.services import services

# Built once: a statement built anew is compiled and keyed anew by SQLAlchemy on each request.
_LAST_ID = select(func.max(events_table.c.id))

# The names on ``g`` this module caches (:mod:`web.identity` drops them before each request).
CACHED_ON_G = ("log_position", "views_positions", "outside_marks", "proposal_marks")


@lru_cache(maxsize=8)
def _positions_of(tracking: Table) -> Select[Any]:
    return select(tracking.c.application_name, tracking.c.notification_id)


def log_position() -> int:
    """Where the event log stands (its last notification id). The events' ids are given in
    the order their transactions commit (the events table is locked by each write on
    PostgreSQL)."""
    cached = g.get("log_position")
    if isinstance(cached, int):
        return cached
    last = int(read_one_statement(services().app.engine, lambda c: c.execute(_LAST_ID).scalar()) or 0)
    g.log_position = last
    return last


def views_positions() -> tuple[tuple[str, int], ...]:
    """Where every view stands (its tracking position, moved in the transaction that writes
    its rows), sorted by the view's name."""
    cached = g.get("views_positions")
    if isinstance(cached, tuple):
        return cached
    projector = services().projector
    statement = _positions_of(projector.tracking.tracking_table)
    positions = tuple(sorted(read_one_statement(projector.engine, lambda c: [(str(n), int(v or 0)) for n, v in c.execute(statement).tuples()])))
    g.views_positions = positions
    return positions


def log_positions() -> tuple[int, tuple[tuple[str, int], ...]]:
    """:func:`log_position` and :func:`views_positions`."""
    return log_position(), views_positions()


def outside_mark(read: Callable[[Connection], tuple[Any, ...]]) -> tuple[Any, ...]:
    """``read``'s mark of a table written without an event (one of
    :mod:`application.outside_the_log`'s, one statement), read once per request."""
    marks: dict[Callable[[Connection], tuple[Any, ...]], tuple[Any, ...]] = g.setdefault("outside_marks", {})
    if read not in marks:
        marks[read] = read_one_statement(services().app.engine, read)
    return marks[read]


def proposal_mark(proposal_id: str, kept: Callable[[Hashable, Callable[[], tuple[int, int]]], tuple[int, int]]) -> tuple[Any, ...]:
    """What the proposal page of ``proposal_id`` shows depends on, read once per request: its
    change mark and the mark of every other event (:mod:`projections.proposal_marks`, one
    indexed statement), when every view of this code stands at one position (they are then
    written together, the marks with their rows); otherwise, while a view is behind or being
    built, every view's position (:func:`views_positions`). ``kept`` keeps the marks read
    for every view's position (:func:`web.pages.common.kept`)."""
    marks: dict[str, tuple[Any, ...]] = g.setdefault("proposal_marks", {})
    found = marks.get(proposal_id)
    if found is not None:
        return found
    positions = views_positions()
    projector = services().projector
    at = dict(positions)
    if len({at.get(p.tracking_name) for p in projector.projections}) == 1:
        # Read again only when a view moved (kept per process for every view's position).
        found = ("marks", *kept(("proposal_mark", proposal_id, positions), lambda: marks_of(projector.engine, proposal_id)))
    else:
        found = ("views", positions)
    marks[proposal_id] = found
    return found


def forget_positions() -> None:
    """Read them again at their next use in this request (a command ran)."""
    for cached in CACHED_ON_G:
        g.pop(cached, None)
