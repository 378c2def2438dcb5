"""Running a command from the API: who acts, the versions expected (``If-Match``), the
command id (:mod:`web.api.idempotency`), the CSRF token of a web session, and the views
brought up to the write before answering (read-your-writes, as the forms do). A write
whose views do not reach it in time is answered ``202 views_behind`` (:class:`ViewsBehindError`):
it is saved, and the resource at ``Location`` shows it shortly.

``If-Match`` carries the aggregate version the client read (the resource's ``ETag``,
``"7"``). Revise, decide, close, publish and withdraw require it: without it they answer
``428 if_match_required``; a version that is no longer current answers
``412 version_mismatch`` and changes nothing. Positions, votes, UN advice, amendments,
follow-ups and government responses accept it without requiring it.

A write sent with the browser's session (no token) must carry the session's CSRF token
in ``X-CSRFToken``, as a form does (``GET /api/v1/csrf-token`` gives it): otherwise
``400 csrf_token_missing``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple, TypeVar
from uuid import UUID

from flask import current_app, g, request
from flask_smorest import abort
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from application.errors import CommandAlreadyAppliedError, ConflictError, PreconditionFailedError
from application.preconditions import expecting
from domain.errors import NotAllowedError
from web.api.common import reader, resource_address
from web.api.idempotency import command_id
from web.identity import current_identity, current_token
from web.services import services

T = TypeVar("T")
log = logging.getLogger(__name__)

IF_MATCH = {
    "name": "If-Match", "in": "header", "required": True,
    "description": 'The version read (the resource\'s ETag, e.g. "7"): the write applies only to that version.',
    "schema": {"type": "string"},
}
IF_MATCH_OPTIONAL = {**IF_MATCH, "required": False}
# How a write reads If-Match, as its route declares it (web.api.blueprint.Blueprint.write).
REQUIRED, ACCEPTED = "required", "accepted"
CSRF_HEADER = "X-CSRFToken"


# What Flask-Compress appends to a strong ETag of the answer it compressed (``"7:br"``):
# the same version, so If-Match reads it as ``"7"``.
COMPRESSED_ETAG_SUFFIXES = ("br", "gzip", "deflate", "zstd")


def if_match(required: bool) -> int | None:
    """The version of ``If-Match`` (``"7"``, ``7``, or ``"7:br"`` as a compressed answer's
    ETag reads), None when absent and optional.

    Aborts 428 when required and absent, 412 when it names no version (``*`` is allowed
    and expects nothing)."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        if required:
            abort(428, message="Send If-Match with the version you read (its ETag).", code="if_match_required")
        return None
    value = raw.strip()
    if value == "*":
        return None
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    version, _, coding = value.partition(":")
    if coding in COMPRESSED_ETAG_SUFFIXES:
        value = version  # the ETag of a compressed answer ("7:br", web/assets.py) names the same version
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        abort(412, message='If-Match names one version, the ETag read (e.g. "7").', code="version_mismatch")
    return int(value)


def check_csrf() -> None:
    """A write with the browser's session needs its CSRF token (a token-authenticated
    request carries none: no browser sends it by itself)."""
    if current_token() is not None or current_identity().is_anonymous:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return  # as the forms: tests may turn form tokens off
    try:
        validate_csrf(request.headers.get(CSRF_HEADER, ""))
    except (ValidationError, CSRFError):
        abort(400, message=f"A write with the web session needs the CSRF token in {CSRF_HEADER}.", code="csrf_token_missing")


def acting(secretariat: bool = False) -> str:
    """The actor of this request's commands: the person's own id (or the secretariat for a
    staff account), or for the secretariat's and facilitators' commands the secretariat when
    the person acts as it.

    Raises:
        NotAllowedError: ``sign_in_required`` (401) or ``no_participant`` (403).
    """
    if current_identity().is_anonymous:
        raise NotAllowedError("Sign in (a personal access token) to do this.", code="sign_in_required")
    viewer = reader()
    actor = viewer.secretariat_actor if secretariat else viewer.actor
    if actor is None:
        raise NotAllowedError("Only a participant or the secretariat can do this.", code="no_participant")
    return actor


class Write(NamedTuple):
    """Who a write acts as, and the version ``If-Match`` named (None: none expected)."""

    actor: str
    version: int | None


def writing(*, secretariat: bool = False, participant: str | None = None) -> Write:
    """The prologue of every API write: who acts (:func:`acting`), then the version of
    ``If-Match`` as the write's route declares it (required, accepted, or not read).

    ``participant`` names what only a participant does in their own name (a position, a
    vote): the actor is then the person's participant id, whatever role they also hold.

    Raises:
        NotAllowedError: ``sign_in_required`` (401) or ``no_participant`` (403).
    """
    actor = acting(secretariat=secretariat)
    if participant is not None:
        pid = reader().participant_id
        if pid is None:
            raise NotAllowedError(f"Only {participant} can do this.", code="no_participant")
        actor = pid
    mode = g.get("api_if_match")
    version = if_match(required=mode == REQUIRED) if mode in (REQUIRED, ACCEPTED) else None
    return Write(actor, version)


def run(call: Callable[[str], T], expected: dict[UUID | str, int | None] | None = None) -> T:
    """Run ``call(command_id)`` with the versions ``expected`` (those not None), then bring
    the views up to its write.

    Raises (answered by the API): the command's DomainError; PreconditionFailedError when an
    expected version is no longer current (also when someone saved in between).
    """
    check_csrf()
    cid = command_id()
    versions = {k: v for k, v in (expected or {}).items() if v is not None}
    s = services()
    try:
        with expecting(versions):
            value = call(cid)
    except CommandAlreadyAppliedError:
        abort(409, message="A request with this Idempotency-Key is being applied; retry to read its answer.", code="request_in_progress")
        raise
    except PreconditionFailedError:
        raise
    except ConflictError as e:
        if versions:
            raise PreconditionFailedError(e.message) from e
        raise
    if not s.wait_for_views():
        raise ViewsBehindError(resource_address(value), _saved_version(value, expected))
    return value


class ViewsBehindError(Exception):
    """A write that is stored but whose views did not reach it in time: answered
    ``202 views_behind`` with ``Location`` (the resource that will show it) and, when known,
    the version saved (never a 404 or the old resource, as if it had not been saved)."""

    def __init__(self, location: str | None, version: int | None) -> None:
        super().__init__("views behind the write")
        self.location = location
        self.version = version


def _saved_version(created: object, expected: dict[UUID | str, int | None] | None) -> int | None:
    """The version the write saved of its aggregate, read from the events (not the views)."""
    ids = ([created] if isinstance(created, UUID) else []) + [k for k in (expected or {}) if isinstance(k, UUID)]
    if not ids:
        return None
    try:
        return int(services().app.repository.get(ids[0]).version)
    except Exception:  # noqa: BLE001 - the version is a courtesy: the answer stands without it
        log.exception("version of %s after a write", ids[0])
        return None
