"""Recommendations at ``/api/v1/recommendations``: the recommendation board (every proposal
whatever its status, as ``dialogue recommendations`` lists it; ``?status=`` narrows it, e.g.
to the adopted ones addressed to governments), each with its provenance: the session that
adopted it, the Liaison Table's rounds and the governments' responses."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from domain.reference import objectives
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import sessions as session_views
from web.api.blueprint import Blueprint
from web.api.common import Names, engine, reader
from web.api.proposals import page_of, with_authors
from web.api.schemas import STATUSES, TABLE_CODES, Choice, RecommendationSchema

bp = Blueprint("api_recommendations", __name__, url_prefix="/recommendations", description="The recommendation board, with each recommendation's provenance.")


class RecommendationFilterSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    status = Choice(STATUSES)
    table = Choice(TABLE_CODES)
    objective = fields.Integer(validate=validate.Range(1, len(objectives())))


@bp.route("")
@bp.arguments(RecommendationFilterSchema, location="query")
@bp.response(200, RecommendationSchema(many=True))
@bp.paginate()
def list_recommendations(filters: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The recommendation board (filtered by status, working table, GCM objective), each with
    the session that adopted it, the Liaison Table's rounds and the governments' responses."""
    statuses = [filters["status"]] if "status" in filters else list(STATUSES)
    rows = page_of(statuses, filters, pagination_parameters)
    e = engine()
    # Only what this page's recommendations need, not every session, round and response.
    ids = [p["id"] for p in rows]
    sessions = session_views.sessions_by_id(e, [p["adopted_session_id"] for p in rows if p.get("adopted_session_id")])
    rounds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in liaison_views.endorsement_rounds(e, proposal_ids=ids):
        rounds[r["proposal_id"]].append(r)
    responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in follow_up_views.government_responses(e, proposal_ids=ids):
        responses[r["proposal_id"]].append(r)
    names = Names(reader())
    out = []
    for row in rows:
        session = sessions.get(row["adopted_session_id"] or "")
        row["adopted_in"] = session and {"id": session["id"], "reference": session["reference"], "date": session["date"]}
        row["endorsement_rounds"] = rounds[row["id"]]
        row["government_responses"] = responses[row["id"]]
        out.append(with_authors(row, names))
    return out
