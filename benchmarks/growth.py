"""Growth: loading one quarter (the 2026-Q1 scenario, through the application's commands,
the deadline job before every step) into a database that already holds a history of 1×,
10× and 100× the scenario's number of events (the issue's sizes; the ratios are against
1×, per round: each size loaded in turns, three rounds in ``make bench``, in wall and CPU
time); then the board's first page on each in turns (CPU time per request), and the peak
memory of a web worker serving the board on each.

Each history is generated once and kept in ``.bench-cache/`` at the project's root
(git-ignored): a copy of the SQLite file with its master key, named by its size; a run
copies it into a new temporary file (which the loading changes) and brings it to the
code's shape as a start-up does (``dialogue db upgrade``), so that ``make bench`` does not
write 70,000 events anew each time. Delete the folder to generate them again.

The earlier history is filler written straight through the domain and ``save``: proposals
of a working table the scenario does not use, each revised many times. It weighs on what
reads the whole log or large tables (the deadline job, counting, the board), not on what
the scenario's own steps load, which is the point: the cost of a step should not depend on
how long the mechanism has run.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from uuid import uuid4

from sqlalchemy import make_url

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import generate_master_key
from application.service import DialogueApplication
from benchmarks import worker_rss
from benchmarks.databases import fresh_database
from benchmarks.measure import Figure, figure, interleave
from domain.base import Ctx
from domain.proposal import Proposal
from domain.reference import ALL_GOVERNMENTS

GROUP = "growth"
PER_PROPOSAL = 1_000  # events of one filler proposal
CHUNK = 500
CACHE = Path(__file__).resolve().parent.parent / ".bench-cache"
START = date(2026, 1, 1)  # the services' date while the history and the quarter are written


def filler(app: DialogueApplication, events: int, on: date = date(2025, 12, 1), label: str = "") -> int:
    """Write about ``events`` events of filler proposals (RT4, drafted and revised, effective
    ``on``; references ``filler-{label}N``); how many."""
    written = 0
    author = uuid4()
    n = 0
    while written < events:
        n += 1
        ctx = Ctx(actor=str(author), effective_date=on, command_id=f"filler:{uuid4()}")
        p = Proposal.draft(
            ctx, id=uuid4(), reference=f"filler-{label}{n}", table="RT4", author=author, co_authors=[], title=f"Filler {n}",
            problem="An earlier quarter's problem.", recommendation="An earlier recommendation.", rationale="Filler.",
            objectives=[1], targets=[ALL_GOVERNMENTS], language="es", source="",
        )
        size = min(PER_PROPOSAL, events - written)
        for v in range(2, size + 1):
            p.revise(ctx, {"title": f"Filler {n}, revision {v}"})
            if v % CHUNK == 0:
                app.save(p, command_id=f"filler:{uuid4()}")
        app.save(p, command_id=f"filler:{uuid4()}")
        written += size
    return written


def _open(url: str, key: str) -> Services:
    return bootstrap(Config(database_url=url, master_key=key, inline_projection=False), clock=FixedClock(START))


def with_history(url: str, events: int, cache: Path | None) -> Services:
    """The services on the empty SQLite database ``url`` once it holds ``events`` events of
    filler (views caught up): copied from ``cache`` when kept there, else written (and kept
    there when ``cache`` is given)."""
    path = make_url(url).database
    assert path
    if cache is not None:
        kept, kept_key = cache / f"growth-{events}.sqlite", cache / f"growth-{events}.key"
        if kept.exists() and kept_key.exists():
            shutil.copyfile(kept, path)
            return _open(url, kept_key.read_text("ascii"))
    key = generate_master_key()
    s = _open(url, key)
    filler(s.app, events)
    s.projector.catch_up()
    if cache is not None:
        with s.app.engine.connect() as c:  # the whole database in its main file
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        cache.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".partial")
        shutil.copyfile(path, partial)
        fd = os.open(kept_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a benchmark's own key
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key)
        partial.replace(kept)  # a run stopped halfway leaves no history that looks whole
    return s


def _load(load_quarter: Callable[[DialogueApplication], object], s: Services) -> tuple[float, float]:
    """Load the quarter into ``s`` and catch its views up: (wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    load_quarter(s.app)
    s.projector.catch_up()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(
    load_quarter: Callable[[DialogueApplication], object], quarter_events: int, *, multiples: tuple[int, ...] = (1, 10, 100),
    rounds: int = 1, board_requests: int = 30, rss_requests: int = 30, cache: Path | None = None,
) -> list[Figure]:
    """``rounds`` loads of the quarter per history size, the sizes in turns (their order
    alternating between rounds), each into a new copy of the history (on its own SQLite file;
    the histories kept in ``cache`` when given), in wall and CPU time; the last round's
    databases are kept open for the board's first page on every size in turns,
    ``board_requests`` requests each timed in this process's CPU time (other work on the
    machine does not add to it); then the peak memory of a new web worker serving
    ``rss_requests`` board pages on each. Ratios are against the first size, per round."""
    from benchmarks.pages import board_client  # the web app is only built here

    loads: dict[int, list[float]] = {m: [] for m in multiples}
    load_cpu: dict[int, list[float]] = {m: [] for m in multiples}
    for r in range(rounds - 1):  # the earlier rounds: each database dropped after its load
        for m in multiples if (rounds - 1 - r) % 2 == 0 else tuple(reversed(multiples)):
            with fresh_database("sqlite") as url:
                wall, cpu_time = _load(load_quarter, with_history(url, m * quarter_events, cache))
            loads[m].append(wall)
            load_cpu[m].append(cpu_time)
    boards: dict[str, Callable[[], object]] = {}
    rss: dict[int, float] = {}
    with ExitStack() as stack:
        for m in multiples:
            url = stack.enter_context(fresh_database("sqlite"))
            s = with_history(url, m * quarter_events, cache)
            wall, cpu_time = _load(load_quarter, s)
            loads[m].append(wall)
            load_cpu[m].append(cpu_time)
            boards[str(m)] = board_client(s)
            rss[m] = worker_rss.of_services(s, rss_requests)
        cpu = interleave(boards, board_requests, clock=time.process_time)
    first = multiples[0]
    out = []
    for m in multiples:
        base = m == first
        out.append(figure(
            GROUP, f"loading one quarter into {m}× history", loads[m], unit="s", scale=1.0,
            baseline="" if base else f"into {first}× history", baseline_samples=None if base else loads[first],
            ratio_means="cost / baseline cost", invert=True, target=1.3 if m == multiples[-1] and not base else None, meets="<=",
        ))
    for m in multiples:
        base = m == first
        out.append(figure(
            GROUP, f"loading one quarter into {m}× history, CPU time", load_cpu[m], unit="s", scale=1.0,
            baseline="" if base else f"into {first}× history, CPU time", baseline_samples=None if base else load_cpu[first],
            ratio_means="cost / baseline cost", invert=True,
        ))
    for m in multiples:
        base = m == first
        out.append(figure(
            GROUP, f"board p50, CPU time, after {m}× history", cpu[str(m)],
            baseline="" if base else f"after {first}× history", baseline_samples=None if base else cpu[str(first)],
            ratio_means="cost / baseline cost", invert=True, target=1.3 if m == multiples[-1] and not base else None, meets="<=",
        ))
    for m in multiples:
        out.append(figure(GROUP, f"web worker peak RSS, {rss_requests} boards after {m}× history", [rss[m]], unit="MiB", scale=1.0))
    return out
