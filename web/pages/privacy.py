"""Pages: privacy (participation statistics for anyone; the page shown when the master key
is missing or wrong).

Public pages never show personal data: the statistics are counts with small counts
suppressed (:func:`projections.people.participation`).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, jsonify, render_template

from application.persistence import MasterKeyError
from projections import people as people_views
from web.services import services

bp = Blueprint("privacy", __name__)
log = logging.getLogger(__name__)


@bp.get("/privacy/participation")
def participation() -> Any:
    """Participation statistics (counts by stakeholder group, subregion, language, gender)."""
    s = services()
    return render_template("privacy/participation.html", stats=people_views.participation(s.projector.engine))


@bp.get("/privacy/participation.json")
def participation_json() -> Any:
    """The same statistics as open data (JSON)."""
    return jsonify(people_views.participation(services().projector.engine))


@bp.app_errorhandler(MasterKeyError)
def master_key_error(error: MasterKeyError) -> Any:
    """A 500 page that says what is wrong without any secret; the details go to the log.

    MasterKeyError messages name the setting at fault (never a key or a personal value).
    """
    log.error("The service cannot open its data: %s", error)
    return render_template("privacy/master_key_error.html"), 500
