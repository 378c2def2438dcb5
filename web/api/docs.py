"""The API's browsable page, ``/api/v1/docs``: Swagger UI showing ``/api/v1/openapi.json``.

Its assets come from npm's ``swagger-ui-dist`` installed beside this module by
``make swagger-ui`` (``web/api/swagger_ui/``) and are served by the service itself, under a
Content-Security-Policy that allows this site's own scripts, styles and document and nothing
else (no outside resource). Without the assets the page says how to install them (503).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, render_template_string

HERE = Path(__file__).resolve().parent / "swagger_ui"
DIST = HERE / "node_modules" / "swagger-ui-dist"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The dialogue service — API</title>
<link rel="stylesheet" href="{{ url_for('api_docs.asset', name='swagger-ui.css') }}">
<link rel="icon" href="{{ url_for('api_docs.asset', name='favicon-32x32.png') }}">
</head>
<body>
<main><div id="swagger-ui" data-document="{{ url_for('api-docs.openapi_json') }}"></div></main>
<script src="{{ url_for('api_docs.asset', name='swagger-ui-bundle.js') }}"></script>
<script src="{{ url_for('api_docs.initializer') }}"></script>
</body>
</html>
"""

MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The dialogue service — API</title></head>
<body><main><h1>The API's browsable page is not installed</h1>
<p>Run <code>make swagger-ui</code> on the server. The document itself is at
<a href="{{ url_for('api-docs.openapi_json') }}">{{ url_for('api-docs.openapi_json') }}</a>.</p></main></body></html>
"""


def _page_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.get("")
def page() -> Response:
    """The browsable page (503 with instructions when the assets are missing)."""
    if not (DIST / "swagger-ui-bundle.js").is_file():
        return _page_headers(Response(render_template_string(MISSING), status=503, mimetype="text/html"))
    return _page_headers(Response(render_template_string(PAGE), mimetype="text/html"))


MIMETYPES = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}


@cache
def _read(path: Path) -> bytes:
    # From memory, as the site's other static files: a file handed to a compressed response
    # would stay open.
    return path.read_bytes()


def _file(path: Path) -> Response:
    response = Response(_read(path), mimetype=MIMETYPES[path.suffix])
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return _page_headers(response)


@bp.get("/assets/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS or not (DIST / name).is_file():
        abort(404)
    return _file(DIST / name)


@bp.get("/init.js")
def initializer() -> Response:
    return _file(HERE / "init.js")


