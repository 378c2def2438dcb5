"""The Liaison Table's seats at ``/api/v1/liaison-table`` (seed, "Architecture"): the 8 seats
of the tables' representatives and the 2 UN agency seats, as they stand today (holders named
only for readers who may see names); recording the WG-CS's consensus nomination of a UN
agency and ending one (the secretariat), as the Liaison Table page does."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from application.limits import MAX_AGENCY
from domain.endorsement import UN_SEATS
from projections import liaison as liaison_views
from web.api.blueprint import Blueprint
from web.api.commands import run, writing
from web.api.common import Names, engine, reader
from web.api.inputs import Input, Text
from web.api.may_act import secretariat
from web.api.schemas import PersonSchema
from web.services import services

bp = Blueprint("api_liaison_table", __name__, url_prefix="/liaison-table", description="The Liaison Table's seats and the UN agencies' nominations.")


class SeatSchema(ma.Schema):
    """One of the Liaison Table's 10 seats today (a vacant seat has no holder nor agency)."""

    seat = fields.String(required=True, metadata={"description": "LT-RTn-A/B (a table's representative) or LT-UN-1/2."})
    kind = fields.String(required=True, validate=validate.OneOf(("representative", "un_agency")))
    table = fields.String(required=True, allow_none=True, metadata={"description": "The working table of a representative seat."})
    agency = fields.String(required=True, allow_none=True, metadata={"description": "The UN agency nominated to a UN seat."})
    since = fields.Date(required=True, allow_none=True)
    until = fields.Date(required=True, allow_none=True)
    holder = fields.Nested(PersonSchema, required=True, allow_none=True,
                           metadata={"description": "The representative, or the agency's focal point; null when vacant or for readers who may not see names."})


class NominationInput(Input):
    """The WG-CS's consensus nomination of a UN agency to a UN seat."""

    seat = fields.String(required=True, validate=validate.OneOf(UN_SEATS))
    agency = Text(max_length=MAX_AGENCY)
    consensus_record = Text(metadata={"description": "Where the WG-CS's consensus is recorded (e.g. its minutes)."})
    objections = fields.Integer(load_default=0, validate=validate.Range(0, 10_000), metadata={"description": "WG-CS members objecting: any refuses it."})
    focal_point = fields.UUID(required=False, allow_none=True, metadata={"description": "A registered participant who speaks for the seat."})


class UnSeatInput(Input):
    seat = fields.String(required=True, validate=validate.OneOf(UN_SEATS))
    reason = Text(required=False)


def _seats() -> list[dict[str, Any]]:
    names = Names(reader())
    return [{**s, "holder": names.person(s["participant_id"])} for s in liaison_views.liaison_table(engine(), services().app.clock.today())]


@bp.route("")
@bp.response(200, SeatSchema(many=True))
def list_seats() -> list[dict[str, Any]]:
    """The 10 seats today: the tables' representatives, then the UN agency seats."""
    return _seats()


@bp.write("/un-seats", SeatSchema(many=True), status=201, body=NominationInput, before=secretariat("un_nomination"))
def nominate_un_agency(data: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Record the WG-CS's consensus nomination of a UN agency to a vacant UN seat (the secretariat)."""
    actor = writing(secretariat=True).actor
    run(lambda cid: services().app.nominate_un_agency(
        seat=data["seat"], agency=data["agency"], consensus_record=data["consensus_record"], objections=data["objections"],
        focal_point=data.get("focal_point"), actor=actor, command_id=cid,
    ))
    return _seats(), 201


@bp.write("/un-seats/vacate", SeatSchema(many=True), body=UnSeatInput, before=secretariat("un_vacate"))
def vacate_un_seat(data: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """End a UN agency's nomination from today (the secretariat)."""
    actor = writing(secretariat=True).actor
    run(lambda cid: services().app.vacate_seat("UN", data["seat"], data.get("reason", ""), actor=actor, command_id=cid))
    return _seats(), 200
