"""Read-your-writes with a separate projection worker on SQLite: a draft saved, then the
writer's wait until the views show it (``Services.wait_for_views``), while a projection
worker polls the log in a thread of its own, as ``dialogue projections run`` does beside
web workers. The baseline is the draft's save alone: the ratio is what showing the write
adds to it."""

from __future__ import annotations

import threading
import time
from datetime import date

from application.bootstrap import Config, bootstrap
from application.clock import FixedClock
from application.worker import ProjectionWorker, WorkerSettings
from benchmarks.databases import fresh_database, services
from benchmarks.measure import Figure, figure
from benchmarks.write_path import draft, member

GROUP = "read-your-writes"


def measure(*, rounds: int = 7, per_round: int = 5) -> list[Figure]:
    """Per round, ``per_round`` drafts: the save, and the save with the wait for the views."""
    saved: list[float] = []
    shown: list[float] = []
    with fresh_database("sqlite") as url:
        s = services(url, inline=False)
        worker_side = bootstrap(
            Config(database_url=url, master_key=s.config.master_key, inline_projection=False, create_tables=False), clock=FixedClock(date(2026, 1, 5)),
        )
        worker = ProjectionWorker(worker_side.projector, WorkerSettings(mode="poll"))
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            author = member(s.app)
            s.wait_for_views(timeout=10)
            for _ in range(rounds):
                save = wait = 0.0
                for _ in range(per_round):
                    start = time.perf_counter()
                    draft(s.app, author)
                    middle = time.perf_counter()
                    if not s.wait_for_views(timeout=10):
                        raise RuntimeError("the views did not reach the write within 10 s")
                    end = time.perf_counter()
                    save += middle - start
                    wait += end - start
                saved.append(save / per_round)
                shown.append(wait / per_round)
        finally:
            worker.stop()
            thread.join(30)
    return [
        figure(GROUP, "draft saved and shown, polling worker beside (SQLite)", shown, baseline="the draft's save alone",
               baseline_samples=saved, ratio_means="cost / baseline cost", invert=True),
        figure(GROUP, "draft saved (SQLite)", saved),
    ]
