"""Public pages: the board of draft recommendations, the adopted recommendations
addressed to governments (with their provenance).

The board lists everything not yet adopted (draft, submitted, on_agenda,
returned_for_revision); the adopted page lists adopted, under_liaison_review, endorsed,
not_endorsed and published recommendations. Both filter by working table, GCM objective
and status, with the status codes kept in the URL.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, render_template

from domain.reference import objectives
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from web.forms import TABLES
from web.i18n import status_label
from web.pages.common import Viewer, engine, install, kept_view, load_viewer
from web.pagination import PER_PAGE, Pager, asked_page
from web.query import choice_arg, int_arg

bp = Blueprint("board", __name__)
install(bp)

BOARD_STATUSES = proposal_views.DRAFT_STATUSES
ADOPTED_STATUSES = proposal_views.ADOPTED_OR_LATER


@bp.app_context_processor
def _viewer_everywhere() -> dict[str, Any]:
    """The layout's navigation (signed in or not) and demo banner need the viewer on every page."""
    try:
        return {"viewer": load_viewer()}
    except Exception:  # noqa: BLE001 - a page must render even when the services cannot start
        return {"viewer": Viewer()}


def _filters(allowed_statuses: tuple[str, ...]) -> dict[str, Any]:
    """Read ``table``, ``objective`` and ``status`` from the query string; an unknown
    table or status, or an objective that is not a GCM objective's number, is a 400."""
    numbers = objectives()
    return {
        "table": choice_arg("table", TABLES),
        "objective": int_arg("objective", low=min(numbers), high=max(numbers)),
        "status": choice_arg("status", allowed_statuses, status_label),
    }


def _listing(allowed: tuple[str, ...], f: dict[str, Any], read: Any = proposal_views.page_of_recommendations) -> tuple[list[dict[str, Any]], Pager]:
    """One page of the proposals the filters select (a page past the end shows the last),
    and its pager, read by ``read`` (a page's reader of :mod:`projections.proposals`). The
    rows are the kept ones (:func:`kept_view`): read them, never change them."""
    status = [f["status"]] if f["status"] else list(allowed)
    asked = Pager(asked_page(), 0)
    rows, total = kept_view(read, status=status, table=f["table"], objective=f["objective"], limit=PER_PAGE, offset=asked.offset, copied=False)
    pager = Pager.asked(total)
    if pager.number != asked.number:
        rows, total = kept_view(read, status=status, table=f["table"], objective=f["objective"], limit=PER_PAGE, offset=pager.offset, copied=False)
    return rows, pager


@bp.get("/")
def board() -> str:
    """The board of draft recommendations (everything not yet adopted)."""
    f = _filters(BOARD_STATUSES)
    # Only what the cards show: a card's kept HTML is keyed by its row's values.
    rows, pager = _listing(BOARD_STATUSES, f, proposal_views.page_of_cards)
    return render_template("board/board.html", rows=rows, pager=pager, filters=f, statuses=BOARD_STATUSES, tables=TABLES)


@bp.get("/recommendations")
def adopted() -> str:
    """Adopted recommendations addressed to governments, with their provenance."""
    f = _filters(ADOPTED_STATUSES)
    rows, pager = _listing(ADOPTED_STATUSES, f)
    e = engine()
    # Only what this page's recommendations need, not every session, round and response.
    ids = [p["id"] for p in rows]
    sessions = session_views.sessions_by_id(e, [p["adopted_session_id"] for p in rows if p.get("adopted_session_id")])
    rounds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in liaison_views.endorsement_rounds(e, proposal_ids=ids):
        rounds[r["proposal_id"]].append(r)
    responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in follow_up_views.government_responses(e, proposal_ids=ids):
        responses[r["proposal_id"]].append(r)
    return render_template(
        "board/adopted.html", rows=rows, pager=pager, filters=f, statuses=ADOPTED_STATUSES, tables=TABLES,
        sessions=sessions, rounds=rounds, responses=responses,
    )


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404

