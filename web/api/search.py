"""Search at ``/api/v1/search?q=…``: proposal titles and texts, amendments and government
responses found by their words (:func:`projections.search.search`, the search page's query),
paged like every list. Only texts every reader may see are indexed: the answer is the same
for everyone and names no person (``docs/search.md``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from projections import search as search_views
from web.api.blueprint import Blueprint, one_page
from web.api.common import engine
from web.api.inputs import Code
from web.pages.search import MAX_QUERY

bp = Blueprint("api_search", __name__, url_prefix="/search", description="Search over proposals, amendments and government responses.")


class SearchQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    q = Code(MAX_QUERY, required=True, metadata={"description": "The words to find (case, accents and word endings aside); every one must occur."})


class PieceSchema(ma.Schema):
    text = fields.String(required=True)
    marked = fields.Boolean(required=True, metadata={"description": "A word that matched (to highlight)."})


class HitSchema(ma.Schema):
    """One text found, with the proposal it belongs to and a snippet around the words."""

    kind = fields.String(required=True, validate=validate.OneOf(search_views.KINDS))
    proposal_id = fields.UUID(required=True)
    reference = fields.String(required=True, metadata={"description": "The proposal's reference."})
    title = fields.String(required=True, metadata={"description": "The proposal's title."})
    label = fields.String(required=True, metadata={"description": "An amendment's reference, a response's country code (else the proposal's reference)."})
    language = fields.String(required=True)
    snippet = fields.List(fields.Nested(PieceSchema), required=True, metadata={"description": "Plain text pieces: escape them to show them."})


@bp.route("")
@bp.arguments(SearchQuerySchema, location="query")
@bp.response(200, HitSchema(many=True))
@bp.paginate()
def search(query: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The texts holding every word of ``q``: proposals first, then amendments, then
    government responses, each by the proposal's reference and the log's order."""
    words = " ".join(query["q"].split())

    def fetch(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        results = search_views.search(engine(), words, limit=limit, offset=offset)
        return [{**vars(h), "snippet": [{"text": t, "marked": m} for t, m in h.snippet]} for h in results.hits], results.total

    return one_page(pagination_parameters, fetch)
