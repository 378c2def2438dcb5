"""Interleaved measurement: a subject and its baseline take turns in rounds, and each
figure is the median of per-round values, with the spread of those values.

A machine shared with other work slows every case of a round alike, so a ratio taken inside
one round (baseline cost / subject cost) is steadier than two medians taken minutes apart.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One line of ``BENCHMARKS.md``.

    ``value`` is the median of the rounds, ``low``/``high`` the lowest and highest round
    (the spread), in ``unit``. ``ratio`` is the median of per-round ratios against
    ``baseline`` (its meaning in ``ratio_means``), ``target`` the issue's goal for the
    ratio, checked by ``meets`` (``">="`` or ``"<="``).
    """

    group: str
    name: str
    unit: str
    value: float
    low: float
    high: float
    baseline: str = ""
    ratio: float | None = None
    ratio_means: str = ""
    target: float | None = None
    meets: str = ">="
    rounds: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        if self.ratio is None or self.target is None:
            return None
        return self.ratio >= self.target if self.meets == ">=" else self.ratio <= self.target

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def timed(
    call: Callable[[], object], times: int = 1, clock: Callable[[], float] = time.perf_counter, before: Callable[[], object] | None = None,
) -> float:
    """Seconds per call of ``call`` run ``times`` times in a row, by ``clock`` (the wall clock;
    ``time.process_time``: the CPU time of this process, which other work on the machine
    does not add to); with ``before``, it runs before each call, untimed."""
    if before is None:
        start = clock()
        for _ in range(times):
            call()
        return (clock() - start) / times
    total = 0.0
    for _ in range(times):
        before()
        start = clock()
        call()
        total += clock() - start
    return total / times


def interleave(
    cases: dict[str, Callable[[], object]], rounds: int, times: int = 1, before_round: Callable[[int], None] | None = None,
    clock: Callable[[], float] = time.perf_counter, before_each: dict[str, Callable[[], object]] | None = None,
) -> dict[str, list[float]]:
    """Run every case ``times`` times per round, the cases in turn (their order alternating
    between rounds), for ``rounds`` rounds; seconds per call of each case (by ``clock``), one
    per round. ``before_each[name]``, when given, runs untimed before each call of that case."""
    out: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        if before_round is not None:
            before_round(r)
        for name in names if r % 2 == 0 else reversed(names):
            out[name].append(timed(cases[name], times, clock, (before_each or {}).get(name)))
    return out


def figure(
    group: str, name: str, samples: list[float], *, unit: str = "ms", scale: float = 1000.0, baseline: str = "",
    baseline_samples: list[float] | None = None, ratio_means: str = "baseline cost / cost (1 = as fast as the baseline)",
    invert: bool = False, target: float | None = None, meets: str = ">=",
) -> Figure:
    """A figure from per-round seconds ``samples``; with ``baseline_samples`` (same rounds)
    the ratio is the median of baseline/subject per round (``invert``: subject/baseline)."""
    values = [s * scale for s in samples]
    ratio = None
    if baseline_samples is not None:
        pairs = zip(samples, baseline_samples, strict=True)
        ratios = [(s / b) if invert else (b / s) for s, b in pairs if s > 0 and b > 0]
        ratio = statistics.median(ratios) if ratios else None
    return Figure(
        group=group, name=name, unit=unit, value=statistics.median(values), low=min(values), high=max(values),
        baseline=baseline, ratio=ratio, ratio_means=ratio_means if baseline else "", target=target, meets=meets,
        rounds=len(samples),
    )


def rate_figure(
    group: str, name: str, counts: list[int], samples: list[float], *, baseline: str = "", baseline_samples: list[float] | None = None,
    baseline_counts: list[int] | None = None, target: float | None = None,
) -> Figure:
    """Events per second, per round; the ratio is subject rate / baseline rate."""
    rates = [c / s for c, s in zip(counts, samples, strict=True) if s > 0]
    ratio = None
    if baseline_samples is not None and baseline_counts is not None:
        base = [c / s for c, s in zip(baseline_counts, baseline_samples, strict=True) if s > 0]
        ratio = statistics.median([a / b for a, b in zip(rates, base, strict=False) if b > 0])
    return Figure(
        group=group, name=name, unit="events/s", value=statistics.median(rates), low=min(rates), high=max(rates),
        baseline=baseline, ratio=ratio, ratio_means="rate / baseline rate" if baseline else "", target=target, rounds=len(rates),
    )
