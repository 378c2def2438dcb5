"""The cross-cutting commission's indicators on each recommendation's page (issue 19, "The
commission"): each indicator with its definition, baseline and target, and its progress
toward the target per state as a small server-drawn SVG chart (:mod:`web.dashboards.draw`)
with the data table beside it. Indicators and measurements are public (no person).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort
from flask_babel import gettext as _

from projections import indicators as views
from web.dashboards import draw
from web.i18n import country_name, current_language
from web.pages.common import engine, install, services

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
install(bp)
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_cache: dict[tuple[str, str, int], bytes] = {}


@bp.app_template_global("indicators_of")
def indicators_of(proposal_id: str) -> list[dict[str, Any]]:
    """The indicators following the recommendation, for its page."""
    return views.of_recommendation(engine(), str(proposal_id))


bp.add_app_template_global(views.progress, "progress")


def _chart(indicator: dict[str, Any]) -> bytes:
    """Bars per state covered: the progress of its latest measurement (0 without one)."""
    latest: dict[str, float] = {}
    for m in views.measurements(engine(), indicator["id"]):  # by period: the last one of a state wins
        latest[m["state"]] = m["value"]
    states = [country_name(s) for s in indicator["states"]]
    values = [views.progress(latest[s], indicator["baseline"], indicator["target"]) if s in latest else 0 for s in indicator["states"]]
    return draw.grouped_bars(states, {_("Progress toward the target, in per cent"): values}, title=indicator["name"], ylabel=_("per cent of the way from the baseline to the target"), horizontal=True)


@bp.get("/<indicator_id>.svg")
def chart(indicator_id: str) -> Response:
    """The indicator's progress per state as SVG in the reader's language."""
    at = (indicator_id, current_language(), services().projector.position())
    body = _cache.get(at)
    if body is None:
        found = next((i for i in views.indicators(engine()) if i["id"] == indicator_id), None)
        if found is None:
            abort(404)
        body = _chart(found)
        if len(_cache) > 64:
            _cache.clear()
        _cache[at] = body
    r = Response(body, mimetype="image/svg+xml")
    r.headers["Content-Security-Policy"] = SVG_CSP  # drawn by the library; as an image it runs nothing
    r.headers["Cache-Control"] = "no-cache"
    return r
