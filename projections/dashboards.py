"""The public dashboards' figures (issue 15, "Dashboards"): how far each proposal got and
when, and the queries the dashboards read (objectives × status, the pipeline per quarter,
sessions per table and quarter, government responses by state and status; participation is
read from the quarterly snapshots, application/participation.py).

A proposal's stages (``view_proposal_stages``): the day it first reached each step of the
pipeline — ``drafted``, ``submitted``, ``adopted``, ``endorsed``, ``published`` (the
events' effective dates) and ``answered`` (the date of the first government response).
The funnel of a quarter counts the proposals that reached each stage in that quarter.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Column, Date, Engine, String, select
from sqlalchemy.orm import Session

from domain.deliberation import quarter_of
from domain.proposal import Proposal
from projections.base import BigInt, Id, Projection, rows, topic
from projections.follow_up import view_government_responses
from projections.proposals import view_proposals
from projections.sessions import table_activity
from projections.statements import insert_row, select_first

projection = Projection("dashboards", version=1)

STAGES = ("drafted", "submitted", "adopted", "endorsed", "published", "answered")
STATUS_ORDER = (
    "draft", "submitted", "on_agenda", "returned_for_revision", "adopted", "under_liaison_review", "endorsed", "published",
    "not_endorsed", "rejected", "withdrawn",
)

view_proposal_stages = projection.table(
    "proposal_stages",
    Column("proposal_id", Id, primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("reached_on", Date, nullable=False),
    Column("quarter", String(8), nullable=False, index=True),
    Column("position", BigInt, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
def _reached(s: Session, e: Any, position: int, stage: str, on: Any) -> None:
    t = view_proposal_stages
    pid = str(e.originator_id)
    if select_first(s, t, ("stage",), proposal_id=pid, stage=stage) is None:
        insert_row(s, t, proposal_id=pid, stage=stage, reached_on=on, quarter=quarter_of(on), position=position)


_STAGE_OF_EVENT = {"Drafted": "drafted", "Submitted": "submitted", "Adopted": "adopted", "Endorsed": "endorsed", "PublishedToGovernments": "published"}


@projection.on(*(topic(Proposal, name) for name in _STAGE_OF_EVENT))
def stage_reached(s: Session, e: Any, position: int) -> None:
    _reached(s, e, position, _STAGE_OF_EVENT[type(e).__name__], e.effective_date)


@projection.on(topic(Proposal, "GovernmentResponseRecorded"))
def answered(s: Session, e: Any, position: int) -> None:
    _reached(s, e, position, "answered", e.response_date)


# ---------------------------------------------------------------------------- queries
def funnel(engine: Engine) -> list[dict[str, Any]]:
    """Per quarter (oldest first), how many proposals reached each stage in it:
    ``[{"quarter": "2026-Q1", "drafted": n, "submitted": n, …, "answered": n}]``."""
    t = view_proposal_stages
    counts = Counter((r["quarter"], r["stage"]) for r in rows(engine, select(t.c.quarter, t.c.stage)))
    quarters = sorted({q for q, _ in counts})
    return [{"quarter": q, **{s: counts[(q, s)] for s in STAGES}} for q in quarters]


def objectives_by_status(engine: Engine) -> dict[tuple[int, str], int]:
    """How many proposals name each GCM objective, by their current status:
    ``{(objective, status): n}`` (absent pairs are 0)."""
    p = view_proposals
    out: Counter[tuple[int, str]] = Counter()
    for r in rows(engine, select(p.c.objectives, p.c.status)):
        for n in set(r["objectives"]):
            out[(int(n), r["status"])] += 1
    return dict(out)


def sessions_by_table_and_quarter(engine: Engine) -> list[dict[str, Any]]:
    """Sessions scheduled and held per working table and quarter
    (:func:`projections.sessions.table_activity`): ``[{table, quarter, scheduled, held}]``."""
    return [{k: r[k] for k in ("table", "quarter", "scheduled", "held")} for r in table_activity(engine)]


def responses_by_state_and_status(engine: Engine) -> dict[tuple[str, str], int]:
    """Government responses recorded, by state (ISO code) and status: ``{(state, status): n}``."""
    r = view_government_responses
    return dict(Counter((x["country"], x["status"]) for x in rows(engine, select(r.c.country, r.c.status))))


