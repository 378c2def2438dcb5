"""A web process whose database is not at its release's shape answers 503, never a 500.

A process that does not upgrade the database itself (``DIALOGUE_CREATE_TABLES=no``: the
workers of a deployment) may start before ``dialogue db upgrade`` ran, e.g. under a WSGI
server started without ``dialogue serve``, which refuses to start then. Until the database is
at the code's shape (:func:`application.bootstrap.behind_the_code`: the project's own tables
at the code's migration head, every view at the code's version), every request but
``/healthz`` and the static files answers 503: a page in the reader's language saying that
the database must be upgraded with ``dialogue db upgrade``; for the API, its JSON error
``upgrade_required``; for ``/readyz``, ``{"status": "upgrade_required", "behind": [...]}``
naming what is behind. It is logged once per process. The check runs before anything else reads the
database, on each request until the database is found current, never after: once an
operator ran ``dialogue db upgrade``, the process serves without a restart. A database that
does not answer is left to the request (``/readyz`` says ``unavailable``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _

from application.bootstrap import Config, behind_the_code

log = logging.getLogger("dialogue.upgrade")
CURRENT = "dialogue_database_current"
LOGGED = "dialogue_database_behind_logged"
PASS = ("static", "health.healthz")


def _message() -> str:
    return _(
        "The service cannot answer yet: its database must first be upgraded to this release. An administrator must run "
        "“%(command)s”. Nothing was read or stored; try again later.", command="dialogue db upgrade",
    )


def refuse_until_upgraded() -> Any:
    """``before_request``: 503 while the database is behind the code (see the module)."""
    app = current_app
    if app.extensions.get(CURRENT) or request.endpoint in PASS:
        return None
    cfg: Config = app.config["DIALOGUE"]
    try:
        behind = behind_the_code(cfg)
    except Exception:  # noqa: BLE001 - a database that does not answer is reported as before (/readyz: unavailable)
        return None
    if not behind:
        app.extensions[CURRENT] = True
        return None
    if not app.extensions.get(LOGGED):
        app.extensions[LOGGED] = True
        log.error("The database is not at this release's shape (%s): run `dialogue db upgrade`. Every request answers 503 until then.",
                  ", ".join(behind))
    if request.endpoint == "health.readyz":
        response = make_response(jsonify(status="upgrade_required", behind=behind), 503)
    elif request.path.startswith("/api/"):
        body = {"code": "upgrade_required", "status": 503, "message": "The database must be upgraded to this release: run `dialogue db upgrade`.", "errors": {}}
        response = make_response(jsonify(body), 503)
    else:
        response = make_response(render_template("common/error.html", code=503, message=_message()), 503)
    response.headers["Retry-After"] = "60"
    return response


def init_app(app: Flask) -> None:
    """Install the check, unless this process upgrades the database itself when it starts
    (``DIALOGUE_CREATE_TABLES=yes``). Call before anything else that reads the database
    registers its ``before_request``."""
    cfg: Config = app.config["DIALOGUE"]
    if not cfg.create_tables:
        app.before_request(refuse_until_upgraded)
