"""Request bodies in JSON nested too deeply (``[[[[…``): Python's decoder gives up with a
``RecursionError`` past its recursion limit, which would otherwise be a server error. Such a
body is bad input: the API answers 400 ``invalid_json`` saying so (its parser,
:class:`Parser`), and so does any other reader of a JSON body (the app's JSON provider,
:class:`JsonProvider`, through Flask's ``request.get_json``); nothing is changed."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider
from flask_smorest import abort
from webargs.flaskparser import FlaskParser

TOO_DEEP = "The JSON body is nested too deeply to be read."


class Parser(FlaskParser):
    """The API's arguments parser: a body nested too deeply is a 400 ``invalid_json``."""

    def _raw_load_json(self, req: Any) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            abort(400, code="invalid_json", message=TOO_DEEP, errors={"json": [TOO_DEEP]})


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading a body nested too deeply as invalid JSON (a
    ``ValueError``: Flask answers 400) instead of letting the ``RecursionError`` through."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as e:
            raise ValueError(TOO_DEEP) from e
