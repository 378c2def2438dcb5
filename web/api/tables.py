"""Working tables at ``/api/v1/tables``: each table's GCM objectives, its members (named
only for readers who may see names; a count for everyone) and its representatives; joining
and leaving a table (the participant), recording an election and vacating a seat (the
secretariat; a holder may resign their own seat), as the tables' pages do."""

from __future__ import annotations

from typing import Any

from domain.reference import table_objectives
from projections import tables as table_views
from web.api.blueprint import Blueprint
from web.api.commands import run, writing
from web.api.common import Names, engine, reader, table_or_404
from web.api.inputs import ElectionInput, VacateInput
from web.api.may_act import participating, secretariat, vacating
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


@bp.route("")
@bp.response(200, WorkingTableSchema(many=True))
def list_tables() -> list[dict[str, Any]]:
    """The four working tables, RT1 to RT4."""
    names = Names(reader())
    return [_table(code, names) for code in TABLE_CODES]


@bp.route("/<table(others=True):code>")
@bp.response(200, WorkingTableSchema)
@bp.errors(404)
def get_table(code: str) -> dict[str, Any]:
    """One working table: its GCM objectives, members and representatives in term."""
    return _table(table_or_404(code), Names(reader()))


@bp.route("/<table(others=True):code>/representatives")
@bp.response(200, RepresentativeSchema(many=True))
@bp.errors(404)
def list_representatives(code: str) -> list[dict[str, Any]]:
    """Every term of the table's two seats, past and present, by seat and start."""
    code = table_or_404(code)  # first: a database with no terms would answer [] for any word
    names = Names(reader())
    today = services().app.clock.today()
    rows = table_views.representatives(engine())
    return [_term(r, names, today) for r in rows if r["table_code"] == code]


def _answer(code: str, status: int = 200) -> tuple[dict[str, Any], int]:
    return _table(code, Names(reader())), status


def _membership(code: str, join: bool) -> tuple[dict[str, Any], int]:
    table_or_404(code)
    pid = writing(participant="a participant").actor
    command = services().app.join_table if join else services().app.leave_table
    run(lambda cid: command(pid, code, command_id=cid))
    return _answer(code)


@bp.write("/<table(others=True):code>/join", WorkingTableSchema, before=participating)
def join_table(code: str) -> tuple[dict[str, Any], int]:
    """The signed-in participant joins the working table."""
    return _membership(code, join=True)


@bp.write("/<table(others=True):code>/leave", WorkingTableSchema, before=participating)
def leave_table(code: str) -> tuple[dict[str, Any], int]:
    """The signed-in participant leaves the working table (a representative vacates their seat first)."""
    return _membership(code, join=False)


@bp.write("/<table(others=True):code>/elections", WorkingTableSchema, status=201, body=ElectionInput, before=secretariat("open_election"))
def elect(data: dict[str, Any], code: str) -> tuple[dict[str, Any], int]:
    """Record the table's election of a representative to one of its two seats (the secretariat)."""
    table_or_404(code)
    actor = writing(secretariat=True).actor
    votes = data.get("votes")
    run(lambda cid: services().app.elect_representative(
        table=code, seat=data["seat"], participant_id=data["participant_id"], term_start=data["term_start"],
        session_id=data.get("session_id"), votes={"for": votes["for_"], "against": votes["against"], "abstain": votes["abstain"]} if votes else None,
        actor=actor, command_id=cid,
    ))
    return _answer(code, 201)


@bp.write("/<table(others=True):code>/vacate", WorkingTableSchema, body=VacateInput, before=vacating)
def vacate(data: dict[str, Any], code: str) -> tuple[dict[str, Any], int]:
    """Vacate a seat of the table from today (the secretariat, or its holder resigning); a by-election fills the rest of the term."""
    table_or_404(code)
    actor = writing(secretariat=True).actor
    run(lambda cid: services().app.vacate_seat(code, data["seat"], data.get("reason", ""), actor=actor, command_id=cid))
    return _answer(code)
