"""Look-up tables of the log (issue 14): the participants' references, each comment's
discussion, the indicators' references, the seats of the elections not closed and each
input's call, written with their events in the events' transaction (:class:`application.persistence.DialogueRecorder`,
and by ``dialogue import``), so that the reference check and finding a comment's discussion are
one indexed look-up each, not a read of every registration or comment in the log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy_utils.types.uuid import UUIDType

from application.tables import (
    EVENTS_TABLE,
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

# The library's events table, described again for the replay of the elections' openings
# and closings (:func:`_pass_on`); its own metadata, so nothing creates it here.
_events = Table(
    EVENTS_TABLE,
    MetaData(),
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("originator_id", UUIDType()),
    Column("topic", Text()),
    Column("state", LargeBinary()),
)


def reference_key(reference: object) -> str:
    """The form references are compared in: without regard to case or surrounding spaces."""
    return str(reference or "").strip().casefold()[:200]


def index_registrations(conn: Connection | Session, events: Iterable[tuple[int, str, bytes, str]], *, whole_log: bool = False) -> None:
    """Index the references of the registrations and of the indicators, the comments'
    discussions, the open elections' seats and the inputs' calls, among ``events``
    (position, topic, state, originator id; in the log's order).

    A new opening of a seat already open fails on the seats' key (two openings at once:
    the second command is refused), and so does a second definition of an indicator
    reference or a second registration of a participant reference. ``whole_log``: ``events``
    are a whole log going into empty tables (an import), perhaps written before those keys, so
    holding such pairs; then the earliest open election holds each seat (:func:`held_seats`,
    as migration 0015 does) and the first definition or registration keeps its reference (as
    migrations 0016 and 0017 do), instead of refusing the log.
    Both are done within this one call: the log must come whole in one call (as
    :func:`application.export.import_log` passes it), or a later call would meet the rows of
    an earlier one on the keys."""
    references: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    inputs: list[dict[str, Any]] = []
    elections: list[tuple[str, bytes, str]] = []
    for position, topic, state, originator_id in events:
        if topic in (ELECTION_OPENED, ELECTION_CLOSED):
            if whole_log:
                elections.append((topic, state, str(originator_id)))
            else:
                # In order: an election opened and closed in one save leaves no row.
                _flush_seats(conn, topic, state, str(originator_id), position)
            continue
        if topic == PARTICIPANT_REGISTERED:
            references.append({"position": position, "reference_key": reference_key(json.loads(state).get("reference"))})
        elif topic == COMMENT_POSTED:
            comments.append({"comment_id": str(json.loads(state)["comment_id"]), "discussion_id": str(originator_id)})
        elif topic == INDICATOR_DEFINED:
            indicators.append({"position": position, "reference_key": reference_key(json.loads(state).get("reference"))})
        elif topic == INPUT_SUBMITTED:
            inputs.append({"input_id": str(json.loads(state)["input_id"]), "call_id": str(originator_id)})
    if references and whole_log:
        references = _first_of_each_key(references)
    if references:
        conn.execute(insert(reference_index_table), references)
    if comments:
        conn.execute(insert(comment_index_table), comments)
    if indicators and whole_log:
        indicators = _first_of_each_key(indicators)
    if indicators:
        conn.execute(insert(indicator_reference_table), indicators)
    if inputs:
        conn.execute(insert(input_calls_table), inputs)
    seats = [{"table_code": t, "seat": s, "election_id": e} for (t, s), e in held_seats(elections).items()]
    if seats:
        conn.execute(insert(open_election_seats_table), seats)


def _first_of_each_key(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first row (in the log's order) of each reference key: an old log may hold a
    reference registered or defined twice, from before the keys were unique."""
    first: dict[str, dict[str, Any]] = {}
    for row in found:
        first.setdefault(row["reference_key"], row)
    return list(first.values())


def _flush_seats(conn: Connection | Session, topic: str, state: bytes, election_id: str, position: int) -> None:
    """An opening's seats in (the seats' key refuses a seat open twice), a closing's out:
    each seat the closing election held goes to the next election not closed that opened
    it too, if any (:func:`_pass_on`)."""
    t = open_election_seats_table
    if topic == ELECTION_CLOSED:
        freed = [(str(a), str(b)) for a, b in conn.execute(select(t.c.table_code, t.c.seat).where(t.c.election_id == election_id))]
        if freed:
            conn.execute(delete(t).where(t.c.election_id == election_id))
            _pass_on(conn, freed, position)
        return
    opened = json.loads(state)
    rows = [{"table_code": str(opened["table"]), "seat": str(seat), "election_id": election_id} for seat in opened["seats"]]
    if rows:
        conn.execute(insert(t), rows)


def _pass_on(conn: Connection | Session, freed: Iterable[tuple[str, str]], position: int) -> None:
    """Give each of the ``freed`` seats (table, seat), just let go by the election closed at
    ``position``, to the election that holds it after the log up to there (:func:`held_seats`).

    Only a log written before the seats' key can hold a seat opened by two elections at once
    (migration 0015 and ``dialogue import`` give it to the earliest); when that one closes, the
    other, still open, must guard the seat, or a third opening would be let through. Which
    elections opened a seat is in the log only, so this replays every ``Election.Opened`` and
    ``Election.Closed`` up to ``position`` (an index range of the events' topic index, read
    at each closing, found or not): elections are rare (a few per table a year), so the cost
    is a few rows per closing; the new events of the same save after ``position`` are left
    to their own turn."""
    e = _events
    log = conn.execute(
        select(e.c.topic, e.c.state, e.c.originator_id)
        .where(e.c.topic.in_([ELECTION_OPENED, ELECTION_CLOSED]), e.c.id <= position)
        .order_by(e.c.id),
    )
    holders = held_seats((str(topic), bytes(state), str(election)) for topic, state, election in log)
    rows = [{"table_code": t, "seat": s, "election_id": holder} for t, s in freed if (holder := holders.get((t, s))) is not None]
    if rows:
        conn.execute(insert(open_election_seats_table), rows)


def held_seats(events: Iterable[tuple[str, bytes, str]]) -> dict[tuple[str, str], str]:
    """(table, seat) → the election holding it after ``events`` (topic, state, election id
    of the openings and closings, in the log's order): of the elections that opened the seat
    and are not closed, the earliest. A log written before the seats' key may hold a seat
    opened twice at once; when the first of the two closes, the second still holds it."""
    openers: dict[tuple[str, str], dict[str, None]] = {}  # a seat's open elections, in the log's order
    opened_by: dict[str, list[tuple[str, str]]] = {}
    for topic, state, election in events:
        if topic == ELECTION_CLOSED:
            for seat in opened_by.pop(election, []):
                openers[seat].pop(election, None)
            continue
        opened = json.loads(state)
        for name in opened["seats"]:
            seat = (str(opened["table"]), str(name))
            openers.setdefault(seat, {})[election] = None
            opened_by.setdefault(election, []).append(seat)
    return {seat: next(iter(holders)) for seat, holders in openers.items() if holders}


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
