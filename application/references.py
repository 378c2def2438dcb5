"""The participants' references as an indexed table (issue 14): written with each
registration in the events' transaction (:class:`application.persistence.DialogueRecorder`,
and by ``dialogue import``), so that the reference check is one look-up, not a read of every
registration in the log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from application.tables import reference_index_table

PARTICIPANT_REGISTERED = "domain.participant:Participant.Registered"


def reference_key(reference: object) -> str:
    """The form references are compared in: without regard to case or surrounding spaces."""
    return str(reference or "").strip().casefold()[:200]


def index_registrations(conn: Connection | Session, events: Iterable[tuple[int, str, bytes]]) -> None:
    """Index the references of the registrations among ``events`` (position, topic, state)."""
    rows: list[dict[str, Any]] = [
        {"position": position, "reference_key": reference_key(json.loads(state).get("reference"))}
        for position, topic, state in events if topic == PARTICIPANT_REGISTERED
    ]
    if rows:
        conn.execute(insert(reference_index_table), rows)


def reference_taken(conn: Connection, reference: str) -> bool:
    """Whether a registered participant has ``reference`` (compared by :func:`reference_key`)."""
    t = reference_index_table
    return conn.execute(select(t.c.position).where(t.c.reference_key == reference_key(reference)).limit(1)).first() is not None
