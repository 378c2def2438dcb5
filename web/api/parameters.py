"""Query parameters of the API's reads: each read answers a parameter it does not read with
400 ``unknown_parameter`` naming it, never by ignoring it (``?stauts=adopted`` would list
everything). What an operation reads is what its document declares: the fields of its query
schema (``@bp.arguments(…, location="query")``) and, for a list in pages, ``page`` and
``page_size``; ``lang``, which every address reads for its messages, is never unknown. Each
parameter takes one value: one given twice is answered 400 ``repeated_parameter``."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import abort

ALWAYS_READ = ("lang",)


def _names(schema: Any) -> list[str]:
    instance = schema() if isinstance(schema, type) else schema
    if not isinstance(instance, ma.Schema):
        return []
    return [f.data_key or name for name, f in instance.fields.items() if not f.dump_only]


def known_parameters(view: Any) -> tuple[str, ...]:
    """The query parameters ``view`` (a flask-smorest view, its decorators applied) reads."""
    doc = getattr(view, "_apidoc", {})
    declared = [p for p in doc.get("arguments", {}).get("parameters", []) if isinstance(p, dict) and p.get("in") == "query"]
    paged = doc.get("pagination", {}).get("parameters")
    schemas = [p["schema"] for p in declared] + ([paged["schema"]] if paged else [])
    return tuple(dict.fromkeys(name for schema in schemas for name in _names(schema)))


def refuse_unknown_parameters(known: tuple[str, ...]) -> None:
    """400 ``unknown_parameter`` naming each query parameter of the request not in ``known``
    (nor ``lang``); return when there is none."""
    unknown = sorted(set(request.args) - set(known) - set(ALWAYS_READ))
    if not unknown:
        _refuse_repeated()
        return
    expected = ", ".join(known)
    reads = f"This address reads {expected} only" if known else "This address reads no query parameter"
    hint = f"Unknown parameter: use {expected}." if known else "Unknown parameter: this address reads none."
    named = ", ".join(name or '"" (a parameter without a name)' for name in unknown)
    abort(400, code="unknown_parameter", message=f"{reads}; remove {named}.",
          errors={"query": {name: [hint] for name in unknown}})


def _refuse_repeated() -> None:
    """400 ``repeated_parameter`` naming each query parameter given more than once (``lang``
    aside): every parameter an operation reads takes one value, and reading only the first
    (``?status=adopted&status=draft`` listed the adopted ones only) would ignore the rest."""
    repeated = sorted(name for name in set(request.args) - set(ALWAYS_READ) if len(request.args.getlist(name)) > 1)
    if repeated:
        abort(400, code="repeated_parameter", message=f"Give {', '.join(repeated)} once: each parameter here takes one value.",
              errors={"query": {name: ["Given more than once: give one value."] for name in repeated}})
