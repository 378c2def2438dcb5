"""Dialogues with governments and their answers (``/api/v1/dialogues``,
``/api/v1/government-responses``, ``/api/v1/proposals/{id}/follow-ups``): the biannual
dialogues facilitated by the Regional Network with the recommendations presented at each
(ETag: the dialogue's version), scheduling one and recording a presentation (the
secretariat, as on the dialogues page), the governments' responses, latest first in pages,
and a recommendation's follow-up entries. Everything here is public: it names no person."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import url_for
from flask_smorest import abort
from marshmallow import fields

from application.preconditions import aggregate_version
from domain.reference import lac_states
from projections import follow_up as follow_up_views
from web.api.blueprint import ACCEPTED, Blueprint, one_page
from web.api.commands import run, writing
from web.api.common import engine
from web.api.inputs import DialogueInput, PresentationInput
from web.api.may_act import secretariat
from web.api.proposals import proposal_or_404
from web.api.schemas import Choice, GovernmentResponseSchema
from web.services import services

bp = Blueprint("api_dialogues", __name__, description="Dialogues with governments, their responses and the follow-up of recommendations.")
Answer = tuple[dict[str, Any], int, dict[str, str]]


class PresentationSchema(ma.Schema):
    proposal_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    title = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The recommendation's version presented (as decided)."})
    note = fields.String(required=True)
    presented_on = fields.Date(required=True)


class DialogueSchema(ma.Schema):
    """A dialogue with governments (``version``: its aggregate version, the ETag)."""

    id = fields.UUID(required=True)
    period = fields.String(required=True, metadata={"description": "The half-year, YYYY-H1 or YYYY-H2."})
    date = fields.Date(required=True)
    title = fields.String(required=True)
    governments = fields.List(fields.String(), required=True, metadata={"description": "LAC state codes invited, or 'all governments of the region'."})
    mode = fields.String(required=True)
    facilitator = fields.String(required=True)
    version = fields.Integer(required=True, allow_none=True)
    presented = fields.List(fields.Nested(PresentationSchema), required=True)


class ResponseEntrySchema(GovernmentResponseSchema):
    """A government's response, with the recommendation it answers."""

    proposal_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    title = fields.String(required=True)


class FollowUpSchema(ma.Schema):
    country = fields.String(required=True, metadata={"description": "ISO code of the LAC state."})
    progress = fields.String(required=True)
    note = fields.String(required=True)
    progress_date = fields.Date(required=True)
    recorded_on = fields.Date(required=True)


class ResponseFilterSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    country = Choice(sorted(lac_states()), metadata={"description": "One state's responses (ISO code)."})


def _dialogue(dialogue_id: UUID) -> dict[str, Any]:
    found = [d for d in follow_up_views.government_dialogues(engine()) if d["id"] == str(dialogue_id)]
    if not found:
        abort(404, message="No dialogue with governments with this id.", code="not_found")
    return {**found[0], "version": aggregate_version(services().app, dialogue_id)}


def _answer(dialogue_id: UUID, status: int = 200) -> Answer:
    body = _dialogue(dialogue_id)
    return body, status, {"ETag": f'"{body["version"]}"'}


@bp.route("/dialogues")
@bp.response(200, DialogueSchema(many=True))
def list_dialogues() -> list[dict[str, Any]]:
    """The dialogues with governments, by date, each with the recommendations presented."""
    return [{**d, "version": aggregate_version(services().app, d["id"])} for d in follow_up_views.government_dialogues(engine())]


@bp.route("/dialogues/<uuid:dialogue_id>")
@bp.etag
@bp.response(200, DialogueSchema)
@bp.errors(404)
def get_dialogue(dialogue_id: UUID) -> dict[str, Any]:
    """One dialogue with governments; its ETag is its aggregate version."""
    body = _dialogue(dialogue_id)
    bp.set_version(body["version"] or 0)
    return body


@bp.write("/dialogues", DialogueSchema, status=201, body=DialogueInput, before=secretariat("schedule_dialogue"))
def schedule_dialogue(data: dict[str, Any]) -> Answer:
    """Schedule the dialogue with governments of a half-year (the secretariat; one each)."""
    actor = writing(secretariat=True).actor
    did = run(lambda cid: services().app.schedule_government_dialogue(
        period=data["period"].strip(), on=data["date"], title=data["title"], governments=data["governments"], mode=data["mode"],
        actor=actor, command_id=cid,
    ))
    body, status, headers = _answer(did, 201)
    return body, status, {**headers, "Location": url_for("api_dialogues.get_dialogue", dialogue_id=did)}


@bp.write("/dialogues/<uuid:dialogue_id>/presentations", DialogueSchema, status=201, body=PresentationInput, if_match=ACCEPTED,
          before=secretariat("presentation"))
def present(data: dict[str, Any], dialogue_id: UUID) -> Answer:
    """Record that an endorsed recommendation was presented at the dialogue (the
    secretariat; on or after its date); If-Match is the dialogue's version."""
    actor, version = writing(secretariat=True)
    _dialogue(dialogue_id)
    run(lambda cid: services().app.present_at_dialogue(dialogue_id, data["proposal_id"], note=data.get("note", ""), actor=actor,
                                                       command_id=cid), {dialogue_id: version})
    return _answer(dialogue_id, 201)


@bp.route("/government-responses")
@bp.arguments(ResponseFilterSchema, location="query")
@bp.response(200, ResponseEntrySchema(many=True))
@bp.paginate()
def list_government_responses(filters: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The governments' responses to published recommendations, the latest first (``country``: one state's)."""
    return one_page(pagination_parameters, lambda limit, offset: follow_up_views.page_of_government_responses(
        engine(), country=filters.get("country"), limit=limit, offset=offset,
    ))


@bp.route("/proposals/<uuid:proposal_id>/follow-ups")
@bp.response(200, FollowUpSchema(many=True))
@bp.errors(404)
def list_follow_ups(proposal_id: UUID) -> list[dict[str, Any]]:
    """The follow-up entries of a published recommendation (implementation progress per state), oldest first."""
    proposal_or_404(proposal_id)
    return follow_up_views.follow_ups(engine(), str(proposal_id))
