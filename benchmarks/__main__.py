"""Run the benchmarks and write ``BENCHMARKS.md`` (``make bench``).

Usage: ``python -m benchmarks [--postgres SERVER_URL] [--quick] [--out FILE] [--save-before]``.

``--postgres`` names a PostgreSQL server (its user may create databases): each benchmark
makes a database of its own there and drops it afterwards; without a reachable server the
PostgreSQL figures are left out and the report says so. ``--quick`` runs every benchmark
once on tiny sizes (the smoke test's setting). ``--save-before`` also keeps the figures as
the 'before' column of later reports (``benchmarks/before.json``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from application.scenario import load_scenario
from benchmarks import aggregate_load, pages, rebuild, write_path
from benchmarks.databases import SCENARIO, fresh_database, postgres_reachable, services
from benchmarks.measure import Figure
from benchmarks.report import BEFORE, context, load_before, render, save

ROOT = Path(__file__).resolve().parent.parent


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


FULL = Sizes(write_rounds=9, write_per_round=20, load_sizes=(10, 1_000, 10_000), load_rounds=7, rebuild_rounds=3, page_rounds=7, page_per_round=10)
QUICK = Sizes(write_rounds=1, write_per_round=2, load_sizes=(2, 5), load_rounds=1, rebuild_rounds=1, page_rounds=1, page_per_round=1)


def run(sizes: Sizes, postgres: str | None, log: object = sys.stderr) -> tuple[list[Figure], list[str]]:
    """Every benchmark at ``sizes``; the figures and notes for the report."""
    figures: list[Figure] = []
    notes: list[str] = []
    backends = ["sqlite"]
    if postgres_reachable(postgres):
        backends.append("postgres")
    else:
        notes.append("PostgreSQL was not reachable (`--postgres`): its figures are missing from this run.")

    def say(what: str) -> None:
        print(f"bench: {what}", file=log, flush=True)  # type: ignore[call-overload]

    for b in backends:
        say(f"write path on {b}")
        figures += write_path.measure(b, postgres, rounds=sizes.write_rounds, per_round=sizes.write_per_round)
    say("aggregate load")
    figures += aggregate_load.measure("sqlite", sizes=sizes.load_sizes, rounds=sizes.load_rounds)
    with fresh_database("sqlite") as url:
        say("loading the 2026-Q1 scenario")
        s = services(url, inline=False)
        if sizes is QUICK:
            write_path.draft(s.app, write_path.member(s.app))
        else:
            load_scenario(s.app, SCENARIO)
        s.projector.catch_up()
        say("rebuild")
        history = "a tiny history" if sizes is QUICK else "2026-Q1 scenario"
        figures += rebuild.measure(s, f"{history}, SQLite", rounds=sizes.rebuild_rounds)
        say("pages")
        figures += pages.measure(s, "SQLite", rounds=sizes.page_rounds, per_round=sizes.page_per_round)
    return figures, notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (databases are created and dropped on it)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, once each (smoke test)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--save-before", action="store_true", help=f"keep these figures as the 'before' ({BEFORE.name})")
    args = parser.parse_args(argv)
    ctx = context({"quick": args.quick, "postgres": bool(args.postgres)})
    figures, notes = run(QUICK if args.quick else FULL, args.postgres)
    if args.save_before:
        save(figures, BEFORE, ctx)
    args.out.write_text(render(figures, ctx, load_before(), notes), "utf-8")
    print(f"bench: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
