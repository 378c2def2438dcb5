"""Rebuild: events per second of a full rebuild of every view (``dialogue projections
rebuild``) against reading and decoding the same log alone (the floor of any rebuild).

``make bench`` measures it on a history of about 100,000 events: the generated filler
history of ``make bench-scale`` (:func:`benchmarks.scale.history`: one year of filler
proposals drafted and revised, generated once through the application and kept as an
export in ``.bench-cache/``), loaded into a new SQLite database with ``dialogue import``,
then the 2026-Q1 scenario loaded on top through the application's commands (so that every
projection has events to apply, not only the proposals' and the search's).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import generate_master_key, notifications
from application.service import DialogueApplication
from benchmarks import scale
from benchmarks.databases import fresh_database
from benchmarks.measure import Figure, interleave, rate_figure
from projections.runner import long_lived_frozen

GROUP = "rebuild"


def decode_all(s: Services, batch: int = 500) -> int:
    """Read every notification and turn it into a domain event; how many. The process's
    objects are frozen for the collector as a rebuild freezes them (``long_lived_frozen``),
    so that only the handlers' side differs."""
    n = 0
    with long_lived_frozen():
        for note in notifications(s.app.recorder, batch=batch):
            s.app.mapper.to_domain_event(note)
            n += 1
    return n


@contextmanager
def history_services(
    sizes: scale.ScaleSizes, load_on_top: Callable[[DialogueApplication], object], cache: Path | None = None,
) -> Iterator[Services]:
    """The services of a new SQLite database holding the generated history at ``sizes``
    (imported with ``dialogue import`` from the export kept in ``cache``, generated there on
    first use; a temporary folder when None), then ``load_on_top`` run through the
    application, the views caught up."""
    with _cache_folder(cache) as folder:
        export = scale.history(sizes, folder)
        with fresh_database("sqlite") as url:
            key = str(generate_master_key())
            scale.dialogue_import(url, key, export)
            s = bootstrap(Config(database_url=url, master_key=key, inline_projection=False), clock=FixedClock(date(2026, 1, 5)))
            load_on_top(s.app)
            s.projector.catch_up()
            yield s


@contextmanager
def _cache_folder(cache: Path | None) -> Iterator[Path]:
    if cache is not None:
        yield cache
        return
    with tempfile.TemporaryDirectory(prefix="dialogue-bench-cache-") as d:
        yield Path(d)


def measure(s: Services, label: str, *, rounds: int = 3) -> list[Figure]:
    """Interleaved rebuilds and decodes of the log of ``s`` (views are left rebuilt)."""
    counts: dict[str, list[int]] = {"rebuild": [], "decode": []}

    def rebuild() -> None:
        counts["rebuild"].append(s.projector.rebuild())

    def decode() -> None:
        counts["decode"].append(decode_all(s))

    got = interleave({"rebuild": rebuild, "decode": decode}, rounds)
    events = counts["decode"][0]
    return [
        rate_figure(
            GROUP, f"full rebuild, {events:,} events ({label})", counts["rebuild"], got["rebuild"],
            baseline=f"read + decode ({label})", baseline_samples=got["decode"], baseline_counts=counts["decode"], target=0.5,
        ),
        rate_figure(GROUP, f"read + decode, {events:,} events ({label})", counts["decode"], got["decode"]),
    ]
