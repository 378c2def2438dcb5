"""Pages: the public dashboards (issue 15, "Dashboards"). Each dashboard is a page with
its chart (an SVG image drawn on the server, :mod:`web.dashboards`), a text alternative and
the data table, in the reader's language; no JavaScript, no account.

- ``objectives``: the 23 GCM objectives × status, a heat map;
- ``pipeline``: drafted → submitted → adopted → endorsed → published → answered, per quarter;
- ``sessions``: sessions held per working table and quarter;
- ``responses``: government responses by state and status, with a map of the 33 states;
- ``participation``: people by stakeholder group, subregion, language and gender,
  counts rounded to base 5 and cells under 5 suppressed.

The figures come from the views (:mod:`projections.dashboards`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from sqlalchemy import Engine

from application.outside_the_log import statistics_mark
from application.participation import latest_statistics
from domain.reference import lac_states, objectives
from projections import dashboards as views
from projections.people import PARTICIPATION_DIMENSIONS
from web.dashboards import draw
from web.dashboards.lac_map import lac_map
from web.i18n import country_name, current_language, language_name, status_label, word
from web.labels import participation_label
from web.pages.common import engine, install, services

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
install(bp)

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass
class Chart:
    """One chart: its address key, its text alternative and how to draw it."""

    key: str
    alt: str
    draw: Callable[[], bytes]


@dataclass
class Dashboard:
    name: str
    title: str
    intro: str
    charts: list[Chart]
    headers: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)


def _stage_labels() -> dict[str, str]:
    return {
        "drafted": _("drafted"), "submitted": _("submitted"), "adopted": _("adopted"), "endorsed": _("endorsed"),
        "published": _("published"), "answered": _("answered"),
    }


def _value_label(dimension: str, value: str) -> str:
    if dimension == "language":
        return language_name(value)
    return participation_label(value)


# ---------------------------------------------------------------------------- the dashboards
def objectives_dashboard(e: Engine) -> Dashboard:
    counts = views.objectives_by_status(e)
    statuses = [s for s in views.STATUS_ORDER if any(counts.get((n, s)) for n in objectives())]
    numbers = sorted(objectives())
    matrix = [[counts.get((n, s), 0) for s in statuses] for n in numbers]
    totals = {n: sum(r) for n, r in zip(numbers, matrix, strict=True)}
    top = max(numbers, key=lambda n: (totals[n], -n))
    alt = _(
        "Heat map of the proposals by GCM objective (rows, 1 to 23) and current status (columns). "
        "Objective %(n)s has the most proposals (%(c)s). Every number is in the table below.",
        n=top, c=totals[top],
    )
    labels = [status_label(s) for s in statuses]
    chart = Chart("objectives", alt, lambda: draw.heatmap(
        matrix, [_("Objective %(n)s", n=n) for n in numbers], labels,
        title=_("Proposals by GCM objective and status"), xlabel=_("Status"), ylabel=_("GCM objective"),
    ))
    rows = [[_("Objective %(n)s", n=n), *r, totals[n]] for n, r in zip(numbers, matrix, strict=True)]
    return Dashboard(
        "objectives", _("GCM objectives and status"),
        _("Which GCM objectives the proposals and recommendations cover, and how far each got. A proposal naming several objectives counts once for each."),
        [chart], [_("GCM objective"), *labels, _("Total")], rows,
    )


def pipeline_dashboard(e: Engine) -> Dashboard:
    funnel = views.funnel(e)
    stages = _stage_labels()
    series = {f["quarter"]: [f[s] for s in views.STAGES] for f in funnel}
    alt = " ".join(
        _("In %(q)s:", q=f["quarter"]) + " " + ", ".join(f"{f[s]} {stages[s]}" for s in views.STAGES) + "." for f in funnel
    ) or _("No proposal yet.")
    chart = Chart("pipeline", alt, lambda: draw.grouped_bars(
        [stages[s] for s in views.STAGES], series, title=_("From draft to government response, per quarter"), ylabel=_("Proposals"), horizontal=True,
    ))
    return Dashboard(
        "pipeline", _("From draft to answer"),
        _("How many proposals reached each step in each quarter: drafted, submitted, adopted by a working table, endorsed by the Liaison Table, published to governments and answered by a government."),
        [chart], [_("Quarter"), *stages.values()], [[f["quarter"], *(f[s] for s in views.STAGES)] for f in funnel],
    )


def sessions_dashboard(e: Engine) -> Dashboard:
    activity = views.sessions_by_table_and_quarter(e)
    quarters = sorted({a["quarter"] for a in activity})
    tables = sorted({a["table"] for a in activity})
    held = {(a["table"], a["quarter"]): a["held"] for a in activity}
    series = {t: [held.get((t, q), 0) for q in quarters] for t in tables}
    alt = " ".join(
        _("In %(q)s:", q=q) + " " + ", ".join(f"{t} {held.get((t, q), 0)}" for t in tables) + "." for q in quarters
    ) or _("No session yet.")
    chart = Chart("sessions", _("Sessions held per working table.") + " " + alt, lambda: draw.grouped_bars(
        quarters, series, title=_("Sessions held per working table and quarter"), ylabel=_("Sessions held"),
    ))
    rows = [[a["quarter"], a["table"], a["scheduled"], a["held"]] for a in activity]
    return Dashboard(
        "sessions", _("Sessions of the working tables"),
        _("The working tables meet quarterly: how many sessions each table held (opened, or with positions or decisions recorded) and how many were scheduled."),
        [chart], [_("Quarter"), _("Working table"), _("Scheduled"), _("Held")], rows,
    )


def responses_dashboard(e: Engine) -> Dashboard:
    counts = views.responses_by_state_and_status(e)
    statuses = ("accepted", "partially_accepted", "noted", "rejected")
    states = sorted({c for c, _s in counts}, key=lambda c: (-sum(counts.get((c, s), 0) for s in statuses), country_name(c)))
    per_state = {c: sum(counts.get((c, s), 0) for s in statuses) for c in lac_states()}
    names = [country_name(c) for c in states]
    series = {word(s): [counts.get((c, s), 0) for c in states] for s in statuses}
    described = "; ".join(
        f"{country_name(c)} {per_state[c]} (" + ", ".join(f"{counts[(c, s)]} {word(s)}" for s in statuses if counts.get((c, s))) + ")" for c in states
    )
    alt_bars = _("Government responses by state and status: %(list)s.", list=described) if states else _("No government has responded yet.")
    alt_map = _(
        "Map of the 33 states of Latin America and the Caribbean, each shaded by the number of responses it gave; %(n)s states responded.",
        n=len(states),
    )
    charts = [
        Chart("responses", alt_bars, lambda: draw.stacked_bars(names, series, title=_("Government responses by state and status"), xlabel=_("Responses"))),
        Chart("responses-map", alt_map, lambda: lac_map(
            {c: n for c, n in per_state.items() if n}, title=_("Government responses by state"), legend=_("Responses"), none_label=_("none"),
        )),
    ]
    rows = [[country_name(c), *(counts.get((c, s), 0) for s in statuses), per_state[c]] for c in sorted(lac_states(), key=country_name)]
    return Dashboard(
        "responses", _("Government responses"),
        _("How the governments of the region answered the recommendations published to them."),
        charts, [_("State"), *(word(s) for s in statuses), _("Total")], rows,
        [_("Map: Natural Earth 1:50m boundaries (public domain). Small island states are marked with a circle.")],
    )


def participation_dashboard(e: Engine) -> Dashboard:
    # The latest quarterly snapshot (application/participation.py), never the live counts.
    stats = latest_statistics(services().app.engine)
    cells = stats["dimensions"] if stats else {d: [] for d in PARTICIPATION_DIMENSIONS}
    titles = {"stakeholder_group": _("Stakeholder group"), "subregion": _("Subregion"), "language": _("Preferred language"), "gender": _("Gender")}
    suppressed = participation_label("suppressed")
    panels = {titles[d]: [(_value_label(d, c["value"]), c["count"]) for c in cs] for d, cs in cells.items()}
    alt = " ".join(
        f"{name}: " + ", ".join(f"{v} {n if n is not None else suppressed}" for v, n in cs) + "." for name, cs in panels.items()
    )
    chart = Chart("participation", alt, lambda: draw.count_panels(panels, title=_("People taking part"), suppressed=suppressed))
    rows = [[name, v, n if n is not None else suppressed] for name, cs in panels.items() for v, n in cs]
    return Dashboard(
        "participation", _("Participation"),
        _("Who takes part, by stakeholder group and subregion of their organisation, preferred language and gender, as published once a quarter. Counts are rounded to a multiple of 5 and cells under 5 are suppressed, so that no person can be singled out."),
        [chart], [_("Dimension"), _("Value"), _("People")], rows,
    )


DASHBOARDS: dict[str, Callable[[Engine], Dashboard]] = {
    "objectives": objectives_dashboard, "pipeline": pipeline_dashboard, "sessions": sessions_dashboard,
    "responses": responses_dashboard, "participation": participation_dashboard,
}


def dashboard(name: str) -> Dashboard:
    if name not in DASHBOARDS:
        abort(404)
    return DASHBOARDS[name](engine())


# ---------------------------------------------------------------------------- routes
@bp.get("")
def index() -> str:
    """Every dashboard, with its title and what it shows."""
    e = engine()
    return render_template("dashboards/index.html", dashboards=[f(e) for f in DASHBOARDS.values()])


@bp.get("/<name>")
def show(name: str) -> str:
    return render_template("dashboards/dashboard.html", d=dashboard(name))


_cache: dict[tuple[Any, ...], bytes] = {}


@bp.get("/<name>/<key>.svg")
def chart(name: str, key: str) -> Response:
    """One chart as SVG in the reader's language (cached per language, the views' position
    and the published participation statistics, which are written without an event)."""
    at = (f"{name}/{key}", current_language(), services().projector.position(), statistics_mark(engine()))
    body = _cache.get(at)
    if body is None:
        found = next((c for c in dashboard(name).charts if c.key == key), None)
        if found is None:
            abort(404)
        body = found.draw()
        if len(_cache) > 64:
            _cache.clear()
        _cache[at] = body
    r = Response(body, mimetype="image/svg+xml")
    # Drawn by the library with inline styles; as an image it runs nothing.
    r.headers["Content-Security-Policy"] = SVG_CSP
    r.headers["Cache-Control"] = "no-cache"
    return r
