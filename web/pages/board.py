"""Public pages: the board of draft recommendations, the adopted recommendations
addressed to governments (with their provenance), and the demo-mode chooser.

The board lists everything not yet adopted (draft, submitted, on_agenda,
returned_for_revision); the adopted page lists adopted, under_liaison_review, endorsed,
not_endorsed and published recommendations. Both filter by working table, GCM objective
and status, with the status codes kept in the URL.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from domain.reference import objectives
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views
from web.forms import TABLES, ActAsForm, opts
from web.pages.common import Viewer, act_as, demo_mode, engine, form_errors, install, load_viewer

bp = Blueprint("board", __name__)
install(bp)

BOARD_STATUSES = proposal_views.DRAFT_STATUSES
ADOPTED_STATUSES = proposal_views.ADOPTED_OR_LATER


@bp.app_context_processor
def _viewer_everywhere() -> dict[str, Any]:
    """The demo-mode banner of the layout needs the viewer on every page."""
    try:
        return {"viewer": load_viewer()}
    except Exception:  # noqa: BLE001 - a page must render even when the services cannot start
        return {"viewer": Viewer()}


def _filters(allowed_statuses: tuple[str, ...]) -> dict[str, Any]:
    """Read ``table``, ``objective`` and ``status`` from the query string; unknown values
    are ignored (a filter never errors)."""
    table = request.args.get("table", "")
    objective = request.args.get("objective", "")
    status = request.args.get("status", "")
    return {
        "table": table if table in TABLES else None,
        "objective": int(objective) if objective.isdigit() and int(objective) in objectives() else None,
        "status": status if status in allowed_statuses else None,
    }


def _listing(allowed: tuple[str, ...], f: dict[str, Any]) -> list[dict[str, Any]]:
    return proposal_views.list_recommendations(engine(), status=f["status"] or allowed, table=f["table"], objective=f["objective"])


@bp.get("/")
def board() -> str:
    """The board of draft recommendations (everything not yet adopted)."""
    f = _filters(BOARD_STATUSES)
    rows = _listing(BOARD_STATUSES, f)
    return render_template("board/board.html", rows=rows, filters=f, statuses=BOARD_STATUSES, tables=TABLES, objectives=sorted(objectives()))


@bp.get("/recommendations")
def adopted() -> str:
    """Adopted recommendations addressed to governments, with their provenance."""
    f = _filters(ADOPTED_STATUSES)
    rows = _listing(ADOPTED_STATUSES, f)
    e = engine()
    sessions = {s["id"]: s for s in session_views.list_sessions(e)}
    rounds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in liaison_views.endorsement_rounds(e):
        rounds[r["proposal_id"]].append(r)
    responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in follow_up_views.government_responses(e):
        responses[r["proposal_id"]].append(r)
    return render_template(
        "board/adopted.html", rows=rows, filters=f, statuses=ADOPTED_STATUSES, tables=TABLES, objectives=sorted(objectives()),
        sessions=sessions, rounds=rounds, responses=responses,
    )


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host) is followed after choosing."""
    if not target:
        return url_for("board.board")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("board.board")
    return target


@bp.route("/demo", methods=["GET", "POST"])
def demo() -> Response | str | tuple[str, int]:
    """Demo mode: choose to act as nobody, a participant, the secretariat or an auditor."""
    if not demo_mode():
        abort(404)
    viewer = load_viewer()
    people = people_views.participants(engine())
    form = ActAsForm()
    tables: dict[str, list[str]] = defaultdict(list)
    for t in TABLES:
        for m in table_views.members(engine(), t):
            tables[m["participant_id"]].append(t)
    form.participant.choices = opts([(p["id"], _participant_label(p, tables[p["id"]], viewer)) for p in people if not p["erased"]])
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.role.data = viewer.role
        if viewer.participant_id:
            form.participant.data = viewer.participant_id
        return render_template("board/demo.html", form=form, errors={})
    if not form.validate_on_submit():
        return render_template("board/demo.html", form=form, errors=form_errors(form)), 422
    role = form.role.data
    if role == "participant":
        known = {p["id"] for p in people if not p["erased"]}
        if form.participant.data not in known:
            return render_template("board/demo.html", form=form, errors={"participant": [_choose_participant()]}), 422
        act_as(role, form.participant.data)
    else:
        act_as(role or "public")
    return redirect(_safe_next(form.next.data))


def _choose_participant() -> str:
    return _("Choose a participant of the directory.")


def _participant_label(p: dict[str, Any], member_of: list[str], viewer: Viewer) -> str:
    """The directory shows names only to those allowed to see them; the public chooses
    by reference and tables."""
    tables = ", ".join(member_of)
    if viewer.sees_names:
        return f"{p['name']} · {p['reference']} · {tables}" if tables else f"{p['name']} · {p['reference']}"
    return f"{p['reference']} · {tables}" if tables else str(p["reference"])


@bp.errorhandler(404)
def _not_found(e: Any) -> tuple[str, int]:
    return render_template("common/error.html", code=404), 404

