"""The periods a run of ``dialogue notifications send`` closes (issue 18, "By e-mail"): the
daily digest covers the day before, the weekly digest the ISO week before the run's week."""

from __future__ import annotations

from datetime import date

from application.notifications.mailing import periods


def test_a_run_closes_the_day_before_and_the_week_before() -> None:
    assert periods(date(2026, 3, 27)) == {"daily": ("daily:2026-03-26", date(2026, 3, 27)), "weekly": ("weekly:2026-W12", date(2026, 3, 23))}


def test_every_run_of_a_week_closes_the_same_week() -> None:
    assert {periods(date(2026, 3, d))["weekly"] for d in range(23, 30)} == {("weekly:2026-W12", date(2026, 3, 23))}


def test_the_first_week_of_a_year_closes_the_last_week_of_the_year_before() -> None:
    assert periods(date(2026, 1, 5))["weekly"] == ("weekly:2026-W01", date(2026, 1, 5))
    assert periods(date(2026, 1, 1))["weekly"] == ("weekly:2025-W52", date(2025, 12, 29))
