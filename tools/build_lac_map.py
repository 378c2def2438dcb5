"""Build ``web/dashboards/lac_map.json``, the outlines of the 33 LAC states drawn by the
government-responses map (``docs/open-data.md``, "The map"), from Natural Earth.

Source: Natural Earth 1:50m Admin 0 countries (public domain), as packaged in TopoJSON
by the npm package ``world-atlas`` 2.0.2 (``countries-50m.json``, ISC licence for the
packaging). 1:50m keeps the small Caribbean states (Antigua and Barbuda, Grenada, Saint
Kitts and Nevis…) that 1:110m drops.

Run once, by hand, when the outlines should change; the service never reads the
network::

    npm install world-atlas@2.0.2 --prefix SOMEWHERE
    python tools/build_lac_map.py SOMEWHERE/node_modules/world-atlas/countries-50m.json

Standard library only. The TopoJSON arcs are decoded (delta-encoded, quantised), every
ring is simplified (Douglas-Peucker, 0.03 degrees) and its points rounded to 0.01 degrees
(about 1 km); rings that vanish are kept as their first points so that no state is lost.
Polygons of other countries lying wholly inside the map's frame (French Guiana, Puerto
Rico…) are kept as grey context. Islets spanning less than 0.25 degrees are left out,
except the largest polygon of each state, so the file and the drawn map stay small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "web" / "dashboards" / "lac_map.json"
# ISO 3166-1 numeric (world-atlas feature ids) → alpha-2 (domain/data/lac_states.json).
LAC_NUMERIC = {
    "028": "AG", "044": "BS", "052": "BB", "192": "CU", "212": "DM", "214": "DO", "308": "GD", "332": "HT",
    "388": "JM", "659": "KN", "662": "LC", "670": "VC", "780": "TT", "084": "BZ", "188": "CR", "222": "SV",
    "320": "GT", "340": "HN", "484": "MX", "558": "NI", "591": "PA", "032": "AR", "068": "BO", "076": "BR",
    "152": "CL", "170": "CO", "218": "EC", "328": "GY", "600": "PY", "604": "PE", "740": "SR", "858": "UY",
    "862": "VE",
}
FRAME = (-118.5, -56.5, -33.0, 33.0)  # lon min, lat min, lon max, lat max
TOLERANCE = 0.1
MIN_SPAN = 0.25  # islands smaller than this (degrees) are left out, except a state's largest

Point = tuple[float, float]


def decode_arcs(topo: dict[str, Any]) -> list[list[Point]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    out: list[Point] = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    return out


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if d > best:
                best, index = d, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack.extend([(a, index), (index, b)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def rounded(points: list[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, 2), round(y, 2)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def inside(points: list[Point]) -> bool:
    x0, y0, x1, y1 = FRAME
    return all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points)


def _span(ring: list[list[float]]) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _without_islets(rings: list[list[list[float]]]) -> list[list[list[float]]]:
    largest = max(rings, key=_span)
    return [r for r in rings if r is largest or _span(r) >= MIN_SPAN]


def main(source: str) -> None:
    topo = json.loads(Path(source).read_text("utf-8"))
    arcs = decode_arcs(topo)
    states: dict[str, list[list[list[float]]]] = {}
    context: list[list[list[float]]] = []
    for g in topo["objects"]["countries"]["geometries"]:
        code = LAC_NUMERIC.get(str(g.get("id")))
        for poly in polygons(g):
            outer = ring(arcs, poly[0])  # holes are dropped: none matters at this size
            if code is None and not inside(outer):
                continue
            simple = rounded(simplify(outer, TOLERANCE))
            if len(simple) < 4:
                simple = rounded(outer[:: max(1, len(outer) // 8)])
            (states.setdefault(code, []) if code else context).append(simple)
    states = {code: _without_islets(rings) for code, rings in states.items()}
    context = [r for r in context if _span(r) >= MIN_SPAN]
    missing = sorted(set(LAC_NUMERIC.values()) - set(states))
    if missing:
        raise SystemExit(f"states missing from the source: {missing}")
    data = {
        "source": "Natural Earth 1:50m Admin 0 countries (public domain), TopoJSON packaging world-atlas 2.0.2 "
        "(countries-50m.json, ISC licence); simplified by tools/build_lac_map.py",
        "units": "degrees of longitude and latitude (WGS 84), rounded to 0.01",
        "frame": list(FRAME),
        "states": {k: states[k] for k in sorted(states)},
        "context": context,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n", "utf-8")
    print(f"{OUT.name}: {len(states)} states, {len(context)} context polygons, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
