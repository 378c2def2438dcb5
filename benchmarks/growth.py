"""Growth: loading one quarter (the 2026-Q1 scenario, through the application's commands,
the deadline job before every step) into a database that already holds a history of 0×,
10× and 100× the scenario's number of events; then the board's first page on each in turns
(CPU time per request), and the peak memory of a web worker serving the board on each.

The earlier history is filler written straight through the domain and ``save``: proposals
of a working table the scenario does not use, each revised many times. It weighs on what
reads the whole log or large tables (the deadline job, counting, the board), not on what
the scenario's own steps load, which is the point: the cost of a step should not depend on
how long the mechanism has run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from uuid import uuid4

from application.service import DialogueApplication
from benchmarks import worker_rss
from benchmarks.databases import fresh_database, services
from benchmarks.measure import Figure, figure, interleave
from domain.base import Ctx
from domain.proposal import Proposal
from domain.reference import ALL_GOVERNMENTS

GROUP = "growth"
PER_PROPOSAL = 1_000  # events of one filler proposal
CHUNK = 500


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


def measure(
    load_quarter: Callable[[DialogueApplication], object], quarter_events: int, *, multiples: tuple[int, ...] = (0, 10, 100),
    board_requests: int = 30, rss_requests: int = 30,
) -> list[Figure]:
    """One load of the quarter per history size (each on a fresh SQLite file, all kept open);
    then the board's first page on every size in turns, ``board_requests`` requests each
    timed in this process's CPU time (other work on the machine does not add to it); then
    the peak memory of a new web worker serving ``rss_requests`` board pages on each."""
    from benchmarks.pages import board_client  # the web app is only built here

    loads: dict[int, float] = {}
    boards: dict[str, Callable[[], object]] = {}
    rss: dict[int, float] = {}
    with ExitStack() as stack:
        for m in multiples:
            url = stack.enter_context(fresh_database("sqlite"))
            s = services(url, inline=False, on=date(2026, 1, 1))
            filler(s.app, m * quarter_events)
            s.projector.catch_up()
            start = time.perf_counter()
            load_quarter(s.app)
            s.projector.catch_up()
            loads[m] = time.perf_counter() - start
            boards[str(m)] = board_client(s)
            rss[m] = worker_rss.of_services(s, rss_requests)
        cpu = interleave(boards, board_requests, clock=time.process_time)
    first = multiples[0]
    out = []
    for m in multiples:
        base = m == first
        out.append(figure(
            GROUP, f"loading one quarter into {m}× history", [loads[m]], unit="s", scale=1.0,
            baseline="" if base else f"into {first}× history", baseline_samples=None if base else [loads[first]],
            ratio_means="cost / baseline cost", invert=True, target=1.3 if m == multiples[-1] and not base else None, meets="<=",
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
