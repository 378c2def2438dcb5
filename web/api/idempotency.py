"""Idempotent writes of the API (issue 13, "Idempotent writes").

A write may carry an ``Idempotency-Key`` header (1 to 100 visible ASCII characters). Its
command id is then ``api:<account>:<key>``, so the application applies it once whatever
happens (``dialogue_commands``); the first answer is kept (``dialogue_api_requests``, with
the SHA-256 of the request: method, path and body as JSON written one way), and a retry with the same key from the
same account gets that answer again, with ``Idempotent-Replayed: true``, changing nothing.
The same key with another request answers ``422 idempotency_key_reused``. Refusals are not
kept: the retry of a refused request runs again (it changed nothing the first time).

Without the header each write gets a command id of its own (``api:<account>:<uuid>``).
Kept answers are deleted after :data:`KEPT_DAYS` days.

An erasure drops the body of every kept answer (any may name the erased person:
:func:`application.privacy.drop_kept_answers`), keeping the record: a retry is still
not applied again, and answers ``303 See Other`` (``answer_not_kept``, with
``Idempotent-Replayed: true``) with the resource's address in ``Location`` to read it afresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any
from uuid import uuid4

from flask import Response, g, request
from flask_smorest import abort
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from application.privacy import erased_since, lock_kept_answers
from application.tables import api_requests
from web.identity import current_identity
from web.json_body import read_json
from web.services import services

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
KEPT_DAYS = 7
KEPT_HEADERS = ("ETag", "Location", "Content-Type")
PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "Makes the write safe to retry: the same key (1 to 100 visible ASCII characters) from the same account "
                   "returns the first answer and changes nothing; with another request it answers 422.",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,100}$"},
}


def command_id() -> str:
    """The command id of this API write (set by :func:`idempotent`)."""
    cid = g.get("api_command_id")
    if not cid:
        cid = f"api:{current_identity().account_id or 'anonymous'}:{uuid4()}"
        g.api_command_id = cid
    return str(cid)


def _request_hash(body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(body)
    return digest.hexdigest()


def _body_as_compared() -> bytes:
    """The request's body as a retry's is compared with it: its JSON value written one way
    (keys sorted, no white space), so that the same JSON re-indented or with its keys in
    another order is the same request; none, only white space and an empty object are one
    body (a write that takes none accepts each: docs/api.md). A number with a decimal
    point or an exponent is read as a float, never equal to an integer: ``2.0`` is not ``2``
    (an integer field refuses ``2.0``). A body that does not read as JSON is compared byte
    for byte (it is refused anyway)."""
    sent = request.get_data(cache=True)
    if not sent.strip():
        return b""
    try:
        value = read_json(sent)
        return b"" if value == {} else json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        return sent


def _hashes() -> tuple[str, str]:
    """This request's hash as kept (:func:`_body_as_compared`), and as a release that
    compared the bytes kept it (a key kept before still matches its byte-identical retry)."""
    return _request_hash(_body_as_compared()), _request_hash(_body_as_bytes())


def _body_as_bytes() -> bytes:
    sent = request.get_data(cache=True)
    stripped = sent.strip()
    if not stripped:
        return b""
    if stripped.startswith(b"{") and len(stripped) <= 32:
        try:
            if json.loads(stripped) == {}:
                return b""
        except ValueError:
            pass
    return sent


NOT_KEPT = "answer_not_kept"
NOT_KEPT_MESSAGE = ("This write was applied by the first request with this Idempotency-Key; its answer is no longer kept "
                    "(a person's data was erased since): read the resource at Location.")


def _replay(row: Any) -> Response:
    kept = json.loads(row.headers)
    if not row.body:
        return _not_kept(kept.get("Location"))
    response = Response(row.body, status=row.status)
    for k, v in kept.items():
        response.headers[k] = v
    response.headers[REPLAYED] = "true"
    return response


def _not_kept(location: str | None) -> Response:
    """The replay of a write whose kept answer an erasure dropped: ``303`` to the resource
    it created (its kept ``Location``) or changed (the nearest address above the write's that
    reads it), changing nothing."""
    from web.api.common import resource_address
    from web.api.errors import error_response

    address = location or resource_address(None)
    response = error_response(303, NOT_KEPT, NOT_KEPT_MESSAGE, headers={"Location": address} if address else None)
    response.headers[REPLAYED] = "true"
    return response


def _kept(account_id: str, key: str) -> Any:
    with services().app.engine.connect() as c:
        return c.execute(select(api_requests).where(api_requests.c.account_id == account_id, api_requests.c.key == key)).first()


def _keep(account_id: str, key: str, digest: str, response: Response, since: int) -> None:
    """Keep the answer; without its body when an erasure was recorded after log position
    ``since`` (the request's start): the answer may hold a name read before it, and the
    erasure's drop of the kept bodies may have run before this row was stored."""
    now = datetime.now(UTC)
    headers = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
    try:
        with services().app.engine.begin() as c:
            lock_kept_answers(c, exclusive=False)
            c.execute(delete(api_requests).where(api_requests.c.created_at < now - timedelta(days=KEPT_DAYS)))
            c.execute(insert(api_requests).values(
                account_id=account_id, key=key, request_hash=digest, status=response.status_code,
                body=response.get_data(as_text=True), headers=json.dumps(headers), created_at=now,
            ))
            if erased_since(c, since):
                c.execute(update(api_requests).where(api_requests.c.account_id == account_id, api_requests.c.key == key).values(body=""))
    except IntegrityError:
        pass  # a concurrent twin kept its answer first: the same command, the same outcome


def idempotent(func: Callable[..., Any]) -> Callable[..., Any]:
    """Make an API write idempotent under its ``Idempotency-Key`` (see the module)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        account_id = current_identity().account_id
        if key is None or account_id is None:
            g.api_command_id = f"api:{account_id or 'anonymous'}:{uuid4()}"
            return func(*args, **kwargs)
        if not KEY.match(key):
            abort(400, message="An Idempotency-Key has 1 to 100 visible ASCII characters.", code="bad_idempotency_key")
        digest, as_bytes = _hashes()
        kept = _kept(account_id, key)
        if kept is not None:
            if kept.request_hash not in (digest, as_bytes):
                abort(422, message="This Idempotency-Key was used for another request.", code="idempotency_key_reused")
            return _replay(kept)
        g.api_command_id = f"api:{account_id}:{key}"
        since = services().app.recorder.max_notification_id() or 0
        response = current_app_response(func(*args, **kwargs))
        if 200 <= response.status_code < 300:
            _keep(account_id, key, digest, response, since)
        return response

    return wrapper


def current_app_response(rv: Any) -> Response:
    from flask import make_response

    return make_response(rv)
