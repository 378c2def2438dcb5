"""A working table's code in an address, as a person types it.

Every address naming a table takes its code through the converter ``<table:code>``
(:class:`TableCode`): the page of a table, its elections and seats, its requests to join,
its feed and calendar, and the API's ``/api/v1/tables/<code>`` routes. A code is known
whatever its case and the spaces around it (``rt1``, ``%20RT1%20``), and the view always
receives it as the tables write it (``RT1``). :func:`to_canonical_address`, run before every
request, answers such an address with a permanent redirect to the one written with the
canonical code, keeping the query string: 301 for a page's GET or HEAD, 308 for any other
method and for the API (the method and body are kept); ``OPTIONS`` (a CORS preflight, which
cannot follow a redirect) is answered at the address sent. An unknown code is still a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from flask import Flask, redirect, request, url_for
from werkzeug.routing import BaseConverter, Map, ValidationError

from web.forms import TABLES

QUERY_SAFE = "!$%&'()*+,/:;=?@[]~"
"""What a query string keeps unquoted when it is moved (RFC 3986's query characters and ``%``)."""


def canonical_table(value: str) -> str | None:
    """The table code ``value`` names, as the tables write it, whatever its case and the
    spaces around it; None for no table."""
    typed = value.strip().casefold()
    return next((code for code in TABLES if code.casefold() == typed), None)


class TableCode(BaseConverter):
    """A working table's code in an address (``<table:code>``), given to the view as the
    tables write it. Another word is no table's address, so ``GET /tables/join`` (a form's
    address, posted from ``/tables``) is a 405 that goes to the page holding the form, not
    the page of a table called "join". ``<table(others=True):code>`` passes another word on
    unchanged instead, for a view that refuses it in words of its own (the API's
    ``unknown_table``)."""

    def __init__(self, url_map: Map, *, others: bool = False) -> None:
        super().__init__(url_map)
        self.others = others

    def to_python(self, value: str) -> str:
        code = canonical_table(value)
        if code is not None:
            return code
        if self.others:
            return value
        raise ValidationError()


def to_canonical_address() -> Any:
    """``before_request``: an address whose table code is not written as the tables write it
    is moved for good to the one that is (the same query string)."""
    rule = request.url_rule
    # A CORS preflight cannot follow a redirect: OPTIONS is answered where it was sent.
    if request.method == "OPTIONS" or rule is None or "<table" not in rule.rule or request.endpoint is None:
        return None
    canonical = url_for(request.endpoint, **(request.view_args or {}))
    if unquote(canonical) == request.script_root + request.path:
        return None
    # The raw bytes percent-quoted (a UTF-8 ``é`` sent unquoted stays ``%C3%A9``), the
    # existing escapes and the query's delimiters kept as they are.
    query = quote(request.query_string, safe=QUERY_SAFE)
    code = 301 if request.method in ("GET", "HEAD") and not request.path.startswith("/api/") else 308
    return redirect(canonical + ("?" + query if query else ""), code=code)


def init_app(app: Flask) -> None:
    """Install the converter (before any rule uses it) and the redirect."""
    app.url_map.converters["table"] = TableCode
    app.before_request(to_canonical_address)
