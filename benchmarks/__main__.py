"""Run the benchmarks and write ``BENCHMARKS.md`` (``make bench``).

Usage: ``python -m benchmarks [--postgres SERVER_URL] [--quick] [--out FILE] [--save-before]``.

``--postgres`` names a PostgreSQL server (its user may create databases): each benchmark
makes a database of its own there and drops it afterwards; without a reachable server the
PostgreSQL figures are left out and the report says so. ``--quick`` runs every benchmark
once on tiny sizes (the smoke test's setting); ``--only NAME`` runs some of them. ``--save-before`` also keeps the figures as
the 'before' column of later reports (``benchmarks/before.json``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from application.scenario import load_scenario
from benchmarks import (
    aggregate_load,
    growth,
    http,
    page_weight,
    pages,
    read_your_writes,
    rebuild,
    write_path,
)
from benchmarks.databases import SCENARIO, fresh_database, postgres_reachable, services
from benchmarks.measure import Figure
from benchmarks.report import BEFORE, context, load_before, load_figures, render, save
from benchmarks.scale import CACHE, ScaleSizes

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("write", "read-your-writes", "load", "rebuild", "pages", "page-weight", "growth", "http")
SCENARIO_EVENTS = 702  # events of one load of the 2026-Q1 scenario


@dataclass(frozen=True)
class Sizes:
    """How much each benchmark does (``FULL`` for ``make bench``, ``QUICK`` for the smoke test)."""

    write_rounds: int
    write_per_round: int
    load_sizes: tuple[int, ...]
    load_rounds: int
    rebuild_rounds: int
    page_rounds: int
    page_per_round: int
    growth_multiples: tuple[int, ...]
    growth_rounds: int
    http_rounds: int
    http_per_round: int
    rebuild_history: ScaleSizes  # the generated history the rebuild is measured on (the scenario on top)


FULL = Sizes(write_rounds=9, write_per_round=20, load_sizes=(10, 1_000, 10_000), load_rounds=7, rebuild_rounds=3, page_rounds=7, page_per_round=10,
            growth_multiples=(1, 10, 100), growth_rounds=3, http_rounds=5, http_per_round=10,
            rebuild_history=ScaleSizes(years=1, multiple=36))  # 101,088 generated events + 702 of the scenario
QUICK = Sizes(write_rounds=1, write_per_round=2, load_sizes=(2, 5), load_rounds=1, rebuild_rounds=1, page_rounds=1, page_per_round=1, growth_multiples=(1, 2), growth_rounds=1,
              http_rounds=1, http_per_round=2, rebuild_history=ScaleSizes(years=1, multiple=1, quarter_events=5))


def run(sizes: Sizes, postgres: str | None, log: object = sys.stderr, only: Sequence[str] = ()) -> tuple[list[Figure], list[str]]:
    """Every benchmark (or those named in ``only``) at ``sizes``; the figures and notes."""
    figures: list[Figure] = []
    notes: list[str] = []
    chosen = set(only or BENCHMARKS)

    def say(what: str) -> None:
        print(f"bench: {what}", file=log, flush=True)  # type: ignore[call-overload]

    if "write" in chosen:
        backends = ["sqlite"]
        if postgres_reachable(postgres):
            backends.append("postgres")
        else:
            notes.append("PostgreSQL was not reachable (`--postgres`): its figures are missing from this run.")
        for b in backends:
            say(f"write path on {b}")
            figures += write_path.measure(b, postgres, rounds=sizes.write_rounds, per_round=sizes.write_per_round)
    if "read-your-writes" in chosen:
        say("read-your-writes (SQLite, polling worker)")
        figures += read_your_writes.measure(rounds=sizes.write_rounds, per_round=max(1, sizes.write_per_round // 4))
    if "load" in chosen:
        say("aggregate load")
        figures += aggregate_load.measure("sqlite", sizes=sizes.load_sizes, rounds=sizes.load_rounds)
    if "rebuild" in chosen:
        h = sizes.rebuild_history
        say(f"rebuild: importing the generated history ({h.events:,} events; generated on first use into {CACHE}/), the 2026-Q1 scenario on top")
        on_top = (lambda app: write_path.draft(app, write_path.member(app))) if sizes is QUICK else (lambda app: load_scenario(app, SCENARIO))
        with rebuild.history_services(h, on_top, cache=None if sizes is QUICK else CACHE) as s:
            say("rebuild")
            figures += rebuild.measure(s, f"{h.events:,}-event generated history and {'a draft' if sizes is QUICK else 'the 2026-Q1 scenario'}, SQLite", rounds=sizes.rebuild_rounds)
    if chosen & {"pages", "page-weight"}:
        with fresh_database("sqlite") as url:
            say("loading the 2026-Q1 scenario")
            s = services(url, inline=False)
            if sizes is QUICK:
                write_path.draft(s.app, write_path.member(s.app))
            else:
                load_scenario(s.app, SCENARIO)
            s.projector.catch_up()
            if "page-weight" in chosen:  # first: the pages benchmark revises a proposal
                say("page weight")
                figures += page_weight.measure(s, "SQLite")
            if "pages" in chosen:
                say("pages")
                figures += pages.measure(s, "SQLite", rounds=sizes.page_rounds, per_round=sizes.page_per_round)
    if "http" in chosen:
        for b in ["sqlite", *(["postgres"] if postgres_reachable(postgres) else [])]:
            say(f"HTTP on {b} (gunicorn, 2 workers, projection worker)")
            figures += http.measure(b, postgres, rounds=sizes.http_rounds, per_round=sizes.http_per_round)
        figures += http.sqlite_against_postgres(figures)
    if "growth" in chosen:
        say(f"growth ({', '.join(f'{m}x' for m in sizes.growth_multiples)})")
        figures += growth_figures(sizes)
    return figures, notes


def growth_figures(sizes: Sizes) -> list[Figure]:
    """Loading a quarter into longer histories: the scenario (``FULL``, the histories kept in
    ``.bench-cache/``), or one drafted proposal (``QUICK``, nothing kept)."""
    if sizes is QUICK:
        return growth.measure(lambda app: write_path.draft(app, write_path.member(app)), 20, multiples=sizes.growth_multiples, board_requests=1, rss_requests=1)
    return growth.measure(lambda app: load_scenario(app, SCENARIO), SCENARIO_EVENTS, multiples=sizes.growth_multiples, rounds=sizes.growth_rounds, cache=growth.CACHE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (databases are created and dropped on it)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, once each (smoke test)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this benchmark (repeatable)")
    parser.add_argument("--save-before", action="store_true", help=f"keep these figures as the 'before' ({BEFORE.name})")
    args = parser.parse_args(argv)
    ctx = context({"quick": args.quick, "postgres": bool(args.postgres)})
    figures, notes = run(QUICK if args.quick else FULL, args.postgres, only=args.only or ())
    if args.save_before:
        kept = [] if not args.only else [f for f in load_figures(BEFORE) if f.name not in {g.name for g in figures}]
        save(kept + figures, BEFORE, ctx)
    args.out.write_text(render(figures, ctx, load_before(), notes), "utf-8")
    print(f"bench: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
