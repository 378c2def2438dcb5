"""Each proposal's change mark: the position of the last event that changed a view row its
page shows, written in the transaction that writes those rows.

The proposal page keeps its reads per process (:func:`web.pages.common.kept_of_proposal`)
under its proposal's mark and the mark of everything else (:data:`ELSEWHERE`), read in one
statement, instead of every view's position: a write to another proposal leaves them valid.

An event is put on one proposal's mark when it concerns that proposal alone: its own
events (texts, co-authors, amendments, status, government responses and follow-ups), its
discussion's, its Liaison Table rounds', the agenda items, members' positions and decisions
of a session about it, an input of an open call linked to it. Every other event some
projection handles (a session scheduled or closed, an input moderated, an indicator, a
participant...) moves :data:`ELSEWHERE`: every proposal page is read again after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Engine, String, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from domain.deliberation import TableDeliberation
from domain.discussion import Discussion
from domain.endorsement import LiaisonEndorsement
from domain.open_call import OpenCall
from domain.proposal import Proposal
from projections.base import BigInt, Projection, text_id, topic
from projections.batch import batch_state
from projections.reads import read_one_statement

projection = Projection("proposal_marks")

# The mark of every event that concerns no one proposal.
ELSEWHERE = "*"

view_proposal_marks = projection.table(
    "proposal_marks",
    Column("subject", String(40), primary_key=True),  # a proposal's id, or ELSEWHERE
    Column("position", BigInt, nullable=False),
)
# The aggregates whose every event concerns one proposal: its discussion, its rounds.
view_proposal_mark_owners = projection.table(
    "proposal_mark_owners",
    Column("owner_id", String(40), primary_key=True),
    Column("proposal_id", String(40), nullable=False),
)

_MARKS = "proposal_marks"
_OWNER = select(view_proposal_mark_owners.c.proposal_id).where(view_proposal_mark_owners.c.owner_id == bindparam("owner_id"))


class _Marks:
    """The marks moved and the owners met in one batch of events (``owners`` to write, and
    ``found``: the owners read from the view, kept for the rest of the batch)."""

    def __init__(self) -> None:
        self.moved: dict[str, int] = {}
        self.owners: dict[str, str] = {}
        self.found: dict[str, str | None] = {}


@lru_cache(maxsize=4)
def _upsert(dialect: str) -> Any:
    """``INSERT … ON CONFLICT (subject) DO UPDATE SET position``: one statement per batch."""
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(view_proposal_marks)
    return statement.on_conflict_do_update(index_elements=["subject"], set_={"position": statement.excluded.position})


def _write(s: Session, marks: _Marks) -> None:
    if marks.moved:
        upsert = _upsert(s.get_bind().dialect.name)
        s.execute(upsert, [{"subject": k, "position": v} for k, v in marks.moved.items()])
    if marks.owners:
        s.execute(insert(view_proposal_mark_owners), [{"owner_id": k, "proposal_id": v} for k, v in marks.owners.items()])


def _new_marks(s: Session) -> _Marks:
    return _Marks()


def _marks(s: Session) -> _Marks:
    return batch_state(s, _MARKS, _new_marks, _write)


def _move(s: Session, subject: str, position: int) -> None:
    _marks(s).moved[subject] = position


def _owned(s: Session, owner_id: str, position: int) -> None:
    marks = _marks(s)
    pid = marks.owners.get(owner_id)
    if pid is None:
        if owner_id not in marks.found:
            found = s.execute(_OWNER, {"owner_id": owner_id}).scalar()
            marks.found[owner_id] = None if found is None else str(found)
        pid = marks.found[owner_id]
    _move(s, ELSEWHERE if pid is None else pid, position)


@projection.on(*(topic(Proposal, n) for n in (
    "Drafted", "Revised", "CoAuthorAdded", "CoAuthorRemoved", "AmendmentProposed", "AmendmentAccepted", "AmendmentRejected",
    "AmendmentWithdrawn", "Submitted", "Withdrawn", "PutOnAgenda", "Adopted", "ReturnedForRevision", "Rejected",
    "PutToLiaisonTable", "Endorsed", "NotEndorsed", "PublishedToGovernments", "GovernmentResponseRecorded", "FollowUpRecorded",
)))
def of_the_proposal(s: Session, e: Any, position: int) -> None:
    # A proposal's revision, the most frequent event of a long history: its id's text is
    # the one the proposals' and the search's handlers asked for just before (text_id).
    _marks(s).moved[text_id(e.originator_id)] = position


@projection.on(topic(TableDeliberation, "AgendaItemAdded"), topic(TableDeliberation, "PositionRecorded"), topic(TableDeliberation, "DecisionRecorded"))
@projection.on(topic(OpenCall, "InputLinked"))
def naming_the_proposal(s: Session, e: Any, position: int) -> None:
    _move(s, str(e.proposal_id), position)


@projection.on(topic(Discussion, "Started"), topic(LiaisonEndorsement, "Opened"))
def owned_by_the_proposal(s: Session, e: Any, position: int) -> None:
    _marks(s).owners[str(e.originator_id)] = str(e.proposal_id)
    _move(s, str(e.proposal_id), position)


@projection.on(
    topic(Discussion, "CommentPosted"), topic(Discussion, "CommentEdited"), topic(Discussion, "CommentHidden"),
    topic(LiaisonEndorsement, "VoteRecorded"), topic(LiaisonEndorsement, "UnAdviceRecorded"), topic(LiaisonEndorsement, "Closed"),
)
def of_an_owned_aggregate(s: Session, e: Any, position: int) -> None:
    _owned(s, str(e.originator_id), position)


def elsewhere(s: Session, e: Any, position: int) -> None:
    _move(s, ELSEWHERE, position)


def follow(topics: Iterable[str]) -> None:
    """Handle every topic of ``topics`` (those the other projections handle): an event of a
    proposal, of its discussion or of its rounds not named above on that proposal's mark,
    any other on :data:`ELSEWHERE`."""
    for t in sorted(topics):
        if t in projection.handlers:
            continue
        if t.startswith(topic(Proposal, "")):
            projection.handlers[t] = of_the_proposal
        elif t.startswith((topic(Discussion, ""), topic(LiaisonEndorsement, ""))):
            projection.handlers[t] = of_an_owned_aggregate
        else:
            projection.handlers[t] = elsewhere


_MARKS_OF = select(view_proposal_marks.c.subject, view_proposal_marks.c.position).where(
    view_proposal_marks.c.subject.in_(bindparam("subjects", expanding=True)),
)


def marks_of(engine: Engine, proposal_id: str) -> tuple[int, int]:
    """The mark of ``proposal_id`` and :data:`ELSEWHERE`'s (0 for none), in one statement
    (without a transaction, made again on a connection found closed:
    :func:`projections.reads.read_one_statement`)."""
    subjects = {"subjects": [proposal_id, ELSEWHERE]}
    found = read_one_statement(engine, lambda c: {str(k): int(v) for k, v in c.execute(_MARKS_OF, subjects).tuples()})
    return found.get(proposal_id, 0), found.get(ELSEWHERE, 0)
