"""Look-up tables of the log (issue 14): the participants' references, each comment's
discussion and the indicators' references, written with their events in the events' transaction (:class:`application.persistence.DialogueRecorder`,
and by ``dialogue import``), so that the reference check and finding a comment's discussion are
one indexed look-up each, not a read of every registration or comment in the log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from application.tables import comment_index_table, indicator_reference_table, reference_index_table

PARTICIPANT_REGISTERED = "domain.participant:Participant.Registered"
COMMENT_POSTED = "domain.discussion:Discussion.CommentPosted"
INDICATOR_DEFINED = "domain.commission:Indicator.Defined"
INDEXED_TOPICS = (PARTICIPANT_REGISTERED, COMMENT_POSTED, INDICATOR_DEFINED)
"""The topics :func:`index_registrations` indexes (``dialogue import`` passes their events)."""


def reference_key(reference: object) -> str:
    """The form references are compared in: without regard to case or surrounding spaces."""
    return str(reference or "").strip().casefold()[:200]


def index_registrations(conn: Connection | Session, events: Iterable[tuple[int, str, bytes, str]]) -> None:
    """Index the references of the registrations and of the indicators, and the comments'
    discussions, among ``events`` (position, topic, state, originator id)."""
    references: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    for position, topic, state, originator_id in events:
        if topic == PARTICIPANT_REGISTERED:
            references.append({"position": position, "reference_key": reference_key(json.loads(state).get("reference"))})
        elif topic == COMMENT_POSTED:
            comments.append({"comment_id": str(json.loads(state)["comment_id"]), "discussion_id": str(originator_id)})
        elif topic == INDICATOR_DEFINED:
            indicators.append({"position": position, "reference_key": reference_key(json.loads(state).get("reference"))})
    if references:
        conn.execute(insert(reference_index_table), references)
    if comments:
        conn.execute(insert(comment_index_table), comments)
    if indicators:
        conn.execute(insert(indicator_reference_table), indicators)


def discussion_of(conn: Connection, comment_id: str) -> str | None:
    """The id of the discussion comment ``comment_id`` was posted in (None if no such comment)."""
    t = comment_index_table
    v = conn.execute(select(t.c.discussion_id).where(t.c.comment_id == comment_id)).scalar()
    return None if v is None else str(v)


def reference_taken(conn: Connection, reference: str) -> bool:
    """Whether a registered participant has ``reference`` (compared by :func:`reference_key`)."""
    t = reference_index_table
    return conn.execute(select(t.c.position).where(t.c.reference_key == reference_key(reference)).limit(1)).first() is not None


def indicator_reference_taken(conn: Connection, reference: str) -> bool:
    """Whether a defined indicator has ``reference`` (compared by :func:`reference_key`; an
    empty reference is never taken)."""
    key = reference_key(reference)
    t = indicator_reference_table
    return bool(key) and conn.execute(select(t.c.position).where(t.c.reference_key == key).limit(1)).first() is not None
