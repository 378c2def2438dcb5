"""Heat map and bar charts as SVG (matplotlib, text kept as text so it stays small and
readable by assistive tools; colours from the Okabe-Ito palette, safe for colour-blind
readers)."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_lock = threading.Lock()
_configured = False


def figure(width: float, height: float) -> Any:
    """A new matplotlib figure (inches), the library configured once (imported on use:
    the pages that draw nothing never load it)."""
    global _configured
    import matplotlib
    from matplotlib.figure import Figure

    if not _configured:
        matplotlib.rcParams.update({
            "svg.fonttype": "none", "svg.hashsalt": "dialogue-dashboards", "font.family": "DejaVu Sans", "font.size": 8,
            "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 9, "axes.titleweight": "bold",
            "xtick.major.size": 0, "ytick.major.size": 0,
        })
        _configured = True
    return Figure(figsize=(width, height), layout="constrained")


_PATH_DATA = re.compile(r'\bd="([^"]*)"')
_DECIMAL = re.compile(r"(-?\d+\.\d+)")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def _short(m: re.Match[str]) -> str:
    text = f"{float(m.group(1)):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _compact(text: str) -> str:
    """Path data with one decimal (a tenth of a point) and no line breaks, and no RDF
    metadata block: the drawing is unchanged to the eye and several times smaller."""
    text = _METADATA.sub("", text, count=1)
    return _PATH_DATA.sub(lambda m: 'd="' + _DECIMAL.sub(_short, " ".join(m.group(1).split())) + '"', text)


def svg(fig: Any) -> bytes:
    """The figure as compact SVG bytes, without a date (the same figure gives the same
    bytes)."""
    buf = io.BytesIO()
    with _lock:  # rcParams are global: one figure is written at a time
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _compact(buf.getvalue().decode("utf-8")).encode("utf-8")


def heatmap(values: Sequence[Sequence[int]], rows: Sequence[str], columns: Sequence[str], *, title: str, xlabel: str, ylabel: str) -> bytes:
    """A heat map of counts (rows × columns): each non-zero cell shaded and labelled with
    its count, zero cells left blank (so the drawing holds only what is there)."""
    from matplotlib import colormaps
    from matplotlib.collections import PolyCollection

    fig = figure(7.2, 0.22 * len(rows) + 1.9)
    ax = fig.add_subplot()
    peak = max((v for r in values for v in r), default=0) or 1
    cmap = colormaps["Blues"]
    cells, colours = [], []
    for i, r in enumerate(values):
        for j, v in enumerate(r):
            if v:
                cells.append([(j, i), (j + 1, i), (j + 1, i + 1), (j, i + 1)])
                colours.append(cmap(0.2 + 0.8 * v / peak))
                ax.text(j + 0.5, i + 0.5, str(v), ha="center", va="center", fontsize=7, color="#ffffff" if v > peak / 2 else "#000000")
    ax.add_collection(PolyCollection(cells, facecolors=colours, edgecolors="#ffffff", linewidths=0.5))
    ax.set(xlim=(0, len(columns)), ylim=(len(rows), 0), title=title, xlabel=xlabel, ylabel=ylabel)
    ax.set_xticks([j + 0.5 for j in range(len(columns))], list(columns), rotation=35, ha="right")
    ax.set_yticks([i + 0.5 for i in range(len(rows))], list(rows))
    ax.set_xticks(range(len(columns) + 1), minor=True)
    ax.set_yticks(range(len(rows) + 1), minor=True)
    ax.tick_params(which="minor", length=0)
    ax.grid(which="minor", color="#e5e5e5", linewidth=0.5)
    return svg(fig)


def grouped_bars(categories: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str, ylabel: str, horizontal: bool = False) -> bytes:
    """Bars per category, one bar per series (in the legend), each labelled with its value."""
    n = max(len(series), 1)
    long = len(categories) * n > 14
    fig = figure(7.2, 0.22 * len(categories) * n + 1.4 if horizontal else (3.4 if not long else 4.0))
    ax = fig.add_subplot()
    width = 0.8 / n
    for k, (name, values) in enumerate(series.items()):
        at = [i - 0.4 + width * (k + 0.5) for i in range(len(categories))]
        bars = ax.barh(at, values, height=width, label=name, color=PALETTE[k % len(PALETTE)]) if horizontal else ax.bar(at, values, width=width, label=name, color=PALETTE[k % len(PALETTE)])
        ax.bar_label(bars, fontsize=7, padding=2)
    ticks = list(range(len(categories)))
    if horizontal:
        ax.set_yticks(ticks, list(categories))
        ax.invert_yaxis()
        ax.set_xlabel(ylabel)
    else:
        ax.set_xticks(ticks, list(categories))
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize=7)
    return svg(fig)


def stacked_bars(categories: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str, xlabel: str) -> bytes:
    """Horizontal bars per category, stacked by series (in the legend)."""
    fig = figure(7.2, 0.26 * max(len(categories), 1) + 1.5)
    ax = fig.add_subplot()
    left = [0] * len(categories)
    for k, (name, values) in enumerate(series.items()):
        ax.barh(list(range(len(categories))), values, left=left, label=name, color=PALETTE[k % len(PALETTE)])
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(list(range(len(categories))), list(categories))
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel)
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    return svg(fig)


def count_panels(panels: Mapping[str, Sequence[tuple[str, int | None]]], *, title: str, suppressed: str) -> bytes:
    """One small horizontal bar chart per panel (e.g. per dimension); a cell whose count is
    None is suppressed: no bar, the word ``suppressed`` instead."""
    fig = figure(7.2, 0.22 * sum(max(len(c), 1) for c in panels.values()) + 0.5 * len(panels) + 0.8)
    axes = fig.subplots(len(panels), 1, squeeze=False, height_ratios=[max(len(c), 1) for c in panels.values()])
    for ax, (name, cells) in zip((a[0] for a in axes), panels.items(), strict=True):
        labels = [v for v, _ in cells]
        counts = [n or 0 for _, n in cells]
        bars = ax.barh(list(range(len(cells))), counts, color=PALETTE[0])
        ax.bar_label(bars, labels=[str(n) if n is not None else suppressed for _, n in cells], fontsize=7, padding=2)
        ax.set_yticks(list(range(len(cells))), labels)
        ax.invert_yaxis()
        ax.set_title(name, loc="left")
    fig.suptitle(title, fontsize=9, fontweight="bold")
    return svg(fig)
