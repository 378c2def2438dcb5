"""The JSON API at ``/api/v1`` (issue 13), built with flask-smorest on marshmallow schemas,
one blueprint per area like ``web/pages/``:

- :mod:`web.api.proposals`: proposals (list with filters and pages, one proposal), and
  :mod:`web.api.proposal_writes`: draft, revise, submit, withdraw, co-authors, amendments;
- :mod:`web.api.discussion`: a proposal's comments, and a new comment or reply;
- :mod:`web.api.sessions`: sessions, their agenda, positions, decisions, closing;
- :mod:`web.api.liaison`: endorsement rounds (votes, UN advice, closing), publication,
  government responses and follow-up;
- :mod:`web.api.liaison_table`: the Liaison Table's seats, the UN agencies' nominations;
- :mod:`web.api.dialogues`: dialogues with governments (schedule, presentations), the
  governments' responses and a recommendation's follow-up entries;
- :mod:`web.api.audit`: the event log paged from a position (stored bytes for auditors),
  an aggregate's state at a version, instant or date, and its history;
- :mod:`web.api.me`: the signed-in person's roles and what waits for them;
- :mod:`web.api.csrf`: the web session's CSRF token, for writes sent with the session;
- :mod:`web.api.recommendations`: the board's adopted recommendations with provenance;
- :mod:`web.api.search`: search over proposals, amendments and government responses;
- :mod:`web.api.tables`: working tables, members and representatives.

The contract is the OpenAPI 3.1 document at ``/api/v1/openapi.json``; every error answers
the one shape of :mod:`web.api.errors`; ``docs/api.md`` is the guide. Who the request is
comes from :mod:`web.identity`: a personal access token (``Authorization: Bearer …``,
:mod:`application.accounts.tokens`) or the web session, as for the pages; the application
decides what they may do. Requests are limited as the pages' (:mod:`web.limits`): per
network address, and every write per account in the forms' shared scope.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from application.accounts import WRITE
from web.api.errors import ErrorSchema, error_response, http_error_response

PREFIX = "/api/v1"
# JSON is never a page: nothing in it runs, nothing frames it.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/") or request.path.startswith("/api/")


class Api(flask_smorest.Api):
    """flask-smorest's Api with the service's error shape, answering JSON errors only
    for addresses under ``/api/`` (the pages keep their own error pages)."""

    ERROR_SCHEMA = ErrorSchema

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        super().register_blueprint(blp, parameters=parameters, **options)
        self.spec._tags[-1]["name"] = blp.tag  # the area's name, as the operations are tagged

    def _register_error_handlers(self) -> None:
        self._app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException) -> Any:
    if not is_api_request():
        return error  # the pages' answer, as without the API
    return http_error_response(error)


READING = ("GET", "HEAD", "OPTIONS")


def _authenticate() -> Response | None:
    """Refuse, before anything runs, a personal access token that is unknown, revoked or
    expired (401), and a ``read`` token sent with a write (403)."""
    if not is_api_request():
        return None
    from web.identity import current_identity, current_token

    current_identity()
    if g.get("api_token_refused"):
        return error_response(401, "invalid_token", "This token is unknown, revoked or expired.",
                              headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    token = current_token()
    if token is not None and token.scope != WRITE and request.method not in READING:
        return error_response(403, "token_read_only", "This token may only read; create one with the write scope.",
                              headers={"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="write"'})
    return None


def _api_headers(response: Response) -> Response:
    if is_api_request():
        response.headers.setdefault("Content-Security-Policy", API_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _table_code_parameter(converter: Any) -> dict[str, Any]:
    """The schema of a table's code in an API path: the address answers 308 for a known code
    written another way and 404 ``unknown_table`` for another word, so it is a string that
    names the codes, not an enum of them (which would make those answers undocumented)."""
    from web.forms import TABLES

    if not getattr(converter, "others", False):
        return {"type": "string", "enum": list(TABLES)}
    return {"type": "string", "description": (
        f"A working table's code: {', '.join(TABLES)}. Any case, and spaces around it, are accepted: such an address answers "
        f"308 to the one with the code as the tables write it ({TABLES[0].lower()} -> {TABLES[0]}). Another word is 404 unknown_table."
    )}


def init_app(app: Flask) -> Api:
    """Install the API on ``app``: its blueprints under ``/api/v1`` and the document."""
    from web.api import (
        audit,
        dialogues,
        discussion,
        liaison,
        liaison_table,
        me,
        proposal_writes,
        proposals,
        recommendations,
        search,
        sessions,
        tables,
    )
    from web.api import csrf as csrf_token

    assert proposal_writes.bp is proposals.bp  # its routes are the proposals' blueprint's

    app.config.setdefault("API_TITLE", "The dialogue service")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {
            "description": "Proposals, sessions, the Liaison Table and the board of recommendations of the Open and "
                           "Permanent Dialogue Mechanism (GCM, Latin America and the Caribbean). Guide: docs/api.md.",
        },
        "servers": [{"url": "/"}],
    })
    api = Api(app)
    from web.addresses import TableCode

    api.register_converter(TableCode, _table_code_parameter)
    csrf = app.extensions.get("csrf")
    writes = app.extensions.get("dialogue_writes_limit")
    for module in (proposals, discussion, recommendations, search, tables, sessions, liaison, liaison_table, dialogues, audit, me, csrf_token):
        bp = module.bp
        if writes is not None:
            writes(bp)  # API writes count with the forms', per account (web/limits.py)
        api.register_blueprint(bp, url_prefix=PREFIX + (bp.url_prefix or ""))
        if csrf is not None:
            csrf.exempt(bp)  # writes check their own token (web sessions) or carry none (tokens)
    from web.api import docs

    app.register_blueprint(docs.bp)  # the browsable page (not an operation of the document)
    app.before_request(_authenticate)
    app.after_request(_api_headers)
    return api
