"""The discussion on proposals (issue 17, "Discussion on drafts"): every comment of every
proposal, with its edits and hiding (the ``Discussion`` aggregate).

A hidden comment's text stays in ``view_comments`` (for auditors): the queries' callers say
who sees it (:func:`thread` blanks it unless asked not to). Names are not here: a comment
names its author's participant id, and the pages decide whether to show a name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Integer,
    String,
    Text,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.discussion import Discussion
from projections.base import BigInt, Id, Projection, is_id, rows, topic

projection = Projection("discussion", version=1)

view_comments = projection.table(
    "comments",
    Column("id", Id, primary_key=True),
    Column("proposal_id", Id, nullable=False, index=True),
    Column("table_code", String(8), nullable=False),
    Column("author_id", Id, nullable=False),
    Column("reply_to", Id, nullable=True),
    Column("text", Text, nullable=False),
    Column("posted_on", Date, nullable=False),
    Column("edited_on", Date, nullable=True),
    Column("edits", Integer, nullable=False, default=0),
    Column("hidden_on", Date, nullable=True),
    Column("hidden_by", String(16), nullable=True),
    Column("hide_reason", Text, nullable=True),
    Column("position", BigInt, nullable=False),
)

# The table of each discussion (its ``Started`` event), so that a comment row carries it.
view_discussions = projection.table(
    "discussions",
    Column("id", Id, primary_key=True),
    Column("proposal_id", Id, nullable=False),
    Column("table_code", String(8), nullable=False),
)


# ---------------------------------------------------------------------------- handlers
@projection.on(topic(Discussion, "Started"))
def discussion_started(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_discussions).values(id=str(e.originator_id), proposal_id=e.proposal_id, table_code=e.table))


@projection.on(topic(Discussion, "CommentPosted"))
def comment_posted(s: Session, e: Any, position: int) -> None:
    d = s.execute(select(view_discussions).where(view_discussions.c.id == str(e.originator_id))).mappings().one()
    s.execute(insert(view_comments).values(
        id=e.comment_id, proposal_id=d["proposal_id"], table_code=d["table_code"], author_id=e.author, reply_to=e.reply_to,
        text=e.text, posted_on=e.effective_date, edits=0, position=position,
    ))


@projection.on(topic(Discussion, "CommentEdited"))
def comment_edited(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_comments).where(view_comments.c.id == e.comment_id).values(
        text=e.text, edited_on=e.effective_date, edits=view_comments.c.edits + 1,
    ))


@projection.on(topic(Discussion, "CommentHidden"))
def comment_hidden(s: Session, e: Any, position: int) -> None:
    s.execute(update(view_comments).where(view_comments.c.id == e.comment_id).values(
        hidden_on=e.effective_date, hidden_by=e.by, hide_reason=e.reason,
    ))


# ---------------------------------------------------------------------------- queries
# A proposal's comments, built once (bound parameter): its page reads them.
_COMMENTS_OF = select(view_comments).where(view_comments.c.proposal_id == bindparam("proposal_id")).order_by(view_comments.c.position)


def comments_of_proposal(engine: Engine, proposal_id: str, *, hidden_text: bool = False) -> list[dict[str, Any]]:
    """Every comment on a proposal, oldest first; a hidden comment's ``text`` is None
    unless ``hidden_text`` (auditors)."""
    found = rows(engine, _COMMENTS_OF, {"proposal_id": proposal_id})
    for c in found:
        c["hidden"] = c["hidden_on"] is not None
        if c["hidden"] and not hidden_text:
            c["text"] = None
    return found


def thread(engine: Engine, proposal_id: str, *, hidden_text: bool = False) -> list[dict[str, Any]]:
    """The comments on a proposal as a thread: each comment (oldest first) with its
    ``replies`` (oldest first)."""
    found = comments_of_proposal(engine, proposal_id, hidden_text=hidden_text)
    top = [dict(c, replies=[]) for c in found if c["reply_to"] is None]
    by_id = {c["id"]: c for c in top}
    for c in found:
        if c["reply_to"] is not None and c["reply_to"] in by_id:
            by_id[c["reply_to"]]["replies"].append(c)
    return top


def get_comment(engine: Engine, comment_id: str) -> dict[str, Any] | None:
    """One comment (its text even when hidden: the caller decides who sees it)."""
    if not is_id(comment_id):
        return None
    found = rows(engine, select(view_comments).where(view_comments.c.id == comment_id))
    return found[0] if found else None


def comment_count(engine: Engine, proposal_id: str) -> int:
    """How many comments a proposal has (hidden ones included)."""
    with engine.connect() as c:
        return int(c.execute(select(func.count()).where(view_comments.c.proposal_id == proposal_id)).scalar() or 0)


def proposal_of_discussion(engine: Engine, discussion_id: str) -> str | None:
    """The id of the proposal a discussion is about (None before its view has it)."""
    with engine.connect() as c:
        found = c.execute(select(view_discussions.c.proposal_id).where(view_discussions.c.id == discussion_id)).scalar()
    return None if found is None else str(found)
