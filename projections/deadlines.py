"""The deadline job's view: the endorsement rounds still open, with their ``closes_on``
dates (``dialogue close-due``, :meth:`application.commands.liaison.LiaisonCommands.close_due`).

A round's row is written when it opens and deleted when it closes, so the job reads a few
rows instead of the log. The view may stand behind the log (a projection worker): the
job reads its tracking position first, then the rows, then the log's ``Opened`` and
``Closed`` events after that position (``dialogue_events`` has an index on topic).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Column, Date, Engine, delete, insert, select
from sqlalchemy.orm import Session

from domain.endorsement import LiaisonEndorsement
from projections.base import Id, Projection, topic

projection = Projection("open_rounds", version=1)

OPENED = topic(LiaisonEndorsement, "Opened")
CLOSED = topic(LiaisonEndorsement, "Closed")

view_open_rounds = projection.table(
    "open_rounds",
    Column("round_id", Id, primary_key=True),
    Column("proposal_id", Id, nullable=False),
    Column("closes_on", Date, nullable=False, index=True),
)


@projection.on(OPENED)
def round_opened(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_open_rounds).values(round_id=str(e.originator_id), proposal_id=e.proposal_id, closes_on=e.closes_on))


@projection.on(CLOSED)
def round_closed(s: Session, e: Any, position: int) -> None:
    s.execute(delete(view_open_rounds).where(view_open_rounds.c.round_id == str(e.originator_id)))


def open_rounds(engine: Engine) -> dict[str, date]:
    """Round id → ``closes_on`` of every round open in the view."""
    with engine.connect() as c:
        return {str(r): d for r, d in c.execute(select(view_open_rounds.c.round_id, view_open_rounds.c.closes_on))}


class OpenRoundsView:
    """What the deadline job reads: ``read()`` gives the view's tracking position (read
    first) and its open rounds; the job then applies the log's events after that position.

    Args:
        engine: the views database.
        position: the tracking position of this projection (``ViewProjector.positions``).
    """

    def __init__(self, engine: Engine, position: Callable[[], int]) -> None:
        self.engine = engine
        self.position = position

    def read(self) -> tuple[int, dict[str, date]]:
        # Position first: events applied between the two reads are read again from the
        # log, which is harmless (opening and closing a round are idempotent here).
        at = self.position()
        return at, open_rounds(self.engine)
