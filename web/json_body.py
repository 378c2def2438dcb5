"""Request bodies in JSON that Python's decoder cannot read without failing otherwise than on
bad syntax: one nested too deeply (``[[[[…``: a ``RecursionError`` past its recursion limit)
or holding an integer of more than 4,300 digits (a ``ValueError`` of the interpreter's limit
on converting digits to an integer, ``sys.get_int_max_str_digits``), which would otherwise be
server errors. Such a body is bad input: the API answers 400 ``invalid_json`` saying so (its
parser, :class:`Parser`, which answers the same code for any body that is not JSON, or not
UTF-8), and so does any other reader of a JSON body (the app's JSON provider,
:class:`JsonProvider`, through Flask's ``request.get_json``); nothing is changed."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import abort
from marshmallow import missing
from webargs.flaskparser import FlaskParser, is_json_request

TOO_DEEP = "The JSON body is nested too deeply to be read."
TOO_LONG_NUMBER = "The JSON body holds a number too long to be read."
NOT_JSON = "The body is not JSON (in UTF-8)."


UNREAD = object()  # what :func:`request_json` gives for a body that does not read


def read_json(data: bytes) -> Any:
    """The JSON value of a body as the API reads every body: UTF-8 text only. Python's
    ``json.loads`` on bytes also reads UTF-16 and UTF-32 and skips a byte order mark; here
    each is a ``json.JSONDecodeError``, as is bad syntax. Raises ``RecursionError`` for a body
    nested too deeply and ``ValueError`` for an integer of too many digits."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise json.JSONDecodeError(f"Not UTF-8: {e.reason}", str(e.object), e.start) from e
    return json.loads(text)  # a byte order mark before the text is a JSONDecodeError


def request_json() -> Any:
    """The request's body read by :func:`read_json`, or :data:`UNREAD` when it does not
    read (the API's parser answers it: 400 ``invalid_json``)."""
    try:
        return read_json(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return UNREAD


class Parser(FlaskParser):
    """The API's arguments parser: a body that is not JSON in UTF-8, is nested too deeply or
    holds a number too long to read is a 400 ``invalid_json``."""

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return missing
        try:
            return read_json(req.get_data(cache=True))
        except RecursionError:
            abort(400, code="invalid_json", message=TOO_DEEP, errors={"json": [TOO_DEEP]})
        except json.JSONDecodeError:
            raise  # webargs answers it (_handle_invalid_json_error)
        except ValueError:
            abort(400, code="invalid_json", message=TOO_LONG_NUMBER, errors={"json": [TOO_LONG_NUMBER]})

    def _handle_invalid_json_error(self, error: Any, req: Any, *args: Any, **kwargs: Any) -> Any:
        abort(400, code="invalid_json", message=NOT_JSON, errors={"json": [NOT_JSON]})


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading a body nested too deeply as invalid JSON (a
    ``ValueError``: Flask answers 400) instead of letting the ``RecursionError`` through."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as e:
            raise ValueError(TOO_DEEP) from e
        # A number past the interpreter's digit limit is a ValueError already: Flask answers 400.
