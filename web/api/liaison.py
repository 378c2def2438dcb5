"""The Liaison Table and the governments, on a proposal (``/api/v1/proposals/{id}/…``): its
current endorsement round (ETag: the round's version), opening one (``If-Match`` accepted: the
proposal's version), votes and UN advice (``If-Match`` accepted), closing the round early and publishing to governments (``If-Match`` required),
and the governments' responses and follow-up (accepted)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort

from application.preconditions import aggregate_version
from domain.errors import DomainError
from projections import liaison as liaison_views
from web.api.blueprint import ACCEPTED, REQUIRED, Blueprint
from web.api.commands import run, writing
from web.api.common import Names, engine, reader
from web.api.errors import status_of
from web.api.inputs import (
    AdviceInput,
    FollowUpInput,
    GovernmentResponseInput,
    OpenRoundInput,
    PublicationInput,
    VoteInput,
)
from web.api.may_act import advising, secretariat, voting
from web.api.problems import refuse_all
from web.api.proposals import proposal_or_404, with_authors
from web.api.schemas import EndorsementSchema, ProposalSchema
from web.services import services

bp = Blueprint("api_liaison", __name__, url_prefix="/proposals", description="The Liaison Table's endorsement rounds, publication to governments, their responses and follow-up.")
Answer = tuple[dict[str, Any], int, dict[str, str]]


def _round(proposal_id: UUID) -> dict[str, Any]:
    proposal_or_404(proposal_id)
    rounds = liaison_views.endorsement_rounds(engine(), str(proposal_id))
    if not rounds:
        abort(404, message="No endorsement round was opened on this proposal.", code="no_endorsement_round")
    current = rounds[-1]
    return {**current, "version": aggregate_version(services().app, current["id"])}


def _round_answer(proposal_id: UUID, status: int = 200) -> Answer:
    body = _round(proposal_id)
    return body, status, {"ETag": f'"{body["version"]}"'}


def _proposal_answer(proposal_id: UUID, status: int = 200) -> Answer:
    row = proposal_or_404(proposal_id)
    return with_authors(row, Names(reader())), status, {"ETag": f'"{row["version"]}"'}


def _round_id(proposal_id: UUID) -> str | None:
    rounds = liaison_views.endorsement_rounds(engine(), str(proposal_id))
    return str(rounds[-1]["id"]) if rounds else None


@bp.route("/<uuid:proposal_id>/endorsement")
@bp.etag
@bp.response(200, EndorsementSchema)
@bp.errors(404)
def get_endorsement(proposal_id: UUID) -> dict[str, Any]:
    """The proposal's current endorsement round: dates, counts, outcome; ETag its version."""
    body = _round(proposal_id)
    bp.set_version(body["version"] or 0)
    return body


@bp.write("/<uuid:proposal_id>/endorsement", EndorsementSchema, status=201, body=OpenRoundInput, if_match=ACCEPTED, before=secretariat("open_round"))
def open_endorsement(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Open the Liaison Table's endorsement round on an adopted recommendation (the
    secretariat), until ``closes_on``; If-Match is the proposal's version."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.open_endorsement(proposal_id, data["closes_on"], actor=actor, command_id=cid), {proposal_id: version})
    return _round_answer(proposal_id, 201)


@bp.write("/<uuid:proposal_id>/endorsement/votes", EndorsementSchema, status=201, body=VoteInput, if_match=ACCEPTED, before=voting)
def vote(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """The seat holder's vote, endorse or object, with a reason (a later vote replaces it)."""
    pid, version = writing(participant="a seat's holder")
    round_id = _round_id(proposal_id)
    run(lambda cid: services().app.vote_on_endorsement(
        proposal_id, seat=data["seat"], participant_id=pid, vote=data["vote"], reason=data.get("reason", ""), command_id=cid,
    ), {round_id: version} if round_id else None)
    return _round_answer(proposal_id, 201)


@bp.write("/<uuid:proposal_id>/endorsement/advice", EndorsementSchema, status=201, body=AdviceInput, if_match=ACCEPTED, before=advising)
def record_un_advice(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """A UN agency's technical advice (the secretariat, or the agency's focal point)."""
    actor, version = writing(secretariat=True)
    round_id = _round_id(proposal_id)
    run(lambda cid: services().app.record_un_advice(
        proposal_id, seat=data["seat"], agency=data.get("agency", ""), advice=data["advice"], actor=actor, command_id=cid,
    ), {round_id: version} if round_id else None)
    return _round_answer(proposal_id, 201)


@bp.write("/<uuid:proposal_id>/endorsement/close", EndorsementSchema, if_match=REQUIRED, before=secretariat("close_round"))
def close_endorsement(proposal_id: UUID) -> Answer:
    """Close the round before its date (the secretariat): endorsed or not, by the rules in force."""
    actor, version = writing(secretariat=True)
    round_id = _round_id(proposal_id)
    run(lambda cid: services().app.close_endorsement(proposal_id, early=True, actor=actor, command_id=cid),
        {round_id: version} if round_id else None)
    return _round_answer(proposal_id)


@bp.write("/<uuid:proposal_id>/publication", ProposalSchema, body=PublicationInput, if_match=REQUIRED, before=secretariat("publish"))
def publish(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Publish the endorsed recommendation to governments (the secretariat); If-Match is the proposal's version."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.publish_to_governments(proposal_id, data.get("recipients") or None, actor=actor, command_id=cid),
        {proposal_id: version})
    return _proposal_answer(proposal_id)


RESPONSE_FIELDS = ("country", "status", "response", "language", "responding_entity", "response_date")


def _response_problems(proposal_id: UUID, sent: dict[str, Any]) -> list[DomainError]:
    """The 422 problems of a government response's content, every one (those the state of
    the mechanism refuses, 409, are left to the command)."""
    args: dict[str, Any] = {"country": "", "status": "", "response": "", "language": "es", **{k: v for k, v in sent.items() if k in RESPONSE_FIELDS}}
    return [p for p in services().app.check_government_response(proposal_id, **args) if status_of(p) == 422]


def _response_content(valid: dict[str, Any], proposal_id: UUID) -> list[DomainError]:
    return [p for p in _response_problems(proposal_id, valid) if p.field in valid]


@bp.write("/<uuid:proposal_id>/government-responses", ProposalSchema, status=201, body=GovernmentResponseInput, if_match=ACCEPTED,
          before=secretariat("government_response"), content=_response_content)
def record_government_response(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Record a government's response to the published recommendation (the secretariat): a
    body with several problems is answered with all of them (422)."""
    actor, version = writing(secretariat=True)
    refuse_all(_response_problems(proposal_id, data))
    run(lambda cid: services().app.record_government_response(
        proposal_id, country=data["country"], status=data["status"], response=data["response"], language=data.get("language", "es"),
        responding_entity=data.get("responding_entity", ""), response_date=data.get("response_date"), actor=actor, command_id=cid,
    ), {proposal_id: version})
    return _proposal_answer(proposal_id, 201)


@bp.write("/<uuid:proposal_id>/follow-ups", ProposalSchema, status=201, body=FollowUpInput, if_match=ACCEPTED, before=secretariat("follow_up"))
def record_follow_up(data: dict[str, Any], proposal_id: UUID) -> Answer:
    """Record a follow-up entry (implementation progress in a state that responded; the secretariat)."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.record_follow_up(
        proposal_id, country=data["country"], progress=data["progress"], note=data["note"], on=data.get("on"), actor=actor, command_id=cid,
    ), {proposal_id: version})
    return _proposal_answer(proposal_id, 201)
