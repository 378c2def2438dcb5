"""The event log and the aggregates' history at ``/api/v1/log`` and ``/api/v1/aggregates``
(issue 13; the same data as the audit pages, ``docs/audit.md``).

- ``GET /log?after=POSITION&limit=N`` (at most 500): the log paged from a position. For an
  auditor's token (or session), each entry carries the **exact stored bytes** of its event
  (``stored``, base64) besides its hash in the chain, so that the chain can be recomputed
  from the API; for everyone else, the redacted entries of the audit log (personal fields
  as markers, who took which position hidden; participants' references and command ids
  shown to whoever sees names, as on the audit pages), with the stored bytes of the events
  whose bytes hold nothing redacted for the public (``public_stored``, as ``/audit/log.json``). ``Link: rel=next``
  gives the next page's address. Any other query parameter (``page``, ``page_size`` of the
  other lists) is refused with 400 ``unknown_parameter``, never silently ignored, as every
  read refuses one it does not declare (:mod:`web.api.parameters`).
- ``GET /aggregates/{id}``: an aggregate's state at a ``version``, a recorded instant
  (``at``) or an effective date (``as_of``), the latest without one, and its history;
  redacted the same way for readers who are not auditors.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate

from application.audit import AuditReader
from web.api.blueprint import Blueprint
from web.api.common import reader
from web.services import services

bp = Blueprint("api_audit", __name__, url_prefix="", description="The event log and the aggregates' history and state at a point.")

MAX_POSITION = 2**62


class LogQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    after = fields.Integer(load_default=0, validate=validate.Range(0, MAX_POSITION), metadata={"description": "The position after which the page starts."})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class LogEntrySchema(ma.Schema):
    position = fields.Integer(required=True)
    aggregate_id = fields.String(required=True, allow_none=True)
    type = fields.String(required=True, allow_none=True)
    topic = fields.String(required=True, allow_none=True)
    version = fields.Integer(required=True, allow_none=True)
    recorded_at = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True, allow_none=True, metadata={"description": "The event's data (redacted for readers who are not auditors)."})
    hash = fields.String(required=True, allow_none=True, metadata={"description": "Its hash in the chain (hex)."})
    stored = fields.String(required=False, allow_none=True, metadata={"description": "The exact stored bytes, base64: for auditors, and for everyone when they hold nothing redacted for the public (no personal field, no hidden field, a command id that names nobody)."})
    missing_event = fields.Boolean(required=False)


class PointQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    version = fields.Integer(validate=validate.Range(1, MAX_POSITION))
    at = fields.AwareDateTime(default_timezone=UTC, metadata={"description": "A recorded instant (ISO 8601; UTC when naive)."})
    as_of = fields.Date(validate=validate.Range(min=date(1900, 1, 1), max=date(9999, 12, 30)), metadata={"description": "An effective date."})

    @ma.validates_schema
    def _one(self, data: dict[str, Any], **_: Any) -> None:
        if sum(k in data for k in ("version", "at", "as_of")) > 1:
            raise ma.ValidationError("Give one of version, at or as_of.")

    @ma.validates("at")
    def _at_in_range(self, value: datetime, **_: Any) -> None:
        if not datetime(1900, 1, 1, tzinfo=UTC) <= value <= datetime(9999, 12, 30, tzinfo=UTC):
            raise ma.ValidationError("An instant between the years 1900 and 9999.")


class AggregateSchema(ma.Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The version shown."})
    latest_version = fields.Integer(required=True)
    point = fields.Dict(required=True)
    state = fields.Dict(required=True)
    history = fields.List(fields.Dict(), required=True, metadata={"description": "Every event, oldest first."})


def _auditor() -> bool:
    return reader().reveals_personal_in_history


def _sees_references() -> bool:
    """Participants' references (``p-12``) and command ids show to whoever sees names
    (participants, the secretariat, auditors), ``[redacted]`` to the public, as on the audit
    pages (docs/audit.md, "Who sees what")."""
    return reader().sees_names


@bp.route("/log")
@bp.arguments(LogQuery, location="query")
@bp.response(200, LogEntrySchema(many=True), headers={"Link": {"description": "The next page (rel=next).", "schema": {"type": "string"}}})
def read_the_log(query: dict[str, Any]) -> tuple[list[dict[str, Any]], int, dict[str, str]]:
    """The event log from a position, in order (exact stored bytes for auditors, and for
    everyone on events with nothing redacted); a query
    parameter other than ``after`` and ``limit`` is refused (400, as by every read)."""
    auditor = _auditor()
    app = services().app
    entries = AuditReader(app).log_page(after=query["after"], limit=query["limit"], reveal_personal=auditor, reveal_references=_sees_references())
    headers = {}
    if len(entries) == query["limit"]:
        nxt = url_for("api_audit.read_the_log", after=entries[-1]["position"], limit=query["limit"], _external=True)
        headers["Link"] = f'<{nxt}>; rel="next"'
    return entries, 200, headers


@bp.route("/aggregates/<uuid:aggregate_id>")
@bp.arguments(PointQuery, location="query")
@bp.response(200, AggregateSchema)
@bp.errors(404, 409)
def aggregate_state(query: dict[str, Any], aggregate_id: UUID) -> dict[str, Any]:
    """An aggregate's state at a version, an instant or a date (the latest by default), and its history."""
    auditor = _auditor()
    audit = AuditReader(services().app)
    references = _sees_references()
    point = audit.state(aggregate_id, version=query.get("version"), at=query.get("at"), as_of=query.get("as_of"),
                        reveal_personal=auditor, reveal_references=references)
    history = audit.history(aggregate_id, reveal_personal=auditor, reveal_references=references)
    return {**point.as_dict(), "history": [e.as_dict() for e in history.events]}


