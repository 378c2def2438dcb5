"""Page: what waits for me (``/me``), where a signed-in person lands after signing in.

The list is decided by the application for the person's roles today
(:func:`application.waiting.what_waits_for`); each entry links straight to its form. The
navigation shows how many entries wait (:func:`waiting_count`).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from application.waiting import Waiting, what_waits_for
from projections import sessions as session_views
from web.identity import signed_in
from web.pages.common import (
    Page,
    current_roles,
    engine,
    install,
    kept,
    load_viewer,
    services,
    today,
)
from web.positions import log_positions

bp = Blueprint("me", __name__)
install(bp)


def waiting() -> Waiting:
    """What waits for the signed-in person (cached for the request)."""
    cached = g.get("waiting")
    if isinstance(cached, Waiting):
        return cached
    s = services()
    roles = current_roles()
    requests: list[dict[str, Any]] = []
    day = today()
    if roles.is_secretariat:
        requests = [{"account_id": a.id, "participant_id": a.participant_id, "requested_at": a.erasure_requested_at}
                    for a in s.accounts.erasure_requests()]
        result = what_waits_for(roles, engine(), day, requests, barred=s.app.barred_from_standing)
    else:
        # Read from the views and the log only (the secretariat's list also holds the accounts'
        # erasure requests): kept per process for their positions, the roles and the day.
        found = kept(
            ("waiting", roles, day, log_positions()), lambda: what_waits_for(roles, engine(), day, barred=s.app.barred_from_standing),
        )
        result = replace(found, **{f.name: list(getattr(found, f.name)) for f in fields(found)})
    g.waiting = result
    return result


def waiting_count() -> int:
    """The count in the navigation (0 for the public, never an error on a page)."""
    if signed_in() is None:
        return 0
    try:
        return waiting().count
    except Exception:  # noqa: BLE001 - the navigation must not break a page
        return 0


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    return {"waiting_count": waiting_count}


@bp.get("/me")
def index() -> Page | Response:
    """What waits for me: positions, votes, amendments, drafts; the secretariat's work."""
    if signed_in() is None:
        return redirect(url_for("signin.login", next=request.path))
    open_sessions: dict[str, str] = {}
    for s in session_views.list_sessions(engine()):
        if not s["closed"]:
            open_sessions.setdefault(s["table_code"], s["id"])
    return render_template("me/me.html", w=waiting(), open_sessions=open_sessions, viewer=load_viewer())
