"""The benchmarks keep working: each runs once on tiny sizes (``make bench`` measures; no
test here times anything)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from benchmarks.__main__ import QUICK, main, run
from tests.conftest import REQUIRE_POSTGRES, SERVER_POSTGRES_URL

GROUPS = {"write path", "read-your-writes", "aggregate load", "rebuild", "pages (in process)", "page weight", "growth", "HTTP (gunicorn, 2 workers)"}


@pytest.fixture(scope="module")
def quick_run() -> tuple[list, list[str]]:
    return run(QUICK, SERVER_POSTGRES_URL, log=io.StringIO())


def test_every_benchmark_gives_figures(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    assert {f.group for f in figures} == GROUPS
    assert all(f.value > 0 and f.low <= f.value <= f.high for f in figures)


def test_a_figure_with_a_baseline_has_a_ratio(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    with_baseline = [f for f in figures if f.baseline]
    assert len(with_baseline) >= 5
    assert all(f.ratio is not None and f.ratio > 0 for f in with_baseline)


def test_the_write_path_is_measured_on_postgres_when_it_is_there(quick_run: tuple[list, list[str]]) -> None:
    figures, notes = quick_run
    names = {f.name for f in figures}
    if SERVER_POSTGRES_URL or REQUIRE_POSTGRES:
        assert "revising a proposal (postgres)" in names
    else:
        assert notes == ["PostgreSQL was not reachable (`--postgres`): its figures are missing from this run."]


def test_the_report_is_a_table_of_every_group(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    main(["--quick", "--out", str(out)])
    text = out.read_text("utf-8")
    for group in GROUPS:
        assert f"## {group}" in text
    assert "| revising a proposal (sqlite) |" in text


def test_the_http_benchmark_measures_a_draft_post_and_the_board_against_their_baselines(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    http = {f.name: f for f in figures if f.group == "HTTP (gunicorn, 2 workers)"}
    assert http["draft POST (sqlite) p50"].baseline == "plain INSERT + COMMIT endpoint"
    assert http["board page (sqlite) p50"].baseline == "plain SQL + Jinja endpoint"
    assert {"draft POST (sqlite) p95", "draft POST (sqlite) p99", "board page (sqlite) p99"} <= set(http)
    if SERVER_POSTGRES_URL or REQUIRE_POSTGRES:
        assert "draft POST (postgres) p50" in http
        both = http["draft POST p50, SQLite against PostgreSQL"]
        assert both.ratio == http["draft POST (sqlite) p50"].value / http["draft POST (postgres) p50"].value
        assert both.target == 2.0
