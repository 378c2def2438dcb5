"""Working tables at ``/api/v1/tables``: each table's GCM objectives, its members (named
only for readers who may see names; a count for everyone) and its representatives."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort

from domain.reference import table_objectives
from projections import tables as table_views
from web.api.blueprint import Blueprint
from web.api.common import Names, engine, reader
from web.api.schemas import TABLE_CODES, RepresentativeSchema, WorkingTableSchema
from web.services import services

bp = Blueprint("api_tables", __name__, url_prefix="/tables", description="Working tables, their members and representatives.")


def _term(row: dict[str, Any], names: Names, today: Any) -> dict[str, Any]:
    ended = row["vacated_on"] is not None and row["vacated_on"] <= today
    return {**row, "in_term": row["term_start"] <= today <= row["term_end"] and not ended, "representative": names.person(row["participant_id"])}


def _table(code: str, names: Names) -> dict[str, Any]:
    e = engine()
    today = services().app.clock.today()
    members = table_views.members(e, code)
    return {
        "code": code,
        "objectives": sorted(table_objectives()[code]),
        "member_count": len(members),
        "members": [{**(names.person(m["participant_id"]) or {}), "joined_on": m["joined_on"]} for m in members] if names.visible else None,
        "representatives": [_term(r, names, today) for r in table_views.representatives(e, on=today) if r["table_code"] == code],
    }


def _code_or_404(code: str) -> str:
    if code not in TABLE_CODES:
        abort(404, message="No working table with this code.", code="unknown_table")
    return code


@bp.route("")
@bp.response(200, WorkingTableSchema(many=True))
def list_tables() -> list[dict[str, Any]]:
    """The four working tables, RT1 to RT4."""
    names = Names(reader())
    return [_table(code, names) for code in TABLE_CODES]


@bp.route("/<code>")
@bp.response(200, WorkingTableSchema)
@bp.errors(404)
def get_table(code: str) -> dict[str, Any]:
    """One working table: its GCM objectives, members and representatives in term."""
    return _table(_code_or_404(code), Names(reader()))


@bp.route("/<code>/representatives")
@bp.response(200, RepresentativeSchema(many=True))
@bp.errors(404)
def list_representatives(code: str) -> list[dict[str, Any]]:
    """Every term of the table's two seats, past and present, by seat and start."""
    names = Names(reader())
    today = services().app.clock.today()
    rows = table_views.representatives(engine())
    return [_term(r, names, today) for r in rows if r["table_code"] == _code_or_404(code)]
