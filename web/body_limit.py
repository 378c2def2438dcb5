"""The size limit of every request's body, chunked or not (issue 11, item 7).

Werkzeug refuses a body whose ``Content-Length`` is over ``MAX_CONTENT_LENGTH`` before
reading it, but a chunked body (``Transfer-Encoding: chunked``, no ``Content-Length``) is only
cut at the limit: a form parser reads up to the limit and processes what it got, so a 5 MB
chunked form was stored truncated to 2 MB. :class:`BodyLimit` wraps the WSGI application and
reads such a body itself, at most one byte past the limit:

- within the limit, the application gets the body with its ``Content-Length``, as any other;
- past it, the application gets an empty body whose ``Content-Length`` says how much came,
  and :func:`refuse_a_body_over_the_limit` (the application's first hook) answers 413 before
  any form, token or command is read, for a chunked request as for one with a declared length.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask import Flask, abort, request

# Past the limit, the rest of a refused body is read and dropped up to this much more, so that
# a client that sends its whole body before reading the answer sees the 413; a longer body
# ends with the connection.
DRAIN_BYTES = 8 * 1024 * 1024
CHUNK = 64 * 1024


class BodyLimit:
    """WSGI middleware holding a chunked body (the only kind without ``Content-Length``) to
    ``limit`` bytes (see the module's docstring)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(environ["wsgi.input"], self.limit + 1)
            if len(body) > self.limit:
                _drain(environ["wsgi.input"], DRAIN_BYTES)
                body = b""
                environ["CONTENT_LENGTH"] = str(self.limit + 1)
            else:
                environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body)
            # Now a body of declared length: Werkzeug ignores Content-Length beside "chunked".
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)  # type: ignore[no-any-return]


def _read_at_most(stream: Any, size: int) -> bytes:
    parts: list[bytes] = []
    left = size
    while left > 0:
        data = stream.read(min(CHUNK, left))
        if not data:
            break
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


def _drain(stream: Any, size: int) -> None:
    left = size
    while left > 0:
        data = stream.read(min(CHUNK, left))
        if not data:
            return
        left -= len(data)


def refuse_a_body_over_the_limit() -> None:
    """Answer 413 for a declared body over ``MAX_CONTENT_LENGTH`` before anything reads it (a
    page that reads no form would otherwise act on the request)."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def init_app(app: Flask) -> None:
    """Wrap ``app``'s WSGI application with :class:`BodyLimit` at ``MAX_CONTENT_LENGTH`` and
    make the 413 the first thing a request meets. Call before any other ``before_request``
    hook is registered (the form token check reads the form)."""
    app.wsgi_app = BodyLimit(app.wsgi_app, int(app.config["MAX_CONTENT_LENGTH"]))  # type: ignore[method-assign]
    app.before_request(refuse_a_body_over_the_limit)
