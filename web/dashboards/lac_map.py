"""The map of the 33 LAC states (Natural Earth 1:50m outlines, public domain; see
``tools/build_lac_map.py``), each state shaded by a count; small island states, too
small to see at this size, also get a round marker."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from web.dashboards.draw import figure, svg

SMALL_STATE_DEGREES = 1.2  # a state whose outline spans less than this gets a marker


@cache
def outlines() -> dict[str, Any]:
    """The map data: ``{"source", "frame", "states": {code: [ring]}, "context": [ring]}``."""
    return dict(json.loads(resources.files("web.dashboards").joinpath("lac_map.json").read_text("utf-8")))


def _span(rings: list[list[list[float]]]) -> tuple[float, float, float]:
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return max(max(xs) - min(xs), max(ys) - min(ys)), (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def lac_map(values: dict[str, int], *, title: str, legend: str, none_label: str) -> bytes:
    """States shaded by ``values[code]`` (absent: light grey, ``none_label`` in the legend)."""
    from matplotlib import colormaps
    from matplotlib.collections import PathCollection
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch
    from matplotlib.path import Path

    data = outlines()
    peak = max(values.values(), default=0) or 1
    norm, cmap = Normalize(vmin=0, vmax=peak), colormaps["Blues"]
    fig = figure(5.2, 5.6)
    ax = fig.add_subplot()
    def compound(rings: list[list[list[float]]]) -> Any:
        # One path per state (its islands as sub-paths): one SVG element each, not one per island.
        return Path.make_compound_path(*(Path(r, closed=True) for r in rings))

    ax.add_collection(PathCollection([compound(data["context"])], facecolors="#eeeeee", edgecolors="#cccccc", linewidths=0.3))
    paths, colours, markers = [], [], []
    for code, rings in data["states"].items():
        n = values.get(code, 0)
        colour = cmap(0.25 + 0.75 * norm(n)) if n else "#d9d9d9"
        paths.append(compound(rings))
        colours.append(colour)
        span, x, y = _span(rings)
        if span < SMALL_STATE_DEGREES:
            markers.append((x, y, colour))
    ax.add_collection(PathCollection(paths, facecolors=colours, edgecolors="#ffffff", linewidths=0.3))
    for x, y, colour in markers:
        ax.plot([x], [y], marker="o", markersize=4.5, markerfacecolor=colour, markeredgecolor="#333333", markeredgewidth=0.5)
    x0, y0, x1, y1 = data["frame"]
    ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal", title=title)
    ax.set_axis_off()
    handles = [Patch(facecolor="#d9d9d9", label=none_label)] + [
        Patch(facecolor=cmap(0.25 + 0.75 * norm(v)), label=str(v)) for v in sorted(set(values.values())) if v
    ]
    ax.legend(handles=handles, title=legend, loc="lower left", frameon=False, fontsize=7, title_fontsize=7)
    return svg(fig)
