"""The open data of the cross-cutting commission (issue 19, "The commission"): its
indicators of published recommendations and their measurements, each with its source.
Public: no person (who defined or recorded is not exported)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from application.open_data.cells import join_values
from application.open_data.fields import MULTI, Field, TableModel
from domain.commission import DISAGGREGATIONS
from domain.reference import lac_states
from projections import indicators as indicator_views
from projections import proposals as proposal_views

STATE_CODES = tuple(sorted(lac_states()))


def _published_ids(engine: Engine) -> set[str]:
    return {r["id"] for r in proposal_views.list_recommendations(engine, status="published")}


def _indicator_rows(engine: Engine) -> list[dict[str, Any]]:
    published = _published_ids(engine)
    return [
        {"id": i["id"], "reference": i["reference"], "recommendations": join_values(r for r in i["recommendations"] if r in published),
         "name": i["name"], "definition": i["definition"], "unit": i["unit"], "baseline": i["baseline"],
         "baseline_date": i["baseline_date"], "target": i["target"], "target_date": i["target_date"],
         "disaggregation": join_values(i["disaggregation"]), "states": join_values(i["states"])}
        for i in indicator_views.indicators(engine)
    ]


def _measurement_rows(engine: Engine) -> list[dict[str, Any]]:
    return [
        {"indicator_id": m["indicator_id"], "state": m["state"], "period": m["period"], "value": m["value"],
         "disaggregation": json.dumps(m["disaggregation"], sort_keys=True, ensure_ascii=False) if m["disaggregation"] else None,
         "source_title": m["source_title"], "source_url": m["source_url"], "recorded_on": m["recorded_on"]}
        for m in indicator_views.measurements(engine)
    ]


INDICATOR_TABLES: tuple[TableModel, ...] = (
    TableModel(
        "indicators", "Indicators of the cross-cutting commission",
        "Indicators of compliance and impact the cross-cutting commission defined for published recommendations (seed, footnote ii).",
        (
            Field("id", "string", "The indicator's identifier (UUID).", required=True),
            Field("reference", "string", "The commission's reference of the indicator.", required=True),
            Field("recommendations", "string", "The published recommendations it follows (recommendations.id), multi-valued: separated by ';'.", pattern=MULTI, multi=True),
            Field("name", "string", "Name.", required=True),
            Field("definition", "string", "Definition.", required=True),
            Field("unit", "string", "Unit of the values.", required=True),
            Field("baseline", "number", "Baseline value.", required=True),
            Field("baseline_date", "date", "Date of the baseline.", required=True),
            Field("target", "number", "Target value.", required=True),
            Field("target_date", "date", "Date the target is for.", required=True),
            Field("disaggregation", "string", f"Disaggregations among {', '.join(DISAGGREGATIONS)}, multi-valued: separated by ';'.", pattern=MULTI, multi=True),
            Field("states", "string", "States covered (states.code), multi-valued: separated by ';'.", required=True, pattern=MULTI, multi=True),
        ),
        ("id",), rows=_indicator_rows,
    ),
    TableModel(
        "measurements", "Measurements of the indicators",
        "The latest value of each indicator per state and period, with its public source.",
        (
            Field("indicator_id", "string", "The indicator (indicators.id).", required=True),
            Field("state", "string", "The state (states.code).", enum=STATE_CODES, required=True),
            Field("period", "string", "The period: a year (2026) or a quarter (2026-Q3).", required=True, pattern=r"^\d{4}(-Q[1-4])?$"),
            Field("value", "number", "The value, in the indicator's unit.", required=True),
            Field("disaggregation", "string", "The value's breakdown by the indicator's disaggregations, as a JSON object (empty when none)."),
            Field("source_title", "string", "The public source's title.", required=True),
            Field("source_url", "string", "The public source's address.", required=True),
            Field("recorded_on", "date", "Date it was recorded.", required=True),
        ),
        ("indicator_id", "state", "period"),
        ((("indicator_id",), "indicators", ("id",)), (("state",), "states", ("code",))),
        rows=_measurement_rows,
    ),
)
