"""Audit pages and JSON (issue 5): history of every aggregate, its state at a point, text
diffs of proposals, the whole log paged, and a verification of the hash chain.

- ``/audit``: the stored chain head and the aggregates, in order of creation;
- ``/audit/aggregates/<id>`` (``.json`` or ``?format=json``): the aggregate's state (at
  ``?version=N``, ``?at=ISO-8601`` recorded instant, or ``?as_of=YYYY-MM-DD`` effective
  date; latest by default) and its history;
- ``/audit/aggregates/<id>/diff?from=A&to=B`` (``format=json|text``): word-level diff of a
  proposal's text between two versions;
- ``/audit/log`` (``.json``): the log from ``?after=POSITION``, ``?limit=`` (1 to 500);
- ``/audit/verify`` (``.json``): the chain verified from the last head this process
  verified, cached by head (no checkpoints, no re-check of earlier events: see the CLI);
- ``/audit/checkpoint``, ``/audit/key``: the latest signed checkpoint of the transparency
  log and its signer's verifier key, as ``text/plain``;
- ``/audit/leaf?position=P``, ``/audit/proof/inclusion?index=N&size=S``,
  ``/audit/proof/consistency?old=M&new=S``: the transparency log's leaves and proofs, JSON
  with base64 hashes (:mod:`application.tlog.proofs`).

Every viewer may read these pages; personal fields and who took which position show as
``[redacted]`` except to auditors (demo mode: acting as an auditor). Unknown ids and
versions past the end answer 404 with a clear message, bad parameters 400.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from application.audit import AuditReader, IncrementalVerifier
from application.audit.history import StateAtPoint, UnreadableHistoryError
from application.tlog import proofs
from application.tlog.signing import latest_checkpoint
from application.tlog.witnesses import cosignature_lines
from domain.errors import DomainError, InvalidInputError, NotFoundError
from web.i18n import current_language, refusal_words
from web.labels import AGGREGATE_LABELS, aggregate_label
from web.pages.common import BIDI_CONTROLS, install, load_viewer, services
from web.query import QueryArgumentError, choice_arg, int_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")
install(bp)

PAGE = 50
JSON_ONLY = ("/audit/leaf", "/audit/proof/")  # JSON documents, errors included


def _reader() -> AuditReader:
    return AuditReader(services().app)


def _auditor() -> bool:
    return load_viewer().reveals_personal_in_history


def _json_wanted(suffix: str | None = None) -> bool:
    return suffix == ".json" or request.args.get("format") == "json"


class AddressError(InvalidInputError):
    """A refusal of the address's own arguments (``invalid_input``): the English ``message``
    the JSON documents keep, and its ``words`` in the reader's language for the pages."""

    def __init__(self, message: str, field: str, words: str) -> None:
        super().__init__(message, code="invalid_input", field=field)
        self.words = words


def refusal_page_words(e: DomainError) -> str:
    """The refusal of an audit page in the reader's language: the address's own words, the
    reader's unknown aggregate, version or point named, or the rule's words
    (:func:`web.i18n.refusal_words`) for any other."""
    if isinstance(e, AddressError):
        return e.words
    aggregate = (request.view_args or {}).get("aggregate_id", "")
    if isinstance(e, NotFoundError) and e.code == "not_found" and current_language() != "en":
        if e.field == "id":
            return _("No aggregate with id %(id)s.", id=repr(aggregate))
        if e.field == "version" and e.limit is not None:
            return _("Aggregate %(id)s has versions 1 to %(last)s; there is no such version.", id=aggregate, last=e.limit)
        if e.field in ("at", "as_of"):
            return _("Aggregate %(id)s did not exist yet at %(point)s.", id=aggregate, point=request.args.get(e.field, ""))
    return refusal_words(e)


def _point_args() -> dict[str, Any]:
    out: dict[str, Any] = {"version": int_arg("version")}
    at, as_of = request.args.get("at"), request.args.get("as_of")
    if at:
        try:
            t = datetime.fromisoformat(at)
        except ValueError as e:
            raise AddressError(f"at is an ISO-8601 instant (e.g. 2026-03-01T12:00:00Z), not {at!r}.", "at", _(
                "In the address, at is an instant written as 2026-03-01T12:00:00Z, not %(text)s.", text=repr(at))) from e
        t = t if t.tzinfo else t.replace(tzinfo=UTC)
        try:
            t.astimezone(UTC)
        except OverflowError as e:
            raise AddressError(f"at is out of range: {at!r}.", "at", _("In the address, the instant %(text)s is out of range.", text=repr(at))) from e
        out["at"] = t
    if as_of:
        try:
            out["as_of"] = date.fromisoformat(as_of)
        except ValueError as e:
            raise AddressError(f"as_of is a date (YYYY-MM-DD), not {as_of!r}.", "as_of", _(
                "In the address, as_of is a date written as YYYY-MM-DD, not %(text)s.", text=repr(as_of))) from e
    return out


def pretty(value: Any) -> str:
    """Plain data as indented JSON text (for <pre> blocks); a direction control typed in it
    shows as its escape (``\\u202e``), as an auditor needs to read it, never acting on the page."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return "".join(f"\\u{ord(c):04x}" if c in BIDI_CONTROLS else c for c in text)


@bp.errorhandler(DomainError)
def _refused(e: DomainError) -> tuple[Any, int]:
    status = 404 if isinstance(e, NotFoundError) else 400
    if _json_wanted(".json" if request.path.endswith(".json") or request.path.startswith(JSON_ONLY) else None):
        return jsonify(code=e.code, status=status, message=e.message, errors={e.field: [e.message]} if e.field else {}), status
    return render_template("audit/error.html", status=status, error=e, words=refusal_page_words(e)), status


# ---------------------------------------------------------------------------- pages
@bp.get("", strict_slashes=False)
def index() -> Any:
    reader = _reader()
    after = int_arg("after", 0) or 0
    kind = choice_arg("type", tuple(AGGREGATE_LABELS), aggregate_label)
    aggregates = reader.list_aggregates(after=after, limit=PAGE, type=kind)
    more = url_for(".index", after=aggregates[-1]["created_at_position"], type=kind) if len(aggregates) == PAGE else None
    return render_template("audit/index.html", head=reader.head(), aggregates=aggregates, kind=kind, more=more, auditor=_auditor())


@bp.get("/aggregates/<aggregate_id>")
@bp.get("/aggregates/<aggregate_id><any('.json'):suffix>")
def aggregate(aggregate_id: str, suffix: str | None = None) -> Any:
    reader = _reader()
    auditor = _auditor()
    point = _point_args()
    references = load_viewer().sees_names
    history = reader.history(aggregate_id, reveal_personal=auditor, reveal_references=references)
    state: StateAtPoint | None = None
    state_error = None
    try:
        state = reader.state(aggregate_id, reveal_personal=auditor, reveal_references=references, **point)
    except UnreadableHistoryError as e:
        state_error = e.message  # the history still shows, with the unreadable event marked
    if _json_wanted(suffix):
        return jsonify(state=state.as_dict() if state else None, state_error=state_error,
                       history={"id": history.id, "type": history.type, "version": history.version, "events": [e.as_dict() for e in history.events]})
    return render_template("audit/aggregate.html", state=state, state_error=state_error, history=history, auditor=auditor, pretty=pretty)


@bp.get("/lookup")
def lookup() -> Any:
    wanted = (request.args.get("id") or "").strip()
    if not wanted:
        raise AddressError("Give an aggregate id.", "id", _("Give an aggregate id."))
    return redirect(url_for(".aggregate", aggregate_id=wanted))


@bp.get("/aggregates/<aggregate_id>/diff")
def diff(aggregate_id: str) -> Any:
    reader = _reader()
    latest = reader.history(aggregate_id, reveal_personal=True).version
    a = int_arg("from", max(1, latest - 1), low=1) or 1
    b = int_arg("to", latest, low=1) or latest
    diffs = reader.text_diff(aggregate_id, a, b)
    fmt = request.args.get("format")
    if fmt == "json":
        return jsonify(id=aggregate_id, **{"from": a, "to": b}, fields=[d.as_dict() for d in diffs])
    if fmt == "text":
        body = "".join(d.unified for d in diffs) or f"No change in the text between versions {a} and {b}.\n"
        return Response(body, mimetype="text/plain")
    return render_template("audit/diff.html", id=aggregate_id, a=a, b=b, latest=latest, diffs=diffs)


@bp.get("/log")
@bp.get("/log<any('.json'):suffix>")
def log(suffix: str | None = None) -> Any:
    reader = _reader()
    after = int_arg("after", 0) or 0
    limit = int_arg("limit", PAGE, low=1, high=500) or PAGE
    entries = reader.log_page(after=after, limit=limit, reveal_personal=_auditor(), reveal_references=load_viewer().sees_names)
    next_after = entries[-1]["position"] if len(entries) == limit else None
    if _json_wanted(suffix):
        return jsonify(after=after, limit=limit, next_after=next_after, entries=entries)
    # The position cursor stays (?after=); the document names its neighbours like any list's pages.
    pager = {
        "prev_url": url_for(".log", after=max(after - limit, 0), limit=limit) if after > 0 else None,
        "next_url": url_for(".log", after=next_after, limit=limit) if next_after else None,
    }
    return render_template(
        "audit/log.html", entries=entries, after=after, limit=limit, next_after=next_after, pretty=pretty, auditor=_auditor(), pager=pager,
    )


@bp.get("/verify")
@bp.get("/verify<any('.json'):suffix>")
def verify(suffix: str | None = None) -> Any:
    """The chain verified from the last head this process verified, cached by head
    (:class:`application.audit.IncrementalVerifier`); ``dialogue audit verify`` recomputes all."""
    verifier = current_app.extensions.setdefault("dialogue_chain_verifier", IncrementalVerifier())
    report = verifier.verify(services().app.engine)
    if _json_wanted(suffix):
        return jsonify(report.as_dict())
    return render_template("audit/verify.html", report=report)


# ---------------------------------------------------------------------------- transparency log
def _plain(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/plain")


@bp.get("/checkpoint")
def checkpoint() -> Any:
    """The latest signed checkpoint (C2SP tlog-checkpoint) with the cosignature lines of
    the witnesses who co-signed it, as ``text/plain``; ``X-Cosignatures`` says how many."""
    engine = services().app.engine
    cp = latest_checkpoint(engine)
    if cp is None:
        raise NotFoundError(_("No checkpoint has been signed yet."), code="no_checkpoint")
    lines = cosignature_lines(engine, cp.id)
    response = _plain(cp.note + "".join(lines))
    response.headers["X-Cosignatures"] = str(len(lines))
    return response


@bp.get("/key")
def key() -> Any:
    """The verifier key of the latest checkpoint's signer (``<name>+<key id>+<key>``)."""
    cp = latest_checkpoint(services().app.engine)
    if cp is None:
        raise NotFoundError(_("No checkpoint has been signed yet."), code="no_checkpoint")
    return _plain(cp.verifier_key + "\n")


def _number(name: str, *, required: bool = False) -> int | None:
    """A whole-number argument of the JSON documents; refusals stay JSON (400)."""
    try:
        value = int_arg(name)
    except QueryArgumentError as e:
        raise InvalidInputError(e.message, code="invalid_input", field=name) from e
    if value is None and required:
        raise InvalidInputError(f"{name} is required.", code="invalid_input", field=name)
    return value


def _required(name: str) -> int:
    value = _number(name, required=True)
    assert value is not None
    return value


@bp.get("/leaf")
def leaf() -> Any:
    """The leaf of the event at ``?position=P``: its index, entry and hash, and its proof's address."""
    data = proofs.leaf_of_position(services().app.engine, _required("position"))
    data["proof_url"] = url_for(".inclusion_proof", index=data["index"], size=data["tree_size"])
    return jsonify(data)


@bp.get("/proof/inclusion")
def inclusion_proof() -> Any:
    """The audit path of leaf ``?index=N`` in the tree of ``?size=S`` leaves (default: all)."""
    return jsonify(proofs.inclusion(services().app.engine, _required("index"), _number("size")))


@bp.get("/proof/consistency")
def consistency_proof() -> Any:
    """The proof that the tree of ``?old=M`` leaves is a prefix of that of ``?new=S`` (default: all)."""
    return jsonify(proofs.consistency(services().app.engine, _required("old"), _number("new")))
