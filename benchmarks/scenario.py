"""Measure the scenario load, a projection rebuild, a board query and an open-data export.

Usage: ``python -m benchmarks.scenario [--postgres URL] [--repeat N]``. Prints one JSON object per
back end: seconds (best of N), events per second and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import MetaData, create_engine

from application.bootstrap import Config, bootstrap
from application.clock import FixedClock
from application.open_data import build_export
from application.persistence import dispose_engines, generate_master_key
from application.scenario import load_scenario
from projections import proposals as proposal_views

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "2026-Q1"


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as c:
        md = MetaData()
        md.reflect(c)
        md.drop_all(c)
    engine.dispose()


def run_once(url: str) -> dict[str, float]:
    s = bootstrap(Config(database_url=url, master_key=generate_master_key(), inline_projection=False), clock=FixedClock(date(2026, 1, 1)))
    t0 = time.perf_counter()
    load_scenario(s.app, SCENARIO)
    t1 = time.perf_counter()
    events = s.projector.catch_up()
    t2 = time.perf_counter()
    s.projector.rebuild()
    t3 = time.perf_counter()
    for _ in range(20):
        proposal_views.list_recommendations(s.projector.engine, status="published")
    t4 = time.perf_counter()
    export = build_export(s.app.engine, s.app.recorder, s.app.mapper)
    archive = export.archive()
    t5 = time.perf_counter()
    dispose_engines()
    return {
        "events": events, "load_s": t1 - t0, "catch_up_s": t2 - t1, "rebuild_s": t3 - t2, "board_query_ms": (t4 - t3) / 20 * 1000,
        "open_data_export_s": t5 - t4, "open_data_archive_kb": len(archive) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL URL (its tables are dropped!)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    backends = [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else [])
    for name, pg in backends:
        runs = []
        for _ in range(args.repeat):
            if pg:
                _empty_postgres(pg)
                runs.append(run_once(pg))
            else:
                with tempfile.TemporaryDirectory() as d:
                    runs.append(run_once(f"sqlite:///{d}/bench.sqlite"))
        best = {k: min(r[k] for r in runs) for k in runs[0]}
        best["events_per_s_load"] = best["events"] / best["load_s"]
        best["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"backend": name, "repeat": args.repeat, **{k: round(v, 3) for k, v in best.items()}}))


if __name__ == "__main__":
    main()
