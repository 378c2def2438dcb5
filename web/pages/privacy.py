"""Pages: privacy (participation statistics for anyone; the page shown when the master key
is missing or wrong).

Public pages never show personal data: the statistics are the latest quarterly snapshot,
counts rounded to base 5 with cells under 5 suppressed (:mod:`application.participation`);
the secretariat may publish the quarter so far from the page.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from application.participation import latest_statistics, publish_statistics
from application.persistence import MasterKeyError
from web.forms import CommandForm
from web.pages.common import Outcome, command_id_of, execute, load_viewer, refusal
from web.services import services

bp = Blueprint("privacy", __name__)
log = logging.getLogger(__name__)


def _page(status: int = 200, top: Outcome[Any] | None = None) -> tuple[str, int]:
    viewer = load_viewer()
    stats = latest_statistics(services().app.engine)
    if stats is not None:
        stats["as_of_date"] = date.fromisoformat(stats["as_of"])
    return render_template("privacy/participation.html", stats=stats, top=top, may_publish=viewer.secretariat_actor is not None), status


@bp.get("/privacy/participation")
def participation() -> Any:
    """The latest participation snapshot (people by stakeholder group, subregion, language,
    gender), or a note that none is published yet."""
    return _page()


@bp.post("/privacy/participation")
def publish_participation() -> Any:
    """Publish the figures of the quarter so far (the secretariat)."""
    viewer = load_viewer()
    form = CommandForm()
    if not form.validate_on_submit():
        return _page(400, Outcome(applied=False, status=400, message=_("The form expired or was damaged: submit it again.")))
    if viewer.secretariat_actor is None:
        return _page(422, refusal("secretariat_only"))
    actor, cid = viewer.secretariat_actor, command_id_of(form)
    outcome = execute(cid, lambda: publish_statistics(services(), actor=actor))
    if not outcome.applied:
        return _page(outcome.status, outcome)
    flash(_("The participation figures of the quarter so far are published."), "ok")
    return redirect(url_for("privacy.participation"))


@bp.get("/privacy/participation.json")
def participation_json() -> Any:
    """The latest snapshot as open data (JSON: quarter, as_of, final, base, total,
    dimensions; a suppressed count is null), or ``{"published": false}`` before the first."""
    stats = latest_statistics(services().app.engine)
    return jsonify(stats if stats is not None else {"published": False})


@bp.app_errorhandler(MasterKeyError)
def master_key_error(error: MasterKeyError) -> Any:
    """A 500 page that says what is wrong without any secret; the details go to the log.

    MasterKeyError messages name the setting at fault (never a key or a personal value).
    """
    log.error("The service cannot open its data: %s", error)
    return render_template("privacy/master_key_error.html"), 500
