"""The site's own page for an address that leads nowhere, in the visitor's language.

A page blueprint's own 404 handler answers for its routes (an unknown proposal id); this
one answers for every other address, so that no visitor meets the framework's bare English
"404 Not Found". Addresses under ``/api/`` get the API's JSON shape instead.

A GET of an address that only takes a form's POST (the page of a refused form reloaded)
goes (303) to the page that holds the form (:func:`form_page`: the page above it, or the
one :data:`FORM_PAGES` names); another method not allowed is the
site's own 405 page. A query argument out of its bounds (:mod:`web.query`) answers 400 with the argument's
name and range, as a page or, for JSON addresses, in the API's error shape. An error of the
application answers the site's own 500 page. Every response outside ``/api/`` (which sets
its own) carries the security headers (:func:`web.pages.common.secure_headers`): pages of
blueprints, ``/healthz``, ``/readyz``, the statistics, static files, 404, 405, 413 and 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect

from web.form_data import NotFormFields
from web.pages.common import load_viewer, secure_headers
from web.query import QueryArgumentError

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


@bp.after_app_request
def _secure_everywhere(response: Response) -> Response:
    if request.path.startswith("/api/"):
        return response  # the API's own headers (web.api)
    return secure_headers(response)


@bp.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError) -> Any:
    """The site's own 500 page (without the viewer when even that cannot be read)."""
    if request.path.startswith("/api/"):
        from web.api.errors import http_error_response

        return http_error_response(error)
    try:
        body = render_template("common/error.html", code=500, viewer=load_viewer())
    except Exception:  # noqa: BLE001 - the page must show whatever failed
        log.exception("the 500 page could not show the viewer")
        from web.pages.common import Viewer

        try:
            body = render_template("common/error.html", code=500, viewer=Viewer())
        except Exception:  # noqa: BLE001
            body = "<!doctype html><title>500</title><p>The page could not be shown.</p>"
    return secure_headers(make_response(body, 500))


@bp.app_errorhandler(404)
def not_found(error: Any) -> Any:
    if request.path.startswith("/api/"):
        from web.api.errors import http_error_response

        return http_error_response(error)
    response = make_response(render_template("common/error.html", code=404, viewer=load_viewer()), 404)
    return secure_headers(response)


@bp.app_errorhandler(413)
def too_large(error: Any) -> Any:
    """A body over the size limit (:mod:`web.body_limit`): nothing of it was read."""
    if request.path.startswith("/api/"):
        from web.api.errors import http_error_response

        return http_error_response(error)
    response = make_response(render_template("common/error.html", code=413, viewer=load_viewer()), 413)
    return secure_headers(response)


def page_above(path: str) -> str | None:
    """The nearest address above ``path`` that is a page (answers GET): the page holding the
    form that posts to ``path`` (``/calls/<id>/inputs`` is posted from ``/calls/<id>``)."""
    adapter = current_app.url_map.bind("localhost")
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        above = "/".join(parts) or "/"
        try:
            adapter.match(above, method="GET")
        except RequestRedirect:
            return above
        except HTTPException:
            continue
        return above
    return None


def _moderation_page(args: Mapping[str, Any]) -> str:
    """An input's moderation form is on its call's moderation page (the input names the call);
    the calls when there is no such input."""
    from projections import calls as call_views
    from web.pages.common import engine

    found = call_views.get_input(engine(), str(args["input_id"]))
    return _build("calls.moderation", call_id=found["call_id"]) if found else _build("calls.index")


def _build(endpoint: str, **values: Any) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


# The forms whose page is not the nearest page above their address: the endpoint of the
# form's POST -> the address of the page holding it. Every other form is on the page above.
FORM_PAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "calls.moderate": _moderation_page,  # /calls/inputs/<id>/moderation: above it, /calls/inputs is no page
    "account.second_factor_off": lambda args: _build("account.index"),  # /account/second-factor is the enrolment
}


def form_page(path: str) -> str | None:
    """The page holding the form that posts to ``path``: :data:`FORM_PAGES` for the forms
    named there, else :func:`page_above`."""
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="POST")
    except HTTPException:
        return page_above(path)
    page = FORM_PAGES.get(str(endpoint))
    return page(args) if page is not None else page_above(path)


@bp.app_errorhandler(405)
def method_not_allowed(error: Any) -> Any:
    """A form's address opened again (reloading a refused form's page, a bookmark): a GET of
    an address that only takes a form's POST goes (303) to the page holding the form; any
    other method not allowed is the site's own 405 page, in the visitor's language."""
    if request.path.startswith("/api/"):
        from web.api.errors import http_error_response

        return http_error_response(error)
    if request.method in ("GET", "HEAD"):
        above = form_page(request.path)
        if above is not None:
            return secure_headers(make_response(redirect(request.script_root + above, code=303)))
    response = make_response(render_template("common/error.html", code=405, viewer=load_viewer()), 405)
    response.headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or [])
    return secure_headers(response)


@bp.app_errorhandler(NotFormFields)
def not_form_fields(error: NotFormFields) -> Any:
    """A form posted with a body that is not its fields (:mod:`web.form_data`): nothing read."""
    response = make_response(render_template("common/error.html", code=400, message=error.message, viewer=load_viewer()), 400)
    return secure_headers(response)


@bp.app_errorhandler(QueryArgumentError)
def bad_query_argument(error: QueryArgumentError) -> Any:
    wants_json = request.path.startswith("/api/") or request.path.endswith(".json") or request.args.get("format") == "json"
    if wants_json:
        body = {"code": "invalid_query_argument", "status": 400, "message": error.message, "errors": {error.argument: [error.message]}}
        return secure_headers(make_response(jsonify(body), 400))
    g.refused_argument = error.argument  # the language links leave out a long refused value (web.i18n.lang_url)
    response = make_response(render_template("common/error.html", code=400, message=error.message, viewer=load_viewer()), 400)
    return secure_headers(response)
