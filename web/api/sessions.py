"""Sessions of the working tables at ``/api/v1/sessions``: the list (the latest first, in
pages; ``?table=`` keeps one table's), one session with its agenda (its ETag is the session's aggregate version), scheduling one, and the commands of a
meeting: adding to the agenda, opening, positions (``If-Match`` accepted), decisions and
closing (``If-Match`` required)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import url_for
from flask_smorest import abort

from application.preconditions import aggregate_version
from domain.ids import created_id
from projections import sessions as session_views
from web.api.blueprint import ACCEPTED, REQUIRED, Blueprint, one_page
from web.api.commands import run, writing
from web.api.common import engine
from web.api.inputs import (
    AgendaInput,
    CloseSessionInput,
    DecisionInput,
    PositionInput,
    ScheduleSessionInput,
)
from web.api.may_act import facilitating, secretariat, taking_position
from web.api.schemas import TABLE_CODES, Choice, SessionSchema
from web.services import services

bp = Blueprint("api_sessions", __name__, url_prefix="/sessions", description="Sessions of the working tables: agenda, positions, decisions, closing.")
Answer = tuple[dict[str, Any], int, dict[str, str]]


class SessionFilterSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    table = Choice(TABLE_CODES, metadata={"description": "One working table's sessions."})


def _session(session_id: UUID) -> dict[str, Any]:
    row = session_views.get_session(engine(), str(session_id))
    if row is None:
        abort(404, message="No session with this id.", code="not_found")
        raise AssertionError
    items = session_views.agenda(engine(), str(session_id))
    opened_on = session_views.session_opened_on(engine(), str(session_id))
    return {**row, "table": row["table_code"], "version": aggregate_version(services().app, session_id), "agenda": items,
            "opened_on": opened_on, "stage": session_views.stage({**row, "opened_on": opened_on}, services().app.clock.today())}


def _answer(session_id: UUID, status: int = 200) -> Answer:
    body = _session(session_id)
    return body, status, {"ETag": f'"{body["version"]}"'}


@bp.route("")
@bp.arguments(SessionFilterSchema, location="query")
@bp.response(200, SessionSchema(many=True))
@bp.paginate()
def list_sessions(filters: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The sessions, the latest date first (then by working table), agendas included."""
    rows = one_page(pagination_parameters, lambda limit, offset: session_views.page_of_sessions(
        engine(), on=services().app.clock.today(), table=filters.get("table"), limit=limit, offset=offset,
    ))
    return [_session(UUID(r["id"])) for r in rows]


@bp.route("/<uuid:session_id>")
@bp.etag
@bp.response(200, SessionSchema)
@bp.errors(404)
def get_session(session_id: UUID) -> dict[str, Any]:
    """One session and its agenda; its ETag is the session's aggregate version."""
    body = _session(session_id)
    bp.set_version(body["version"] or 0)
    return body


@bp.write("", SessionSchema, status=201, body=ScheduleSessionInput, before=secretariat("schedule_session"))
def schedule_session(data: dict[str, Any]) -> Answer:
    """Schedule a session of a working table (the secretariat), on a date from today on."""
    actor = writing(secretariat=True).actor

    def schedule(cid: str) -> UUID:
        return services().app.schedule_session(
            table=data["table"], on=data["date"], quarter=data.get("quarter", ""), mode=data["mode"],
            id=created_id("session", cid), actor=actor, command_id=cid,
        )

    sid = run(schedule)
    body, status, headers = _answer(sid, 201)
    return body, status, {**headers, "Location": url_for("api_sessions.get_session", session_id=sid)}


@bp.write("/<uuid:session_id>/agenda", SessionSchema, status=201, body=AgendaInput, if_match=ACCEPTED,
          before=facilitating("build the agenda"))
def add_to_agenda(data: dict[str, Any], session_id: UUID) -> Answer:
    """Put a submitted proposal of the table on the session's agenda (the secretariat or
    the table's facilitators); If-Match is the session's version."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.add_to_agenda(session_id, data["proposal_id"], actor=actor, command_id=cid), {session_id: version})
    return _answer(session_id, 201)


@bp.write("/<uuid:session_id>/open", SessionSchema, if_match=ACCEPTED, before=facilitating("open a session"))
def open_session(session_id: UUID) -> Answer:
    """Record that the session's meeting started (the secretariat or the table's
    facilitators; on or after its date, once)."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.open_session(session_id, actor=actor, command_id=cid), {session_id: version})
    return _answer(session_id)


@bp.write("/<uuid:session_id>/positions", SessionSchema, status=201, body=PositionInput, if_match=ACCEPTED, before=taking_position)
def record_position(data: dict[str, Any], session_id: UUID) -> Answer:
    """State the member's position on an agenda item (a later one replaces it)."""
    member, version = writing(participant="a member of the table")
    run(lambda cid: services().app.record_position(
        session_id, data["proposal_id"], member=member, position=data["position"], reason=data.get("reason", ""), command_id=cid,
    ), {session_id: version})
    return _answer(session_id, 201)


@bp.write("/<uuid:session_id>/decisions", SessionSchema, status=201, body=DecisionInput, if_match=REQUIRED,
          before=facilitating("record decisions"))
def decide(data: dict[str, Any], session_id: UUID) -> Answer:
    """Record the table's decision on an agenda item (the secretariat or the table's
    facilitators), under the quorum and decision rule in force."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.decide(session_id, data["proposal_id"], data["decision"], actor=actor, command_id=cid),
        {session_id: version})
    return _answer(session_id, 201)


@bp.write("/<uuid:session_id>/close", SessionSchema, body=CloseSessionInput, if_match=REQUIRED,
          before=facilitating("close a session"))
def close_session(data: dict[str, Any], session_id: UUID) -> Answer:
    """Close the session with its minutes (the secretariat or the table's facilitators)."""
    actor, version = writing(secretariat=True)
    run(lambda cid: services().app.close_session(session_id, data["minutes"], actor=actor, command_id=cid), {session_id: version})
    return _answer(session_id)
