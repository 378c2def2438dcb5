"""Look-up tables of the log (issue 14): the participants' references, each comment's
discussion, the indicators' references, the seats of the elections not closed and each
input's call, written with their events in the events' transaction (:class:`application.persistence.DialogueRecorder`,
and by ``dialogue import``), so that the reference check and finding a comment's discussion are
one indexed look-up each, not a read of every registration or comment in the log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from application.tables import (
    comment_index_table,
    indicator_reference_table,
    input_calls_table,
    open_election_seats_table,
    reference_index_table,
)

PARTICIPANT_REGISTERED = "domain.participant:Participant.Registered"
COMMENT_POSTED = "domain.discussion:Discussion.CommentPosted"
INDICATOR_DEFINED = "domain.commission:Indicator.Defined"
ELECTION_OPENED = "domain.election:Election.Opened"
ELECTION_CLOSED = "domain.election:Election.Closed"
INPUT_SUBMITTED = "domain.open_call:OpenCall.InputSubmitted"
INDEXED_TOPICS = (PARTICIPANT_REGISTERED, COMMENT_POSTED, INDICATOR_DEFINED, ELECTION_OPENED, ELECTION_CLOSED, INPUT_SUBMITTED)
"""The topics :func:`index_registrations` indexes (``dialogue import`` passes their events)."""


def reference_key(reference: object) -> str:
    """The form references are compared in: without regard to case or surrounding spaces."""
    return str(reference or "").strip().casefold()[:200]


def index_registrations(conn: Connection | Session, events: Iterable[tuple[int, str, bytes, str]], *, first_opening_keeps_seat: bool = False) -> None:
    """Index the references of the registrations and of the indicators, the comments'
    discussions, the open elections' seats and the inputs' calls, among ``events``
    (position, topic, state, originator id; in the log's order).

    A new opening of a seat already open fails on the seats' key (two openings at once:
    the second command is refused). ``first_opening_keeps_seat`` (an import of a log
    written before that key, which may hold such a pair) keeps the first, as migration
    0014 does."""
    references: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    inputs: list[dict[str, Any]] = []
    for position, topic, state, originator_id in events:
        if topic in (ELECTION_OPENED, ELECTION_CLOSED):
            # In order: an election opened and closed in one save leaves no row.
            _flush_seats(conn, topic, state, str(originator_id), first_opening_keeps_seat)
            continue
        if topic == PARTICIPANT_REGISTERED:
            references.append({"position": position, "reference_key": reference_key(json.loads(state).get("reference"))})
        elif topic == COMMENT_POSTED:
            comments.append({"comment_id": str(json.loads(state)["comment_id"]), "discussion_id": str(originator_id)})
        elif topic == INDICATOR_DEFINED:
            indicators.append({"position": position, "reference_key": reference_key(json.loads(state).get("reference"))})
        elif topic == INPUT_SUBMITTED:
            inputs.append({"input_id": str(json.loads(state)["input_id"]), "call_id": str(originator_id)})
    if references:
        conn.execute(insert(reference_index_table), references)
    if comments:
        conn.execute(insert(comment_index_table), comments)
    if indicators:
        conn.execute(insert(indicator_reference_table), indicators)
    if inputs:
        conn.execute(insert(input_calls_table), inputs)


def _flush_seats(conn: Connection | Session, topic: str, state: bytes, election_id: str, first_keeps: bool = False) -> None:
    """An opening's seats in, a closing's out (the seats' key refuses a seat open twice,
    unless ``first_keeps``: then a seat already open stays with its first election)."""
    t = open_election_seats_table
    if topic == ELECTION_CLOSED:
        conn.execute(delete(t).where(t.c.election_id == election_id))
        return
    opened = json.loads(state)
    rows = [{"table_code": str(opened["table"]), "seat": str(seat), "election_id": election_id} for seat in opened["seats"]]
    if first_keeps and rows:
        taken = set(conn.execute(select(t.c.seat).where(t.c.table_code == str(opened["table"]))).scalars())
        rows = [r for r in rows if r["seat"] not in taken]
    if rows:
        conn.execute(insert(t), rows)


def open_election_ids(conn: Connection, table: str) -> list[str]:
    """The ids of ``table``'s elections not closed yet."""
    t = open_election_seats_table
    return list(dict.fromkeys(str(i) for i in conn.execute(select(t.c.election_id).where(t.c.table_code == table).order_by(t.c.seat)).scalars()))


def call_of(conn: Connection, input_id: str) -> str | None:
    """The id of the call input ``input_id`` was sent to (None if no such input)."""
    t = input_calls_table
    v = conn.execute(select(t.c.call_id).where(t.c.input_id == input_id)).scalar()
    return None if v is None else str(v)


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
