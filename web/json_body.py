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

from flask.json.provider import DefaultJSONProvider
from flask_smorest import abort
from webargs.flaskparser import FlaskParser

TOO_DEEP = "The JSON body is nested too deeply to be read."
TOO_LONG_NUMBER = "The JSON body holds a number too long to be read."
NOT_JSON = "The body is not JSON (in UTF-8)."


class Parser(FlaskParser):
    """The API's arguments parser: a body that is not JSON in UTF-8, is nested too deeply or
    holds a number too long to read is a 400 ``invalid_json``."""

    def _raw_load_json(self, req: Any) -> Any:
        try:
            return super()._raw_load_json(req)
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
