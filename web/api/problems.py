"""One 422 for every problem of a write's body (docs/api.md, "Errors"): what breaks the
document's schema (``errors["json"]``, by field, as webargs words it) and, for the writes
that ask, the problems of the content the schema let through (``errors[field]``, the rules'
codes), instead of the schema's problems now and the content's in a later answer.

A write that passes ``content`` to :meth:`web.api.blueprint.Blueprint.write` gives a function
of the body's fields that loaded (marshmallow's ``valid_data``) and the route's arguments,
returning the domain's problems (``DomainError`` with ``field`` set) of those fields only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_smorest import abort

from domain.errors import DomainError
from web.json_body import request_json

Content = Callable[..., list[DomainError]]
SCHEMA_MESSAGE = "The body breaks the document's schema (errors[\"json\"]); errors names by field the other problems found at once."


def codes_by_field(problems: list[DomainError]) -> dict[str, list[str]]:
    """The rules' codes of ``problems`` by the field each names (``body`` when none)."""
    errors: dict[str, list[str]] = {}
    for e in problems:
        errors.setdefault(e.field or "body", []).append(e.code)
    return errors


def refuse_all(problems: list[DomainError]) -> None:
    """One 422 naming every field's problem of the content (their codes), the first's code
    and message; none: return."""
    if problems:
        abort(422, message=problems[0].message, code=problems[0].code, errors=codes_by_field(problems))


def refuse_every_problem(body: Any, content: Content, route_args: dict[str, Any]) -> None:
    """Abort 422 with the schema's and the content's problems when the body breaks the
    schema; return (and let the write read its body) otherwise."""
    sent = request_json()
    if not isinstance(sent, dict):
        return  # not JSON (in UTF-8), or not an object: the schema's parser answers it alone
    schema = body() if isinstance(body, type) else body
    try:
        schema.load(sent)
    except ma.ValidationError as e:
        valid = e.valid_data if isinstance(e.valid_data, dict) else {}
        abort(422, code="invalid_input", message=SCHEMA_MESSAGE, errors={"json": e.messages, **codes_by_field(content(valid, **route_args))})
