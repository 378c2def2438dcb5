"""Scale (``make bench-scale``): a generated history of ten years at 100 times the 2026-Q1
scenario's volume per quarter (about 2.8 million events), on SQLite and PostgreSQL. Reports
the database's size, the time of ``dialogue import`` and of a full rebuild of the views,
the board page's p50/p99 and the peak memory of a web worker serving it.

The history is generated once through the application (filler proposals drafted and
revised, :func:`benchmarks.growth.filler`, one batch per quarter with that quarter's
effective dates), exported as the audit export (``dialogue audit export``'s format) and kept
in ``.bench-cache/`` at the project's root (git-ignored) between runs; each run loads it
into an empty database with ``dialogue import``. The filler carries no personal data, so
the export needs no keys.

Usage: ``python -m benchmarks.scale [--postgres SERVER_URL] [--years N] [--multiple N]
[--requests N] [--cache DIR] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import make_url, text

from benchmarks import worker_rss
from benchmarks.databases import fresh_database, postgres_reachable, services
from benchmarks.growth import filler
from benchmarks.http import percentile
from benchmarks.measure import Figure, figure, timed
from benchmarks.report import context, render

GROUP = "scale"
ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(".bench-cache")  # relative to the project's root
SCENARIO_EVENTS = 702  # events of one load of the 2026-Q1 scenario
FIRST_YEAR = 2016


@dataclass(frozen=True)
class ScaleSizes:
    """How large the history is and how many pages are requested."""

    years: int = 10
    multiple: int = 100
    quarter_events: int = SCENARIO_EVENTS
    requests: int = 100

    @property
    def events(self) -> int:
        return self.years * 4 * self.multiple * self.quarter_events

    @property
    def label(self) -> str:
        return f"{self.years}-year history at {self.multiple}×, {self.events:,} events"


def history(sizes: ScaleSizes, cache: Path = CACHE, log: object = sys.stderr) -> Path:
    """The export of the generated history at ``sizes``, generated and kept in ``cache``
    (relative to the project's root) on first use."""
    folder = cache if cache.is_absolute() else ROOT / cache
    path = folder / f"history-{sizes.years}y-{sizes.multiple}x-{sizes.quarter_events}.jsonl"
    if path.exists():
        return path
    from application.export import export_log

    folder.mkdir(parents=True, exist_ok=True)
    per_quarter = sizes.multiple * sizes.quarter_events
    with fresh_database("sqlite") as url:
        s = services(url, inline=False, on=date(FIRST_YEAR, 1, 1))
        for q in range(sizes.years * 4):
            year, quarter = FIRST_YEAR + q // 4, q % 4
            filler(s.app, per_quarter, on=date(year, 3 * quarter + 1, 15), label=f"{year}Q{quarter + 1}-")
            print(f"bench-scale: generated {year}-Q{quarter + 1} ({(q + 1) * per_quarter:,} events)", file=log, flush=True)  # type: ignore[call-overload]
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            export_log(s.app.engine, out)
        partial.replace(path)  # a run stopped halfway leaves no history that looks whole
    return path


def database_size(url: str) -> int:
    """Bytes the database takes on disk (SQLite: the file and its write-ahead log)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        assert u.database
        return sum(os.path.getsize(p) for p in (u.database, u.database + "-wal") if os.path.exists(p))
    from application.persistence import get_engine

    with get_engine(url).connect() as c:
        return int(c.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def dialogue_import(url: str, master_key: str, export: Path) -> None:
    """``dialogue import EXPORT`` into the empty database at ``url`` (which also rebuilds the views)."""
    env = {**os.environ, "DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": master_key, "PYTHONPATH": str(ROOT)}
    command = Path(sys.executable).with_name("dialogue")
    subprocess.run([str(command), "import", str(export)], env=env, cwd=ROOT, check=True, capture_output=True, text=True)


def measure(backend: str, export: Path, sizes: ScaleSizes, postgres: str | None = None) -> list[Figure]:
    """Load ``export`` into a new database on ``backend``; its figures."""
    from application.bootstrap import Config, bootstrap
    from application.clock import FixedClock
    from application.persistence import generate_master_key
    from benchmarks.pages import board_client

    where = f"{sizes.label}, {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}"
    with fresh_database(backend, postgres) as url:
        key = str(generate_master_key())
        start = time.perf_counter()
        dialogue_import(url, key, export)
        imported = time.perf_counter() - start
        s = bootstrap(Config(database_url=url, master_key=key, inline_projection=False), clock=FixedClock(date(FIRST_YEAR + sizes.years, 1, 5)))
        size = database_size(url)
        start = time.perf_counter()
        events = s.projector.rebuild()
        rebuilt = time.perf_counter() - start
        get = board_client(s)
        boards = [timed(get) for _ in range(sizes.requests)]
        rss = worker_rss.of_services(s, sizes.requests)
    p99 = percentile(boards, 99)
    return [
        figure(GROUP, f"database size ({where})", [size], unit="MB", scale=1e-6),
        figure(GROUP, f"`dialogue import`, with its rebuild ({where})", [imported], unit="s", scale=1.0),
        figure(GROUP, f"full rebuild of the views ({where})", [rebuilt], unit="s", scale=1.0),
        figure(GROUP, f"full rebuild, events per second ({where})", [events / rebuilt], unit="events/s", scale=1.0),
        figure(GROUP, f"board page p50, {sizes.requests} requests ({where})", [percentile(boards, 50)]),
        figure(GROUP, f"board page p99, {sizes.requests} requests ({where})", [p99]),
        figure(GROUP, f"web worker peak RSS, {sizes.requests} boards ({where})", [rss], unit="MiB", scale=1.0),
    ]


def run(sizes: ScaleSizes, postgres: str | None, cache: Path = CACHE, log: object = sys.stderr) -> tuple[list[Figure], list[str]]:
    """The scale figures on SQLite and, when its server answers, PostgreSQL; and notes."""
    export = history(sizes, cache, log)
    figures = measure("sqlite", export, sizes)
    notes = []
    if postgres_reachable(postgres):
        figures += measure("postgres", export, sizes, postgres)
    else:
        notes.append("PostgreSQL was not reachable (`--postgres`): its figures are missing from this run.")
    return figures, notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is created and dropped on it)")
    parser.add_argument("--years", type=int, default=ScaleSizes.years)
    parser.add_argument("--multiple", type=int, default=ScaleSizes.multiple, help="events per quarter, as a multiple of the scenario's")
    parser.add_argument("--quarter-events", type=int, default=ScaleSizes.quarter_events, help="the scenario's events per quarter")
    parser.add_argument("--requests", type=int, default=ScaleSizes.requests, help="board pages requested (p50, p99, peak memory)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where generated histories are kept (relative: to the project's root)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS-scale.md")
    args = parser.parse_args(argv)
    sizes = ScaleSizes(years=args.years, multiple=args.multiple, quarter_events=args.quarter_events, requests=args.requests)
    ctx = context({"years": sizes.years, "multiple": sizes.multiple, "events": sizes.events, "postgres": bool(args.postgres)})
    figures, notes = run(sizes, args.postgres, args.cache)
    args.out.write_text(render(figures, ctx, {}, notes, title="Benchmarks at scale", written_by="`make bench-scale` (`python -m benchmarks.scale`)"), "utf-8")
    print(f"bench-scale: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
