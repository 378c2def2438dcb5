"""Aggregate load: getting a proposal with 10, 1,000 and 10,000 events from the repository,
as every command does before it acts. The figure's ratio is the cost at that size over the
cost at the smallest (the issue's target: within 2× at 10,000)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from application.service import DialogueApplication
from benchmarks.databases import fresh_database, services
from benchmarks.measure import Figure, figure, interleave
from benchmarks.write_path import draft, member

GROUP = "aggregate load"
CHUNK = 500  # events saved per transaction while building a long history


def proposal_with(app: DialogueApplication, author: UUID, events: int) -> UUID:
    """A proposal of ``events`` events: drafted, then revised ``events - 1`` times (saved in chunks)."""
    pid = draft(app, author, title=f"History of {events}")
    done = 1
    while done < events:
        ctx = app.ctx(str(author))
        p = app.proposal(pid)
        for _ in range(min(CHUNK, events - done)):
            done += 1
            p.revise(ctx, {"title": f"History of {events}, revision {done}"})
        app._save(ctx, p)
    return pid


def measure(backend: str = "sqlite", postgres: str | None = None, *, sizes: tuple[int, ...] = (10, 1_000, 10_000), rounds: int = 7) -> list[Figure]:
    with fresh_database(backend, postgres) as url:
        s = services(url, inline=False)
        app = s.app
        author = member(app)
        ids = {n: proposal_with(app, author, n) for n in sizes}
        assert all(app.proposal(i).version == n for n, i in ids.items())
        def loader(aggregate_id: UUID) -> Callable[[], object]:
            return lambda: app.repository.get(aggregate_id)

        got = interleave({str(n): loader(i) for n, i in ids.items()}, rounds)
    smallest = str(sizes[0])
    out = []
    for n in sizes:
        is_base = str(n) == smallest
        out.append(figure(
            GROUP, f"proposal with {n:,} events ({backend})", got[str(n)],
            baseline="" if is_base else f"proposal with {sizes[0]:,} events", baseline_samples=None if is_base else got[smallest],
            ratio_means="cost / baseline cost", invert=True, target=2.0 if n == sizes[-1] and not is_base else None, meets="<=",
        ))
    return out
