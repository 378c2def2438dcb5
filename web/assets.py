"""Transfer: compressed responses and static files under content-hashed names.

- Every response the client accepts compressed is compressed by Flask-Compress: brotli
  when the client accepts it, else gzip (HTML, CSS, JSON, SVG, text; small bodies and file
  downloads are left alone).
- Static files are linked as ``/assets/<stem>.<hash><suffix>`` (``asset('style.css')`` in a
  template): the name changes with the content, so a browser keeps the file a year
  (``Cache-Control: public, max-age=31536000, immutable``) and never revalidates it on
  each page. An old hash (a page cached before a release) still gets the current file,
  with a short lifetime.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, url_for
from flask_compress import Compress

YEAR = 365 * 24 * 3600
bp = Blueprint("assets", __name__)


@cache
def _content(folder: str, filename: str) -> bytes:
    """The file's bytes, read once per process (the static files are a few kilobytes)."""
    return (Path(folder) / filename).read_bytes()


def _digest(folder: str, filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256."""
    return hashlib.sha256(_content(folder, filename)).hexdigest()[:12]


def asset(filename: str) -> str:
    """The content-hashed address of static file ``filename`` (``style.css`` →
    ``/assets/style.1a2b3c4d5e6f.css``)."""
    folder = str(current_app.static_folder)
    path = Path(filename)
    return url_for("assets.serve", filename=f"{path.stem}.{_digest(folder, filename)}{path.suffix}")


@bp.get("/assets/<path:filename>")
def serve(filename: str) -> Response:
    stem, _, rest = filename.partition(".")
    digest, _, suffix = rest.partition(".")
    plain = f"{stem}.{suffix}"
    folder = str(current_app.static_folder)
    if not digest or not suffix or "/" in plain or not (Path(folder) / plain).is_file():
        abort(404)
    current = digest == _digest(folder, plain)
    mimetype = mimetypes.guess_type(plain)[0] or "application/octet-stream"
    cache_control = f"public, max-age={YEAR}, immutable" if current else "public, max-age=300"
    return Response(_content(folder, plain), mimetype=mimetype, headers={"Cache-Control": cache_control})


def init_app(app: Flask) -> None:
    """Install compression (brotli, then gzip) and the hashed static addresses."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/csv", "application/json", "image/svg+xml", "application/xml",
    ])
    Compress(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["asset"] = asset
