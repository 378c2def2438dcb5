"""The cross-cutting commission's indicators on each recommendation's page (issue 19, "The
commission"): each indicator with its definition, baseline and target, and its progress
toward the target per state as a small server-drawn SVG chart (:mod:`web.dashboards.draw`)
with the data table beside it. Indicators and measurements are public (no person).

The forms of the commission's members on a published recommendation's page: define an
indicator, record a measurement of one. A refused form comes back with what was typed and
every problem of its content at once (:meth:`CommissionCommands.check_indicator`,
:meth:`CommissionCommands.check_measurement`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _

from domain.errors import DomainError
from domain.ids import created_id
from domain.reference import lac_states
from projections import indicators as views
from projections import proposals as proposal_views
from web.commission_forms import (
    DISAGGREGATION_LABELS,
    IndicatorForm,
    MeasurementForm,
    read_numbers,
    repeated_categories,
)
from web.dashboards import draw
from web.forms import opts
from web.i18n import country_name, current_language, refusal_words
from web.pages.commission import expired
from web.pages.common import (
    Page,
    command_id_of,
    engine,
    execute,
    form_errors,
    found_or_404,
    install,
    kept_of_proposal,
    load_viewer,
    place_error,
    problems_by_field,
    refusal,
    services,
)
from web.pages.proposals import render_proposal

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
install(bp)
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_cache: dict[tuple[str, str, int], bytes] = {}


@bp.app_template_global("indicators_of")
def indicators_of(proposal_id: str) -> list[dict[str, Any]]:
    """The indicators following the recommendation, for its page."""
    return kept_of_proposal(views.of_recommendation, str(proposal_id))


bp.add_app_template_global(views.progress, "progress")
forms_bp = Blueprint("indicator_forms", __name__)
install(forms_bp)
SOURCE_FIELDS = {"source": "source_url", "commission": "reference"}


def _indicator_form(failed: dict[str, Any]) -> IndicatorForm:
    form = failed["form"] if failed.get("action") == "indicator" else IndicatorForm(formdata=None, prefix="ind")
    form.disaggregation.choices = opts(DISAGGREGATION_LABELS.items())
    form.states.choices = opts((c, country_name(c)) for c in sorted(lac_states(), key=country_name))
    return form


def _measurement_form(indicator: dict[str, Any], failed: dict[str, Any]) -> MeasurementForm:
    here = failed.get("action") == "measurement" and failed.get("indicator") == indicator["id"]
    form = failed["form"] if here else MeasurementForm(formdata=None, prefix=f"m-{indicator['id'][:8]}")
    form.state.choices = opts((s, country_name(s)) for s in indicator["states"])
    return form


@bp.app_template_global("commission_forms")
def commission_forms(p: dict[str, Any], indicators: list[dict[str, Any]], failed: dict[str, Any]) -> dict[str, Any]:
    """The forms the page offers on recommendation ``p``: to members of the commission on
    a published recommendation, and any refused one again."""
    viewer = load_viewer()
    member = p["status"] == "published" and views.is_member(engine(), viewer.participant_id if viewer.is_participant else None)
    action = failed.get("action")
    return {
        "indicator": _indicator_form(failed) if member or action == "indicator" else None,
        "measurement": {
            i["id"]: _measurement_form(i, failed) for i in indicators
            if member or (action == "measurement" and failed.get("indicator") == i["id"])
        },
    }



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
        found = views.indicator(engine(), indicator_id)
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


# ---------------------------------------------------------------------------- the forms
@forms_bp.post("/proposals/<proposal_id>/indicators")
def define(proposal_id: str) -> Page:
    """A member of the commission defines an indicator for this recommendation."""
    p = found_or_404(proposal_views.get_proposal, proposal_id)
    viewer = load_viewer()
    form = IndicatorForm(prefix="ind")
    form.validate_on_submit()
    if (top := expired(form)) is not None:
        return render_proposal(p, 400, {"action": "indicator", "form": form, "top": top, "errs": form_errors(form)})
    if viewer.participant_id is None or not viewer.is_participant:
        return render_proposal(p, 422, {"action": "indicator", "form": form, "top": refusal("no_participant"), "errs": {}})
    numbers = read_numbers(form, ("baseline", "target"))
    content: dict[str, Any] = {
        "reference": form.reference.data or "", "recommendations": [proposal_id], "name": form.name.data or "",
        "definition": form.definition.data or "", "unit": form.unit.data or "", "baseline": numbers.values["baseline"],
        "baseline_date": form.baseline_date.data, "target": numbers.values["target"], "target_date": form.target_date.data,
        "disaggregation": list(form.disaggregation.data or []), "states": list(form.states.data or []),
    }
    errs = problems_by_field(form_errors(form), services().app.check_indicator(**content), {})
    errs |= numbers.problems  # in place of "is a number": how to write it
    if errs:
        return render_proposal(p, 422, {"action": "indicator", "form": form, "top": None, "errs": errs})
    actor, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.define_indicator(indicator_id=created_id("indicator", cid), actor=actor, command_id=cid, **content))
    if outcome.applied:
        flash(_("The indicator is defined."), "ok")
        return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#ind-h")
    top, errs = place_error(outcome, form, inline=set(content) - {"recommendations"})
    return render_proposal(found_or_404(proposal_views.get_proposal, proposal_id), outcome.status, {"action": "indicator", "form": form, "top": top, "errs": errs})


def _breakdown_errors(indicator_id: str, content: dict[str, Any], parts: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """The breakdown's problems on the field of each disaggregation that has them (the
    application's check of that part alone)."""
    errs: dict[str, list[str]] = {}
    for dimension, categories in parts.items():
        alone: list[DomainError] = services().app.check_measurement(indicator_id, **{**content, "disaggregation": {dimension: categories}})
        words = [refusal_words(e) for e in alone if e.field == "disaggregation"]
        if words:
            errs[f"breakdown_{dimension}"] = words
    return errs


@forms_bp.post("/proposals/<proposal_id>/indicators/<indicator_id>/measurements")
def measure(proposal_id: str, indicator_id: str) -> Page:
    """A member of the commission records a measurement of an indicator of this recommendation."""
    p = found_or_404(proposal_views.get_proposal, proposal_id)
    indicator = next((i for i in views.of_recommendation(engine(), proposal_id) if i["id"] == indicator_id), None)
    if indicator is None:
        abort(404)
    viewer = load_viewer()
    form = MeasurementForm(prefix=f"m-{indicator_id[:8]}")
    form.validate_on_submit()
    failed: dict[str, Any] = {"action": "measurement", "indicator": indicator_id, "form": form}
    if (top := expired(form)) is not None:
        return render_proposal(p, 400, {**failed, "top": top, "errs": form_errors(form)})
    if viewer.participant_id is None or not viewer.is_participant:
        return render_proposal(p, 422, {**failed, "top": refusal("no_participant"), "errs": {}})
    numbers = read_numbers(form, ("value",), indicator["disaggregation"])
    parts = numbers.breakdown
    content: dict[str, Any] = {
        "state": form.state.data or "", "period": (form.period.data or "").strip(), "value": numbers.values["value"],
        "source": {"title": form.source_title.data or "", "url": (form.source_url.data or "").strip()},
        "disaggregation": parts or None,
    }
    problems = services().app.check_measurement(indicator_id, **content)
    errs = problems_by_field(form_errors(form), [e for e in problems if e.field != "disaggregation"], SOURCE_FIELDS)
    if len(problems) > len([e for e in problems if e.field != "disaggregation"]):
        errs |= _breakdown_errors(indicator_id, content, parts)
    for field, words in repeated_categories(form, indicator["disaggregation"]).items():
        errs[field] = [*errs.get(field, []), *words]
    for field, words in numbers.problems.items():
        errs[field] = words if field == "value" else [*errs.get(field, []), *words]
    if errs:
        return render_proposal(p, 422, {**failed, "top": None, "errs": errs})
    actor, cid = str(viewer.participant_id), command_id_of(form)
    outcome = execute(cid, lambda: services().app.record_measurement(indicator_id, actor=actor, command_id=cid, **content))
    if outcome.applied:
        flash(_("The measurement is recorded."), "ok")
        return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#ind-h")
    top, errs = place_error(outcome, form, SOURCE_FIELDS, inline={"state", "period", "value", "source_url"})
    return render_proposal(found_or_404(proposal_views.get_proposal, proposal_id), outcome.status, {**failed, "top": top, "errs": errs})
