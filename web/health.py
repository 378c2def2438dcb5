"""Health endpoints for load balancers and orchestrators.

- ``GET /healthz``: the process is up and serves requests (200, no database access).
- ``GET /readyz``: the process can serve correct pages: the database answers, the read
  models are at most ``DIALOGUE_MAX_PROJECTION_LAG`` positions (default 1000) behind the
  log, and the hash chain's head is known and covers the log's last position. 200 with
  ``status: ready``; 503 with ``status`` one of ``unavailable`` (database or
  configuration), ``lagging`` (views too far behind: is ``dialogue projections run``
  running?) or ``chain_behind`` (the chain does not reach the last event); in a process
  that does not upgrade the database itself, ``upgrade_required`` while the database is
  behind the code (:mod:`web.database_shape`).

Body of ``/readyz`` (JSON)::

    {"status": "ready", "projection": {"position": 1840, "head": 1842, "lag": 2,
     "max_lag": 1000}, "chain_head": {"position": 1842, "hash": "<64 hex>"}}
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select

from application.persistence import chain_table
from web import database_shape
from web.services import services

bp = Blueprint("health", __name__)
log = logging.getLogger("dialogue.health")


@bp.get("/healthz")
def healthz() -> Any:
    """The process is up (never touches the database)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    """Ready when the database answers, the views are not lagging and the chain head is known."""
    try:
        s = services()
        events = s.app.dialogue_recorder.events_record_cls.__table__
        # One statement, so one snapshot: the log's last position and the chain's head agree.
        head_q = select(chain_table.c.position, chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1).subquery()
        with s.app.engine.connect() as c:
            last, head_position, head_hash = c.execute(
                select(
                    select(func.max(events.c.id)).scalar_subquery(),
                    select(head_q.c.position).scalar_subquery(),
                    select(head_q.c.hash).scalar_subquery(),
                )
            ).one()
        position = s.projector.position()
        max_lag = s.config.max_projection_lag
        behind = database_shape.behind(current_app)  # after the connection's own check
    except Exception as e:  # noqa: BLE001 - readiness reports any failure as not ready
        log.warning("not ready: %s: %s", type(e).__name__, e)
        return jsonify(status="unavailable", error=type(e).__name__), 503
    if behind:
        return database_shape.readiness_refusal(behind)
    last = int(last or 0)
    lag = max(0, last - position)
    chain_known = (head_position is None and last == 0) or (head_position is not None and int(head_position) == last)
    status = "ready"
    if not chain_known:
        status = "chain_behind"
    elif s.projector.failure is not None and lag > 0:
        status = "projection_failed"  # this process could not apply an event: no use waiting
    elif lag > max_lag:
        status = "lagging"
    body = {
        "status": status,
        "projection": {
            "position": position, "head": last, "lag": lag, "max_lag": max_lag,
            "failed_at": None if s.projector.failure is None else s.projector.failure[0],
        },
        "chain_head": None if head_position is None else {"position": int(head_position), "hash": head_hash},
    }
    return jsonify(body), 200 if status == "ready" else 503
