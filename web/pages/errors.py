"""The site's own page for an address that leads nowhere, in the visitor's language.

A page blueprint's own 404 handler answers for its routes (an unknown proposal id); this
one answers for every other address, so that no visitor meets the framework's bare English
"404 Not Found". Addresses under ``/api/`` get the API's JSON shape instead.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, render_template, request

from web.pages.common import load_viewer, secure_headers

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(404)
def not_found(error: Any) -> Any:
    if request.path.startswith("/api/"):
        from web.api.errors import http_error_response

        return http_error_response(error)
    response = make_response(render_template("common/error.html", code=404, viewer=load_viewer()), 404)
    return secure_headers(response)
