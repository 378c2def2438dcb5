"""Health endpoints: ``/healthz`` (process up) and ``/readyz`` (database, views, chain)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import select, text

from application.persistence import chain_table

bp = Blueprint("health", __name__)
MAX_LAG = 1000


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    from web import services

    try:
        s = services()
        with s.app.engine.connect() as c:
            c.execute(text("SELECT 1"))
            head = c.execute(select(chain_table.c.position, chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1)).first()
        lag = s.projector.lag()
    except Exception as e:  # noqa: BLE001 - readiness reports any failure as not ready
        return jsonify(status="unavailable", error=type(e).__name__), 503
    ready = lag <= MAX_LAG
    body = {"status": "ready" if ready else "lagging", "projection_lag": lag, "chain_head": {"position": head[0], "hash": head[1]} if head else None}
    return jsonify(body), 200 if ready else 503
