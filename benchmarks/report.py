"""``BENCHMARKS.md``: the figures of one run as a table, beside the figures recorded before
the performance work (``benchmarks/before.json``) when that file exists."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.measure import Figure

BEFORE = Path(__file__).resolve().parent / "before.json"
# Where the misses are explained, with their profiles: its section is copied into the report.
PERFORMANCE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
WHY_HEADING = "## Targets not met, and why"


def _num(v: float | None) -> str:
    if v is None:
        return ""
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _ratio(f: dict[str, Any]) -> str:
    return "" if f.get("ratio") is None else f"{_num(f['ratio'])}×"


def _target(f: Figure) -> str:
    if f.target is None:
        return ""
    mark = {True: "met", False: "**missed**", None: ""}[f.met]
    return f"{f.meets} {_num(f.target)}× {mark}".strip()


def shortfall(f: Figure) -> float:
    """How far a missed figure is from its target, as a factor (2 = twice too slow)."""
    assert f.ratio is not None and f.target is not None
    return f.target / f.ratio if f.meets == ">=" else f.ratio / f.target


def why_missed(path: Path = PERFORMANCE) -> list[str]:
    """The lines of ``docs/performance.md``'s section on the missed targets (none without it)."""
    if not path.exists():
        return []
    lines = path.read_text("utf-8").splitlines()
    if WHY_HEADING not in lines:
        return []
    start = lines.index(WHY_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line.replace("## ", "### ", 1) if line.startswith("## ") else line for line in lines[start:end]]


def _missed(figures: Sequence[Figure], why: Path) -> list[str]:
    missed = [f for f in figures if f.met is False]
    if not missed:
        return []
    out = ["## Targets missed, by how much and why", ""]
    out += [f"- {f.name}: {_ratio(f.as_dict())} against a target of {f.meets} {_num(f.target)}×, "
            f"{_num(shortfall(f))} times short of it." for f in missed]
    reasons = why_missed(why)
    if reasons:
        out += ["", f"Why, with the profiles (copied from `docs/performance.md`, section \"{WHY_HEADING[3:]}\"):", *reasons]
    return [*out, ""]


def load_before(path: Path = BEFORE) -> dict[str, dict[str, Any]]:
    """Figures recorded before, by name (empty when none were)."""
    if not path.exists():
        return {}
    return {f["name"]: f for f in json.loads(path.read_text("utf-8"))["figures"]}


def load_figures(path: Path = BEFORE) -> list[Figure]:
    """The figures kept in ``path`` (none when it does not exist)."""
    if not path.exists():
        return []
    return [Figure(**f) for f in json.loads(path.read_text("utf-8"))["figures"]]


def save(figures: Sequence[Figure], path: Path, context: dict[str, Any]) -> None:
    """The figures as JSON (``--save-before`` keeps them as the 'before' of later runs)."""
    path.write_text(json.dumps({"context": context, "figures": [f.as_dict() for f in figures]}, indent=1) + "\n", "utf-8")


def context(args: dict[str, Any]) -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load], "arguments": args,
    }


def render(
    figures: Sequence[Figure], ctx: dict[str, Any], before: dict[str, dict[str, Any]], notes: Sequence[str] = (), *,
    title: str = "Benchmarks", written_by: str = "`make bench` (`python -m benchmarks`)", why: Path = PERFORMANCE,
) -> str:
    """The Markdown of ``BENCHMARKS.md`` (or, with another ``title``, of another report)."""
    out = [
        f"# {title}",
        "",
        f"Written by {written_by}; do not edit by hand. Speed is measured here, never in timed",
        "tests; `tests/integration/test_benchmarks.py` runs every benchmark once on tiny sizes so they keep working.",
        "",
        f"Run: {ctx['when']}, Python {ctx['python']}, {ctx['cpus']} CPUs, load average at start {ctx['load_average_at_start']}.",
        "",
        "Each subject and its baseline take turns in the same rounds. **median** is the median of the rounds, **spread** the",
        "lowest and highest round; **ratio** is the median of the per-round ratios against the baseline named beside it",
        "(its meaning in the last column); **before** is the same figure recorded before the performance work",
        "(`benchmarks/before.json`). Where a target is missed, the last section says by how much and why, with a profile.",
        "",
    ]
    if ctx["load_average_at_start"][0] >= 1.0:
        out += [
            f"These figures were taken on a **loaded machine** (load average {ctx['load_average_at_start'][0]} on "
            f"{ctx['cpus']} CPUs shared with other work): absolute times are noisy, the interleaved ratios less so.",
            "",
        ]
    group = None
    for f in figures:
        if f.group != group:
            group = f.group
            out += [f"## {group}", "", "| figure | median | spread | ratio | baseline | before | target | ratio means |",
                    "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        b = before.get(f.name)
        was = "" if b is None else (f"{_num(b['value'])} {b['unit']}" + (f", {_ratio(b)}" if b.get("ratio") is not None else ""))
        out.append(
            f"| {f.name} | {_num(f.value)} {f.unit} | {_num(f.low)}–{_num(f.high)} | {_ratio(f.as_dict())} | {f.baseline} | {was} "
            f"| {_target(f)} | {f.ratio_means} |"
        )
        if f is figures[-1] or figures[figures.index(f) + 1].group != group:
            out.append("")
    if notes:
        out += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    out += _missed(figures, why)
    return "\n".join(out)
