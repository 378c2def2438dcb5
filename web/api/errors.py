"""The API's one error shape, ``{"code", "status", "message", "errors"}``, for every error:
a refusal of the mechanism keeps its domain ``code`` (``docs/rules.md``), an HTTP error
its own (``not_found``, ``method_not_allowed``, ``precondition_failed`` …).

Each domain error class answers one status (:data:`STATUS_OF`, documented in
``docs/api.md``):

- ``InvalidInputError`` (and a bare ``DomainError``): 422, the request's data breaks a rule;
- ``NotAllowedError``: 403, or 401 when nobody is signed in (``sign_in_required``);
- ``NotFoundError``: 404;
- ``InvalidTransitionError``, ``RuleViolationError``, ``ConflictError``: 409, the state of
  the mechanism refuses the command (a stale version included);
- ``PreconditionFailedError``: 412, an ``If-Match`` that no longer matches
  (:mod:`web.api.commands`).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from application.errors import ConflictError, PreconditionFailedError
from domain.errors import (
    DomainError,
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
    RuleViolationError,
)

# In the order they are looked up: the first class an error is an instance of.
STATUS_OF: tuple[tuple[type[DomainError], int], ...] = (
    (PreconditionFailedError, 412),
    (ConflictError, 409),
    (NotFoundError, 404),
    (NotAllowedError, 403),
    (InvalidTransitionError, 409),
    (RuleViolationError, 409),
    (InvalidInputError, 422),
    (DomainError, 422),
)

# The code of an HTTP error without a domain code: the status's name in snake case.
HTTP_CODES = {
    400: "bad_request", 401: "sign_in_required", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 409: "conflict", 412: "precondition_failed", 413: "request_too_large",
    415: "unsupported_media_type", 422: "invalid_input", 428: "precondition_required", 429: "too_many_requests",
    500: "server_error",
}


class ErrorSchema(ma.Schema):
    """The one shape of every error answer of the API."""

    code = ma.fields.String(required=True, metadata={"description": "Stable code: the domain rule's code (docs/rules.md) or the HTTP error's."})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status."})
    message = ma.fields.String(required=True, metadata={"description": "A sentence for a person (English)."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(), required=True,
        metadata={"description": "Problems by field or location (empty when the error names none)."},
    )


class ViewsBehindSchema(ErrorSchema):
    """The answer ``202 views_behind``: the write is saved, its resource shows it shortly."""

    version = ma.fields.Integer(allow_none=True, metadata={"description": "The version the write saved (also the ETag), when known."})


VIEWS_BEHIND_MESSAGE = ("The write is saved; the resource at Location will show it shortly. "
                        "Read it again after Retry-After seconds; do not send the write again.")
VIEWS_BEHIND_RETRY_AFTER = 2


def views_behind_response(location: str | None, version: int | None) -> Response:
    """``202 Accepted`` for a write saved whose views did not reach it in time."""
    headers = {"Retry-After": str(VIEWS_BEHIND_RETRY_AFTER)}
    if location:
        headers["Location"] = location
    if version is not None:
        headers["ETag"] = f'"{version}"'
    response = jsonify({"code": "views_behind", "status": 202, "message": VIEWS_BEHIND_MESSAGE, "errors": {}, "version": version})
    response.status_code = 202
    response.headers.update(headers)
    return response


def status_of(error: DomainError, anonymous: bool = False) -> int:
    """The HTTP status of a refusal (``anonymous``: nobody is signed in)."""
    for cls, status in STATUS_OF:
        if isinstance(error, cls):
            if status == 403 and (anonymous or error.code == "sign_in_required"):
                return 401
            return status
    return 422  # pragma: no cover - DomainError closes the table


def error_response(status: int, code: str, message: str, errors: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The error answer: the shape above with ``status`` and ``headers``."""
    response = jsonify({"code": code, "status": status, "message": message, "errors": errors or {}})
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def domain_error_response(error: DomainError, anonymous: bool = False) -> Response:
    errors = {error.field: [error.code]} if error.field else {}
    return error_response(status_of(error, anonymous), error.code, error.message, errors)


def http_error_response(error: HTTPException) -> Response:
    """An HTTP error (raised by Flask, webargs or flask-smorest) in the one shape; webargs'
    validation messages (``{location: {field: [messages]}}``) become ``errors``."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    message = data.get("message") or error.description or ""
    code = data.get("code") or HTTP_CODES.get(status, "http_error")
    headers = dict(data.get("headers") or {})
    response = error_response(status, code, str(message), errors if isinstance(errors, dict) else {"request": errors}, headers)
    if status == 405 and error.get_headers():
        for k, v in error.get_headers():
            if k.lower() == "allow":
                response.headers["Allow"] = v
    return response
