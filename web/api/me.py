"""``GET /api/v1/me``: who the token (or session) is, their roles today, and what waits for
them (:func:`application.waiting.what_waits_for`, the list of ``/me``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields

from application.audit.history import plain
from domain.errors import NotAllowedError
from web.api.blueprint import Blueprint
from web.api.common import reader
from web.identity import current_identity, current_token
from web.pages.me import waiting

bp = Blueprint("api_me", __name__, url_prefix="/me", description="The signed-in person: roles today and what waits for them.")


class MeSchema(ma.Schema):
    account_id = fields.String(required=True)
    participant_id = fields.String(required=True, allow_none=True)
    token_scope = fields.String(required=True, allow_none=True, metadata={"description": "read or write; null with the web session."})
    tables = fields.List(fields.String(), required=True, metadata={"description": "Working tables of which the person is a member today."})
    seats = fields.List(fields.String(), required=True, metadata={"description": "Liaison Table seats held today."})
    secretariat = fields.Boolean(required=True)
    auditor = fields.Boolean(required=True)
    administrator = fields.Boolean(required=True)
    waiting_count = fields.Integer(required=True)
    waiting = fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()), required=True,
                          metadata={"description": "Positions to state, votes due, amendments to decide, drafts… each a list of entries."})


@bp.route("")
@bp.response(200, MeSchema)
@bp.errors(401)
def me() -> dict[str, Any]:
    """Who I am and what waits for me today."""
    identity = current_identity()
    if identity.is_anonymous:
        raise NotAllowedError("Sign in (a personal access token) to read this.", code="sign_in_required")
    viewer = reader()
    token = current_token()
    w = waiting()
    return {
        "account_id": identity.account_id, "participant_id": identity.participant_id, "token_scope": token.scope if token else None,
        "tables": list(viewer.tables), "seats": list(viewer.seats) + list(viewer.un_seats), "secretariat": viewer.is_secretariat,
        "auditor": viewer.is_auditor, "administrator": viewer.is_administrator, "waiting_count": w.count,
        "waiting": {k: plain(v) for k, v in vars(w).items()},
    }
