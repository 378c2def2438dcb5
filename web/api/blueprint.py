"""The API's blueprint: flask-smorest's, with two of its features shaped for this service.

- **Pages** (``@bp.paginate()``, ``?page=N&page_size=M``, at most 100 a page): each page
  carries a ``Link`` header (``first``, ``prev``, ``next``, ``last``, other query arguments
  kept) and the total in ``X-Total-Count`` (instead of flask-smorest's ``X-Pagination``, a
  JSON object that the document cannot describe as a header). The view counts and cuts in the
  database in a stable order, then sets ``pagination_parameters.item_count``.
- **ETags**: a resource's ETag is its aggregate version (``ETag: "7"``), set with
  :meth:`Blueprint.set_version`; ``If-None-Match`` answers 304. ``If-Match`` on writes is
  read by :mod:`web.api.commands` (the writes are ``POST`` actions, which flask-smorest's
  own check does not cover).
- **Writes** (:meth:`Blueprint.write`): one decorator gives every write its route, its
  ``Idempotency-Key`` (:mod:`web.api.idempotency`), its body's schema, its answer and the
  documented error statuses and headers (``If-Match`` required, accepted or not read).
- **Reads** (:meth:`Blueprint.route` of a ``GET``) refuse a query parameter they do not
  declare (:mod:`web.api.parameters`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import urlencode

import flask_smorest
from flask import Response, g, request
from flask_smorest import abort

from domain.errors import DomainError, NotAllowedError
from web.api.commands import ACCEPTED, IF_MATCH, IF_MATCH_OPTIONAL, REQUIRED, ViewsBehindError
from web.api.commands import if_match as read_if_match
from web.api.errors import (
    ErrorSchema,
    ViewsBehindSchema,
    domain_error_response,
    views_behind_response,
)
from web.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from web.api.idempotency import idempotent
from web.api.parameters import known_parameters, refuse_unknown_parameters
from web.api.problems import Content, refuse_every_problem
from web.json_body import UNREAD, Parser, request_json

LINK_HEADER = {
    "description": "Links to the first, previous, next and last pages (RFC 8288), other query arguments kept.",
    "schema": {"type": "string"},
}
TOTAL_HEADER = {"description": "The number of items over all pages.", "schema": {"type": "integer"}}
# What any write may answer besides its success (the one error shape); 412 and 428 follow If-Match;
# 409 and 422 are documented apart (WRITE_CONFLICT, WRITE_INVALID), naming the Idempotency-Key's codes.
WRITE_ERRORS = (400, 401, 403, 404, 413, 429)
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "true: the answer of the first request with this Idempotency-Key, sent again; the write was not applied again.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
WRITE_CONFLICT = ("The state of the mechanism refuses the command (the rule's code, e.g. proposal_not_editable, stale_version), "
                  "or request_in_progress: a request with this Idempotency-Key is being applied (retry to read its answer).")
WRITE_INVALID = ("The body breaks the document's schema or a rule (invalid_input, the rules' codes, unexpected_body), "
                 "or idempotency_key_reused: this Idempotency-Key was used for another request (method, address or body).")
NOT_KEPT = ("answer_not_kept: a retry with the Idempotency-Key of a write already applied, whose first answer is no longer kept "
            "(an erasure of a person's data drops them): the write is not applied again; read the resource at Location.")
NOT_KEPT_HEADERS = {"Location": {"description": "The resource the write created or changed.", "schema": {"type": "string"}}, **REPLAYED_HEADER}
NOT_JSON = "Send the body as JSON, with Content-Type: application/json."
NO_BODY_MESSAGE = "This write takes no body: send none (or {})."
# The body of a write that takes none, as the document states it: none, or an empty object.
NO_BODY = {
    "required": False,
    "description": "This write takes no body: send none, or {}. Any other body is refused: 415 when it is not "
                   "JSON, 422 unexpected_body when it is.",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": False, "maxProperties": 0}}},
}


def refuse_a_body() -> None:
    """For a write that takes no body: 422 ``unexpected_body`` for a JSON body other than
    ``{}`` (400 ``invalid_json`` for one that does not read); return for none (or only white
    space) or ``{}``."""
    if not request.get_data(cache=True).strip():  # none, or only white space (a newline a client adds): none
        return
    value = request_json()
    if value is UNREAD:  # not JSON, or not in UTF-8
        abort(400, code="invalid_json", message="The body is not JSON.", errors={"json": ["The body is not JSON."]})
    if value != {}:
        abort(422, code="unexpected_body", message=NO_BODY_MESSAGE, errors={"json": [NO_BODY_MESSAGE]})
def sent_as_json() -> bool:
    """The body is sent as the document says: ``Content-Type: application/json``, with no
    parameter but ``charset=utf-8`` (any case). Another JSON type (``application/problem+json``)
    or charset is 415 ``unsupported_media_type``: the body is read as UTF-8 JSON only."""
    if request.mimetype != "application/json":
        return False
    return all(k.lower() == "charset" and v.lower() == "utf-8" for k, v in request.mimetype_params.items())


__all__ = ["ACCEPTED", "REQUIRED", "Blueprint", "one_page"]


def _views_behind(error: ViewsBehindError) -> Response:
    """A write saved whose views did not reach it in time: 202, never a 404 or the old resource."""
    return views_behind_response(error.location, error.version)


VIEWS_BEHIND_HEADERS = {
    "Location": {"description": "The resource the write changed or created.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds after which reading it should show the write.", "schema": {"type": "integer"}},
}


def _domain_error(error: DomainError) -> Response:
    """A refusal of the mechanism in the one error shape (401 when nobody is signed in)."""
    from web.identity import current_identity

    return domain_error_response(error, anonymous=current_identity().is_anonymous)


class Version:
    """An aggregate version used as an ETag (plain data, not hashed)."""

    def __init__(self, version: int) -> None:
        self.version = int(version)


T = TypeVar("T")
FAR = 10**9  # an offset no list reaches: answered empty without asking the database to skip it


def one_page(pagination: Any, fetch: Callable[[int, int], tuple[list[T], int]]) -> list[T]:
    """The page ``pagination`` asks for, from ``fetch(limit, offset)`` → (items, total over
    all pages); sets the total on ``pagination``. A page past the last one is empty."""
    far = pagination.first_item > FAR
    items, total = fetch(1 if far else pagination.page_size, 0 if far else pagination.first_item)
    pagination.item_count = total
    return [] if far else items


def page_url(number: int, page_size: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "page_size")]
    args += [("page", str(number)), ("page_size", str(page_size))]
    return request.base_url + "?" + urlencode(args)


class Blueprint(flask_smorest.Blueprint):
    """A blueprint of ``/api/v1`` (one per area), named ``api_<area>`` beside the pages'
    blueprint of the area; its operations are tagged ``<area>`` in the document."""

    ARGUMENTS_PARSER = Parser()  # a body nested too deeply is a 400 (web/json_body.py)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register_error_handler(DomainError, _domain_error)
        self.register_error_handler(ViewsBehindError, _views_behind)

    @property
    def tag(self) -> str:
        return self.name.removeprefix("api_")

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None, **options: Any) -> Any:
        """flask-smorest's route; a read (``GET``) also refuses, before anything else, a query
        parameter its document does not declare (400 ``unknown_parameter``,
        :mod:`web.api.parameters`)."""
        register = super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)
        if set(options.get("methods") or ("GET",)) - {"GET", "HEAD"}:
            return register

        def decorate(view: Any) -> Any:
            known = known_parameters(view)

            @functools.wraps(view)
            def reading(*args: Any, **kwargs: Any) -> Any:
                refuse_unknown_parameters(known)
                return view(*args, **kwargs)

            return register(self.errors(400)(reading))

        return decorate

    @staticmethod
    def _generate_etag(etag_data: Any, extra_data: Any = None) -> str:
        if isinstance(etag_data, Version):
            return str(etag_data.version)
        return str(flask_smorest.Blueprint._generate_etag(etag_data, extra_data))

    def set_version(self, version: int) -> None:
        """Give the response the aggregate's ``version`` as its ETag (304 on ``If-None-Match``)."""
        self.set_etag(Version(version))

    def _set_pagination_metadata(self, page_params: Any, result: Any, headers: Any) -> tuple[Any, Any]:
        headers = {} if headers is None else headers
        meta = self._make_pagination_metadata(page_params.page, page_params.page_size, page_params.item_count)
        size = page_params.page_size
        links = []
        if meta.get("total_pages"):
            links.append(f'<{page_url(1, size)}>; rel="first"')
            if meta.get("previous_page"):
                links.append(f'<{page_url(meta["previous_page"], size)}>; rel="prev"')
            if meta.get("next_page"):
                links.append(f'<{page_url(meta["next_page"], size)}>; rel="next"')
            links.append(f'<{page_url(meta["last_page"], size)}>; rel="last"')
        if links:
            headers["Link"] = ", ".join(links)
        headers["X-Total-Count"] = str(meta["total"])
        return result, headers

    def write(self, rule: str, schema: Any, *, status: int = 200, body: Any = None, if_match: str | None = None,
              methods: tuple[str, ...] = ("POST",), before: Callable[..., None] | None = None,
              content: Content | None = None) -> Any:
        """A write at ``rule``: ``body`` the load schema of its JSON body (None: no body),
        answering ``status`` with ``schema``; ``if_match`` ``REQUIRED`` (412, 428),
        ``ACCEPTED`` (412) or None (not read), as :func:`web.api.commands.writing` then
        reads it; any ``Idempotency-Key`` makes it safe to retry.

        Before the body is read: nobody signed in is refused (401, without the body's
        problems), then ``before`` (called with the route's arguments) refuses someone who
        may not act (403), then a body that is not JSON is refused (415), then a required
        ``If-Match`` that is missing (428), before the body is checked (422). ``content``
        (:mod:`web.api.problems`) adds the content's problems to the 422 of a body that
        breaks the schema. A write that takes no body answers one other than ``{}`` at the
        same steps: 415 when it is not JSON, else 422 ``unexpected_body``
        (:func:`refuse_a_body`); the document says so (:data:`NO_BODY`)."""
        parameters = {REQUIRED: [IF_MATCH], ACCEPTED: [IF_MATCH_OPTIONAL], None: []}[if_match] + [IDEMPOTENCY_KEY]
        statuses = WRITE_ERRORS + ((412,) if if_match else ()) + (415,) + ((428,) if if_match == REQUIRED else ())

        def decorate(view: Any) -> Any:
            @functools.wraps(view)
            def declared(*args: Any, **kwargs: Any) -> Any:
                g.api_if_match = if_match  # read by web.api.commands.writing
                return view(*args, **kwargs)

            func = self.errors(*statuses)(self.doc(parameters=parameters)(declared))
            func = self.alt_response(409, schema=ErrorSchema, description=WRITE_CONFLICT)(func)
            func = self.alt_response(422, schema=ErrorSchema, description=WRITE_INVALID)(func)
            func = self.alt_response(303, schema=ErrorSchema, headers=NOT_KEPT_HEADERS, description=NOT_KEPT)(func)
            func = self.alt_response(202, schema=ViewsBehindSchema, headers=VIEWS_BEHIND_HEADERS,
                                     description="Saved, but the views have not reached it yet (views_behind): "
                                                 "read Location again after Retry-After seconds.")(func)
            func = self.response(status, schema, headers=REPLAYED_HEADER)(func)
            func = self.arguments(body)(func) if body is not None else self.doc(requestBody=NO_BODY)(func)
            parse = func

            @functools.wraps(parse)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                from web.identity import current_identity

                if current_identity().is_anonymous:
                    raise NotAllowedError("Sign in (a personal access token) to do this.", code="sign_in_required")
                if before is not None:
                    before(**kwargs)
                if request.get_data(cache=True) and not sent_as_json():
                    abort(415, code="unsupported_media_type", message=NOT_JSON if body is not None else NO_BODY_MESSAGE)
                if if_match == REQUIRED:
                    read_if_match(required=True)
                if body is None:
                    refuse_a_body()
                if body is not None and content is not None:
                    refuse_every_problem(body, content, kwargs)
                return parse(*args, **kwargs)

            return self.route(rule, methods=list(methods))(idempotent(guarded))

        return decorate

    def errors(self, *statuses: int) -> Any:
        """A decorator documenting the error answers (the one shape) an operation may give."""

        def decorate(func: Any) -> Any:
            for status in statuses:
                func = self.alt_response(status, response=HTTPStatus(status).name)(func)
            return func

        return decorate

    def _document_pagination_metadata(self, spec: Any, resp_doc: Any) -> None:
        resp_doc.setdefault("headers", {}).update({"Link": LINK_HEADER, "X-Total-Count": TOTAL_HEADER})
