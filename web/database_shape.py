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
does not answer is left to the request (``/readyz`` says ``unavailable``), and is not asked
again by this check for ``RETRY_SECONDS``. ``/readyz`` passes the hook: it checks its own
connection, then the shape (:func:`behind`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _

from application.bootstrap import Config, behind_the_code

log = logging.getLogger("dialogue.upgrade")
CURRENT = "dialogue_database_current"
LOGGED = "dialogue_database_behind_logged"
INSTALLED = "dialogue_database_shape_checked"
FAILED_AT = "dialogue_database_shape_failed_at"
RETRY_SECONDS = 5.0
# /readyz checks its own connection first, then the shape (web/health.py): a database that
# hangs is waited for once.
PASS = ("static", "health.healthz", "health.readyz")


def _message() -> str:
    return _(
        "The service cannot answer yet: its database must first be upgraded to this release. An administrator must run "
        "“%(command)s”. Nothing was read or stored; try again later.", command="dialogue db upgrade",
    )


def behind(app: Flask) -> list[str]:
    """What of the database is behind the code (empty: serve), checked until it is found
    current, in a process that installed the check (:func:`init_app`). A database that does
    not answer is left to the request (empty), and not asked again for ``RETRY_SECONDS``: a
    database host that hangs costs a request one connection timeout, not two."""
    if not app.extensions.get(INSTALLED) or app.extensions.get(CURRENT):
        return []
    failed = app.extensions.get(FAILED_AT)
    if failed is not None and time.monotonic() - failed < RETRY_SECONDS:
        return []
    try:
        found = behind_the_code(app.config["DIALOGUE"])
    except Exception:  # noqa: BLE001 - a database that does not answer is reported as before (/readyz: unavailable)
        app.extensions[FAILED_AT] = time.monotonic()
        return []
    app.extensions.pop(FAILED_AT, None)
    if not found:
        app.extensions[CURRENT] = True
        return []
    if not app.extensions.get(LOGGED):
        app.extensions[LOGGED] = True
        log.error("The database is not at this release's shape (%s): run `dialogue db upgrade`. Every request answers 503 until then.",
                  ", ".join(found))
    return found


def readiness_refusal(found: list[str]) -> Any:
    """``/readyz``'s 503 naming what is behind (it checks the database's connection first)."""
    response = make_response(jsonify(status="upgrade_required", behind=found), 503)
    response.headers["Retry-After"] = "60"
    return response


def refuse_until_upgraded() -> Any:
    """``before_request``: 503 while the database is behind the code (see the module)."""
    if request.endpoint in PASS:
        return None
    found = behind(current_app)
    if not found:
        return None
    if request.path.startswith("/api/"):
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
        app.extensions[INSTALLED] = True
        app.before_request(refuse_until_upgraded)
