"""Participation statistics published only as quarterly snapshots (issue 11, item 2): counts
rounded to base 5, cells under 5 suppressed, as of the quarter's last day; no change moves the
public figures before the next snapshot (the 2026-Q1 scenario, clock 2026-03-27, and a small
mechanism on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from flask import Flask

from application.bootstrap import Services
from application.participation import close_due_statistics, latest_statistics, publish_statistics
from application.privacy import erase
from domain.errors import NotAllowedError, RuleViolationError
from projections import people as people_views
from tests.conftest import seed_members
from tests.e2e.web_support import act_as, make_app, post_form


def reference_id(services: Services, reference: str) -> str:
    return next(p["id"] for p in people_views.participants(services.projector.engine) if p["reference"] == reference)


def cells_of(stats: dict[str, Any]) -> list[int | None]:
    return [stats["total"], *(c["count"] for cells in stats["dimensions"].values() for c in cells)]


def public_json(services: Services) -> Any:
    app = make_app(services.config.database_url, str(services.config.master_key), clock=services.app.clock.today().isoformat())
    return app.test_client().get("/privacy/participation.json").get_json()


def test_nothing_is_published_before_the_first_snapshot(loaded: Services) -> None:
    assert (latest_statistics(loaded.app.engine), public_json(loaded)) == (None, {"published": False})


def test_every_published_cell_is_a_multiple_of_5_and_at_least_5_or_suppressed(loaded: Services) -> None:
    stats = publish_statistics(loaded, "2026-Q1")

    counts = cells_of(stats)
    assert all(n is None or (n % 5 == 0 and n >= 5) for n in counts)
    assert None in counts and any(n is not None for n in counts)
    assert (stats["quarter"], stats["as_of"], stats["final"], stats["base"]) == ("2026-Q1", "2026-03-27", False, 5)
    assert public_json(loaded) == stats


def test_no_change_alters_the_public_figures_before_the_next_snapshot(loaded: Services) -> None:
    published = publish_statistics(loaded, "2026-Q1")
    app = loaded.app

    for i in range(3):
        pid = app.register_participant(reference=f"new-{i}", display_name=f"Nueva {i}", organisation_id=None, gender="woman", preferred_language="pt")
        app.join_table(pid, "RT1")
    erase(loaded, "p-12", reason="the person asked")
    loaded.projector.catch_up()

    assert public_json(loaded) == published
    loaded.app.clock.set(date(2026, 3, 28))  # type: ignore[attr-defined]
    again = publish_statistics(loaded, "2026-Q1")
    assert again != published  # the next snapshot counts them


def test_the_quarter_so_far_is_published_at_most_once_a_day(loaded: Services) -> None:
    published = publish_statistics(loaded, "2026-Q1")
    for i in range(3):
        loaded.app.register_participant(reference=f"new-{i}", display_name=f"Nueva {i}", organisation_id=None, gender="woman", preferred_language="pt")

    with pytest.raises(RuleViolationError) as refused:
        publish_statistics(loaded, "2026-Q1")

    assert refused.value.code == "statistics_published_today"
    assert latest_statistics(loaded.app.engine) == published


def test_publishing_again_the_same_day_with_nothing_recorded_since_gives_the_same_snapshot(loaded: Services) -> None:
    published = publish_statistics(loaded, "2026-Q1")

    assert publish_statistics(loaded, "2026-Q1") == published == latest_statistics(loaded.app.engine)


def test_a_later_days_snapshot_of_the_quarter_so_far_replaces_the_earlier_one(loaded: Services) -> None:
    publish_statistics(loaded, "2026-Q1")
    loaded.app.clock.set(date(2026, 3, 28))  # type: ignore[attr-defined]

    later = publish_statistics(loaded, "2026-Q1")

    assert (later["as_of"], later["final"]) == ("2026-03-28", False)
    assert latest_statistics(loaded.app.engine) == later


def test_the_deadline_job_takes_the_final_snapshot_as_of_the_quarters_last_day_once(loaded: Services) -> None:
    so_far = publish_statistics(loaded, "2026-Q1")
    loaded.app.clock.set(date(2026, 4, 6))  # type: ignore[attr-defined]
    for i in range(10):  # registered in the next quarter: not counted in 2026-Q1
        loaded.app.register_participant(reference=f"q2-{i}", display_name=f"Q2 {i}", organisation_id=None, gender="non_binary", preferred_language="fr")

    final = close_due_statistics(loaded)
    again = close_due_statistics(loaded)

    assert final is not None and again is None
    assert (final["as_of"], final["final"]) == ("2026-03-31", True)
    assert {k: v for k, v in final.items() if k not in ("as_of", "final")} == {k: v for k, v in so_far.items() if k not in ("as_of", "final")}
    assert publish_statistics(loaded, "2026-Q1") == final  # a final snapshot is never taken again


def test_a_small_mechanism_publishes_rounded_counts_and_suppresses_small_cells(services: Services) -> None:
    seed_members(services.app, 7)  # 3 men, 4 women, all speaking Spanish

    stats = publish_statistics(services, "2026-Q1")

    assert stats["total"] == 5
    assert {c["value"]: c["count"] for c in stats["dimensions"]["gender"]} == {"man": None, "woman": None}
    assert {c["value"]: c["count"] for c in stats["dimensions"]["language"]} == {"es": 5}
    assert latest_statistics(services.app.engine) == stats


def test_only_the_secretariat_publishes(loaded: Services) -> None:
    with pytest.raises(NotAllowedError) as refused:
        publish_statistics(loaded, "2026-Q1", actor=reference_id(loaded, "p-01"))

    assert (refused.value.code, latest_statistics(loaded.app.engine)) == ("secretariat_only", None)


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


def test_the_secretariat_publishes_the_quarter_so_far_from_the_page(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    act_as(client, "secretariat")

    r = post_form(client, "/privacy/participation", "/privacy/participation")
    page = client.get("/privacy/participation?lang=en").get_data(as_text=True)

    assert r.status_code == 302
    assert "Figures of 2026-Q1 so far" in page and "suppressed" in page
    assert latest_statistics(loaded.app.engine) is not None


def test_a_second_publication_the_same_day_is_refused_on_the_page(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    act_as(client, "secretariat")
    first = post_form(client, "/privacy/participation", "/privacy/participation")
    loaded.app.register_participant(reference="new-1", display_name="Nueva", organisation_id=None, gender="woman", preferred_language="pt")

    second = post_form(client, "/privacy/participation", "/privacy/participation")

    assert (first.status_code, second.status_code) == (302, 422)
    assert 'data-code="statistics_published_today"' in second.get_data(as_text=True)


def test_a_member_cannot_publish_from_the_page(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    act_as(client, "participant", reference_id(loaded, "p-01"))

    r = post_form(client, "/privacy/participation", "/privacy/participation")

    assert r.status_code == 422
    assert 'data-code="secretariat_only"' in r.get_data(as_text=True)
    assert latest_statistics(loaded.app.engine) is None


def test_the_command_line_publishes_and_shows_the_latest_snapshot(app: Flask, loaded: Services) -> None:
    runner = app.test_cli_runner()

    before = runner.invoke(args=["participants", "statistics", "--format", "json"])
    published = runner.invoke(args=["participants", "publish-statistics", "--quarter", "2026-Q1", "--format", "json"])
    shown = runner.invoke(args=["participants", "statistics", "--format", "json"])

    assert (before.exit_code, published.exit_code, shown.exit_code) == (0, 0, 0), published.output
    assert json.loads(before.stdout) == {"published": False}
    assert json.loads(shown.stdout) == json.loads(published.stdout) == latest_statistics(loaded.app.engine)
