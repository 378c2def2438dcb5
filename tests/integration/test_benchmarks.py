"""The benchmarks keep working: each runs once on tiny sizes (``make bench`` measures; no
test here times anything)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from application.bootstrap import Services
from benchmarks import scale, write_path
from benchmarks.__main__ import QUICK, main, run
from benchmarks.databases import fresh_database, services
from benchmarks.measure import Figure
from benchmarks.report import context, render, why_missed
from benchmarks.scale import ScaleSizes
from benchmarks.write_path import Reviser
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


def test_the_write_path_targets_what_a_request_pays_and_shows_the_save_only_and_inline_ones_beside(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    write = {f.name: f for f in figures if f.group == "write path"}
    assert write["revising a proposal (sqlite)"].target == 0.25
    for name in ("revising a proposal, save only (sqlite)", "revising a proposal, views inline (sqlite)"):
        assert (write[name].target, write[name].baseline) == (None, "raw INSERT + COMMIT (sqlite)")
        assert write[name].ratio is not None and write[name].ratio > 0


def test_the_write_paths_target_figure_includes_the_wait_for_the_views(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[int | None] = []
    wait = Services.wait_for_views

    def counted(self: Services, position: int | None = None, timeout: float = 5.0) -> bool:
        waited.append(position)
        return wait(self, position, timeout)

    monkeypatch.setattr(Services, "wait_for_views", counted)
    with fresh_database("sqlite") as url:
        s = services(url, inline=False)
        revise = Reviser(s)
        waited.clear()
        revise()
        assert waited == [None]
        assert s.projector.position() == s.app.last_position
        saved = Reviser(s, shown=False)
        waited.clear()
        saved()
        assert waited == []


def test_the_write_benchmarks_target_figure_waits_for_the_views_after_every_timed_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    waits_with_a_worker: list[int | None] = []
    wait = Services.wait_for_views

    def counted(self: Services, position: int | None = None, timeout: float = 5.0) -> bool:
        if not self.config.inline_projection:
            waits_with_a_worker.append(position)
        return wait(self, position, timeout)

    monkeypatch.setattr(Services, "wait_for_views", counted)

    write_path.measure("sqlite", rounds=2, per_round=3)

    # Only the deployed setting waits with a worker beside it (the save-only figure never
    # waits): each of its 2 x 3 timed revisions, plus its first revision and each round's
    # new proposal.
    assert len(waits_with_a_worker) == 2 * 3 + 1 + 2


def test_the_report_is_a_table_of_every_group(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    main(["--quick", "--out", str(out)])
    text = out.read_text("utf-8")
    for group in GROUPS:
        assert f"## {group}" in text
    assert "| revising a proposal (sqlite) |" in text


def test_the_http_benchmark_measures_a_draft_post_the_board_and_a_proposal_page_against_their_baselines(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    http = {f.name: f for f in figures if f.group == "HTTP (gunicorn, 2 workers)"}
    assert http["draft POST (sqlite) p50"].baseline == "plain INSERT + COMMIT endpoint"
    assert http["board page (sqlite) p50"].baseline == "same-page endpoint (plain SQL, same templates and app)"
    assert http["proposal page (sqlite) p50"].baseline == "same-page proposal endpoint (plain SQL, same templates and app)"
    assert http["proposal page (sqlite) p50"].target == 1.5
    assert {"draft POST (sqlite) p95", "draft POST (sqlite) p99", "board page (sqlite) p99", "proposal page (sqlite) p95", "proposal page (sqlite) p99",
            "same-page proposal endpoint (plain SQL, same templates and app) (sqlite) p99", "plain SQL + Jinja proposal endpoint (sqlite) p99"} <= set(http)
    if SERVER_POSTGRES_URL or REQUIRE_POSTGRES:
        assert "draft POST (postgres) p50" in http
        both = http["draft POST p50, SQLite against PostgreSQL"]
        assert both.ratio == http["draft POST (sqlite) p50"].value / http["draft POST (postgres) p50"].value
        assert both.target == 2.0


def test_the_http_benchmark_keeps_the_bare_baselines_beside_without_a_target(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    http = {f.name: f for f in figures if f.group == "HTTP (gunicorn, 2 workers)"}
    board, proposal = http["board page, against the bare template (sqlite) p50"], http["proposal page, against the bare template (sqlite) p50"]
    assert (board.baseline, proposal.baseline) == ("plain SQL + Jinja endpoint", "plain SQL + Jinja proposal endpoint")
    assert (board.target, proposal.target) == (None, None)
    assert board.ratio is not None and proposal.ratio is not None
    assert board.value == http["board page (sqlite) p50"].value  # the same requests, against the other baseline


def test_an_untimed_step_before_each_call_is_left_out_of_its_time() -> None:
    from benchmarks.measure import interleave

    now = [0.0]

    def step() -> None:
        now[0] += 100.0

    def call() -> None:
        now[0] += 1.0

    got = interleave({"a": call, "b": call}, 2, 3, clock=lambda: now[0], before_each={"a": step})

    assert got == {"a": [1.0, 1.0], "b": [1.0, 1.0]}
    assert now[0] == 2 * 3 * (101.0 + 1.0)


def test_the_in_process_pages_targets_are_against_the_same_page_baseline_and_the_bare_one_is_beside(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    pages = {f.name: f for f in figures if f.group == "pages (in process)"}
    for name in ("board, first page, after a revision (SQLite)", "proposal page, after a revision of another proposal (SQLite)"):
        assert (pages[name].baseline, pages[name].target, pages[name].meets) == ("same page: plain SQL, same templates and app", 1.5, "<=")
    for name in ("board, first page, read again with no write between (SQLite)", "proposal page, read again with no write between (SQLite)"):
        assert (pages[name].baseline, pages[name].target) == ("same page: plain SQL, same templates and app", None)
    for name in ("board, first page, against the bare template (SQLite)", "proposal page, against the bare template (SQLite)"):
        assert (pages[name].baseline, pages[name].target) == ("plain SQL + Jinja (bare template, no framework)", None)
        assert pages[name].ratio is not None
    assert {"board baseline: plain SQL + Jinja (SQLite)", "proposal baseline: same page: plain SQL, same templates and app (SQLite)"} <= set(pages)


def test_the_http_benchmark_measures_repeated_public_reads_apart_against_the_same_baselines(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    http = {f.name: f for f in figures if f.group == "HTTP (gunicorn, 2 workers)"}
    board, proposal = http["board page, repeated reads (public, cached) (sqlite) p50"], http["proposal page, repeated reads (public, cached) (sqlite) p50"]
    assert (board.baseline, proposal.baseline) == (
        "same-page endpoint (plain SQL, same templates and app)", "same-page proposal endpoint (plain SQL, same templates and app)",
    )
    assert board.ratio is not None and proposal.ratio is not None
    assert {"board page, repeated reads (public, cached) (sqlite) p99", "proposal page, repeated reads (public, cached) (sqlite) p95"} <= set(http)


def test_the_growth_benchmark_reports_board_cpu_time_and_a_web_workers_peak_memory_at_each_size(quick_run: tuple[list, list[str]]) -> None:
    figures, _ = quick_run
    growth = {f.name: f for f in figures if f.group == "growth"}
    board = growth["board p50, CPU time, after 2× history"]
    assert board.baseline == "after 1× history" and board.ratio is not None
    for m in QUICK.growth_multiples:
        rss = growth[f"web worker peak RSS, 1 boards after {m}× history"]
        assert rss.unit == "MiB"
        assert 20 < rss.value < 4096  # a Python process with the web app loaded, in MiB (not KiB, not bytes)


def test_a_web_workers_peak_memory_is_its_high_water_mark_in_kib() -> None:
    from benchmarks.worker_rss import high_water_kib

    block = bytearray(64 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page so it is resident
    status = Path("/proc/self/status").read_text("ascii").splitlines()
    resident = int(next(line for line in status if line.startswith("VmRSS:")).split()[1])
    assert resident >= 64 * 1024
    assert resident <= high_water_kib() < 64 * 1024 * 1024  # KiB: at least what is resident now, far below 64 GiB


@pytest.fixture(scope="module")
def scale_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, list[str], Path, ScaleSizes]:
    cache = tmp_path_factory.mktemp("bench-cache")
    sizes = ScaleSizes(years=1, multiple=1, quarter_events=5, requests=2)
    figures, notes = scale.run(sizes, SERVER_POSTGRES_URL, cache, log=io.StringIO())
    return figures, notes, cache, sizes


def test_bench_scale_reports_size_rebuild_board_p99_and_peak_memory_on_each_database(scale_run: tuple[list, list[str], Path, ScaleSizes]) -> None:
    figures, _, _, sizes = scale_run
    names = {f.name: f for f in figures if f.group == "scale"}
    backends = ["SQLite", *(["PostgreSQL"] if SERVER_POSTGRES_URL or REQUIRE_POSTGRES else [])]
    for b in backends:
        where = f"{sizes.label}, {b}"
        assert names[f"database size ({where})"].value > 0
        assert names[f"board page p99, 2 requests ({where})"].unit == "ms"
        assert names[f"web worker peak RSS, 2 boards ({where})"].unit == "MiB"
        # the rebuild read back every generated event: the import restored the whole history
        rate = names[f"full rebuild, events per second ({where})"].value
        assert round(rate * names[f"full rebuild of the views ({where})"].value) == sizes.events == 20
    assert len(names) == 7 * len(backends)


def test_bench_scale_keeps_the_generated_history_and_reuses_it(scale_run: tuple[list, list[str], Path, ScaleSizes]) -> None:
    _, _, cache, sizes = scale_run
    kept = list(cache.iterdir())
    assert [p.name for p in kept] == ["history-1y-1x-5.jsonl"]
    before = kept[0].stat().st_mtime_ns
    log = io.StringIO()
    assert scale.history(sizes, cache, log) == kept[0]
    assert log.getvalue() == "" and kept[0].stat().st_mtime_ns == before


def test_the_cache_of_generated_histories_is_a_path_of_the_project() -> None:
    assert not scale.CACHE.is_absolute()
    assert f"{scale.CACHE}/" in (Path(__file__).parents[2] / ".gitignore").read_text("utf-8").splitlines()


def test_a_growth_history_is_written_once_and_then_copied_from_the_cache(tmp_path: Path) -> None:
    from sqlalchemy import text

    from benchmarks.databases import fresh_database
    from benchmarks.growth import with_history

    def aggregates() -> set[str]:
        with s.app.engine.connect() as c:
            return {str(r[0]) for r in c.execute(text("SELECT DISTINCT originator_id FROM dialogue_events"))}

    with fresh_database("sqlite") as url:
        s = with_history(url, 5, tmp_path)
        first = aggregates()
    with fresh_database("sqlite") as url:
        s = with_history(url, 5, tmp_path)
        second = aggregates()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["growth-5.key", "growth-5.sqlite"]
    assert len(first) == 1 and second == first  # the filler's ids are random: the same ids mean a copy


def test_the_growth_benchmark_loads_each_size_once_per_round_each_time_into_a_new_copy(tmp_path: Path) -> None:
    from benchmarks import growth, write_path

    loaded: list[int] = []

    def load(app: object) -> None:
        with app.engine.connect() as c:  # type: ignore[attr-defined]
            loaded.append(int(c.exec_driver_sql("SELECT count(*) FROM dialogue_events").scalar_one()))
        write_path.draft(app, write_path.member(app))  # type: ignore[arg-type]

    figures = {f.name: f for f in growth.measure(load, 5, multiples=(1, 2), rounds=3, board_requests=1, rss_requests=1, cache=tmp_path)}

    wall, cpu = figures["loading one quarter into 2× history"], figures["loading one quarter into 2× history, CPU time"]
    assert (wall.rounds, cpu.rounds) == (3, 3)
    assert (wall.target, cpu.target) == (1.3, None)
    assert wall.ratio is not None and cpu.ratio is not None and cpu.baseline == "into 1× history, CPU time"
    # Sizes in turns, order alternating (1, 2 / 2, 1 / 1, 2), each load finding the history alone.
    assert len(loaded) == 6 and loaded[0] == loaded[3] == loaded[4] and loaded[1] == loaded[2] == loaded[5] and loaded[1] > loaded[0]


def _figure(name: str, ratio: float, target: float, meets: str) -> Figure:
    return Figure(group="g", name=name, unit="ms", value=1.0, low=1.0, high=1.0, baseline="b", ratio=ratio, target=target, meets=meets)


def test_the_report_says_by_how_much_each_missed_target_is_missed_and_why(tmp_path: Path) -> None:
    why = tmp_path / "performance.md"
    why.write_text("# P\n\n## Targets not met, and why\n\n- **Slow**: the profile says so.\n\n## Later\n\nnot copied\n", "utf-8")
    figures = [_figure("fast enough", 0.1, 0.25, ">="), _figure("page", 3.0, 1.5, "<="), _figure("met", 1.0, 2.0, "<=")]
    text = render(figures, context({}), {}, why=why)

    missed = text[text.index("## Targets missed, by how much and why"):]
    assert "- fast enough: 0.1× against a target of >= 0.25×, 2.5 times short of it." in missed
    assert "- page: 3× against a target of <= 1.5×, 2 times short of it." in missed
    assert "- met:" not in missed
    assert "- **Slow**: the profile says so." in missed
    assert "not copied" not in missed


def test_a_report_with_every_target_met_has_no_section_of_misses(tmp_path: Path) -> None:
    text = render([_figure("met", 1.0, 2.0, "<=")], context({}), {}, why=tmp_path / "absent.md")

    assert "Targets missed" not in text


def test_the_section_copied_into_the_report_is_the_one_of_the_repository() -> None:
    assert why_missed()[0:1] == [""] and any(line.startswith("- **Write path**") for line in why_missed())
