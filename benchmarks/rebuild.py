"""Rebuild: events per second of a full rebuild of every view (``dialogue projections
rebuild``) against reading and decoding the same log alone (the floor of any rebuild)."""

from __future__ import annotations

from application.bootstrap import Services
from application.persistence import notifications
from benchmarks.measure import Figure, interleave, rate_figure

GROUP = "rebuild"


def decode_all(s: Services, batch: int = 500) -> int:
    """Read every notification and turn it into a domain event; how many."""
    n = 0
    for note in notifications(s.app.recorder, batch=batch):
        s.app.mapper.to_domain_event(note)
        n += 1
    return n


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
