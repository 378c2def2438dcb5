"""Proposals at ``/api/v1/proposals``: the list (filters, pages), one proposal, whose ETag is
its aggregate version, its co-authors and its amendments. Writes come with
:mod:`web.api.proposal_writes`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask_smorest import abort
from marshmallow import fields, validate

from domain.reference import objectives
from projections import proposals as proposal_views
from web.api.blueprint import Blueprint, one_page
from web.api.common import Names, engine, reader
from web.api.schemas import (
    STATUSES,
    TABLE_CODES,
    AmendmentSchema,
    Choice,
    CoAuthorsSchema,
    ProposalSchema,
)

bp = Blueprint("api_proposals", __name__, url_prefix="/proposals", description="Proposals of the working tables: draft, revise, submit, withdraw, amendments.")


class ProposalFilterSchema(ma.Schema):
    """Filters of the list of proposals (each optional; together they all apply)."""

    class Meta:
        unknown = ma.EXCLUDE

    status = Choice(STATUSES)
    table = Choice(TABLE_CODES)
    objective = fields.Integer(validate=validate.Range(1, len(objectives())), metadata={"description": "A GCM objective (1–23)."})


def with_authors(row: dict[str, Any], names: Names) -> dict[str, Any]:
    """A proposal's view row with its ``authors`` (null for readers who may not see names)."""
    if names.visible:
        row["authors"] = [{**(names.person(row["author_id"]) or {}), "role": "author"}] + [
            {**(names.person(c) or {}), "role": "co_author"} for c in names.in_name_order(row["co_author_ids"])
        ]
    else:
        row["authors"] = None
    return row


def page_of(statuses: list[str] | tuple[str, ...], filters: dict[str, Any], pagination: Any) -> list[dict[str, Any]]:
    """One page of proposals in the board's stable order (table, reference, drafted on, id);
    sets the total on ``pagination``. A page past the last one is empty."""
    return one_page(pagination, lambda limit, offset: proposal_views.page_of_recommendations(
        engine(), status=list(statuses), table=filters.get("table"), objective=filters.get("objective"), limit=limit, offset=offset,
    ))


@bp.route("")
@bp.arguments(ProposalFilterSchema, location="query")
@bp.response(200, ProposalSchema(many=True))
@bp.paginate()
def list_proposals(filters: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """Proposals of every status, filtered by status, working table and GCM objective."""
    statuses = [filters["status"]] if "status" in filters else list(STATUSES)
    names = Names(reader())
    return [with_authors(r, names) for r in page_of(statuses, filters, pagination_parameters)]


def proposal_or_404(proposal_id: UUID) -> dict[str, Any]:
    row = proposal_views.get_proposal(engine(), str(proposal_id))
    if row is None:
        abort(404, message="No proposal with this id.", code="not_found")
        raise AssertionError  # abort raises
    return row


@bp.route("/<uuid:proposal_id>")
@bp.etag
@bp.response(200, ProposalSchema)
@bp.errors(404)
def get_proposal(proposal_id: UUID) -> dict[str, Any]:
    """One proposal; its ETag is its aggregate version (``If-None-Match`` answers 304)."""
    row = proposal_or_404(proposal_id)
    bp.set_version(row["version"])
    return with_authors(row, Names(reader()))


@bp.route("/<uuid:proposal_id>/co-authors")
@bp.etag
@bp.response(200, CoAuthorsSchema)
@bp.errors(404)
def get_co_authors(proposal_id: UUID) -> dict[str, Any]:
    """The proposal's co-authors (named for readers who may see names; a count for everyone);
    the ETag is the proposal's version, the one to send when adding or removing one."""
    row = proposal_or_404(proposal_id)
    bp.set_version(row["version"])
    names = Names(reader())
    people = [names.person(c) for c in names.in_name_order(row["co_author_ids"])] if names.visible else None
    return {"proposal_id": row["id"], "version": row["version"], "count": len(row["co_author_ids"]), "co_authors": people}


@bp.route("/<uuid:proposal_id>/amendments")
@bp.response(200, AmendmentSchema(many=True))
@bp.errors(404)
def list_amendments(proposal_id: UUID) -> list[dict[str, Any]]:
    """The amendments proposed to the proposal, by date and reference, with their status."""
    proposal_or_404(proposal_id)
    names = Names(reader())
    return [{**a, "amender": names.person(a["amender_id"])} for a in proposal_views.amendments_of(engine(), str(proposal_id))]
