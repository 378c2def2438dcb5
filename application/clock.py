"""The clock commands read their effective date from (docs/design.md, "Time").

Rules that depend on dates never read the wall clock directly: the scenario loader sets
a :class:`FixedClock` to each step's date, the served app pins it with ``DIALOGUE_CLOCK``
or reads today's date in the mechanism's time zone (``DIALOGUE_TIMEZONE``, default UTC).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def today(self) -> date:
        """The current calendar date in the mechanism's time zone."""
        ...


class SystemClock:
    """Today's date in a time zone (IANA name, e.g. ``America/Bogota``)."""

    def __init__(self, timezone: str = "UTC") -> None:
        self.zone = ZoneInfo(timezone)

    def today(self) -> date:
        return datetime.now(self.zone).date()


class FixedClock:
    """A clock pinned to a date; ``set`` moves it (the scenario loader, tests)."""

    def __init__(self, on: date) -> None:
        self.on = on

    def today(self) -> date:
        return self.on

    def set(self, on: date) -> None:
        self.on = on


def clock_from_config(pinned: str | None, timezone: str = "UTC") -> FixedClock | SystemClock:
    """``DIALOGUE_CLOCK=2026-03-27`` pins the date; otherwise today in ``timezone``.

    Raises:
        ValueError: when ``pinned`` is not an ISO date.
    """
    if pinned:
        return FixedClock(date.fromisoformat(pinned))
    return SystemClock(timezone)
