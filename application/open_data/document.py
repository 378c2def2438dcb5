"""What a published recommendation's document for governments carries (issue 15, "A
document for governments"): the adopted text, its GCM objectives, the session that adopted
it with the tally, the Liaison Table's endorsement, the addressees it was published to,
and the provenance: the log position of its publication and the hash chain's value there.

Seam (issue 16): once the transparency log is on the main line, :func:`provenance` also
gives the publication's leaf index, the signed checkpoint that includes it and the link
to its inclusion proof; until then those are None and the document leaves them out.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from application.audit.log import events_table, stored_timestamp
from application.tables import chain_table
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views

PUBLISHED_TOPIC_SUFFIX = ":Proposal.PublishedToGovernments"


def provenance(log_engine: Engine, proposal_id: str) -> dict[str, Any] | None:
    """Where the recommendation's publication is in the log: ``{position, chain_hash,
    recorded_at, leaf_index, checkpoint, proof_url}`` (the last three None until the
    transparency log lands), or None when it was never published."""
    e = events_table.c
    with log_engine.connect() as c:
        found = c.execute(
            select(e.id, e.state).where(e.originator_id == UUID(proposal_id), e.topic.endswith(PUBLISHED_TOPIC_SUFFIX)).order_by(e.id)
        ).first()
        if found is None:
            return None
        position = int(found.id)
        chain_hash = c.execute(select(chain_table.c.hash).where(chain_table.c.position == position)).scalar()
    return {
        "position": position, "chain_hash": chain_hash, "recorded_at": stored_timestamp(bytes(found.state)),
        "leaf_index": None, "checkpoint": None, "proof_url": None,
    }


def recommendation_document(views: Engine, log_engine: Engine, proposal_id: str) -> dict[str, Any] | None:
    """Everything the document shows, as plain data, or None unless the recommendation is
    published (drafts and unpublished proposals have no document).

    ``{recommendation, session, decision, endorsement, provenance}``: ``recommendation``
    is the board's row (adopted text, objectives, recipients); ``session`` and
    ``decision`` the adopting session and its tally (counts only); ``endorsement`` the
    Liaison Table's closed round with its tally (counts only, never which seat).
    """
    rec = proposal_views.get_proposal(views, proposal_id)
    if rec is None or rec["status"] != "published":
        return None
    decision = next(
        (d for d in session_views.sessions_of_proposal(views, proposal_id) if d["decision"] == "adopt" and d["session_id"] == rec["adopted_session_id"]),
        None,
    )
    session = session_views.get_session(views, rec["adopted_session_id"]) if rec["adopted_session_id"] else None
    rounds = [r for r in liaison_views.endorsement_rounds(views, proposal_id) if r["outcome"] == "endorsed"]
    endorsement = None
    if rounds:
        r = rounds[-1]
        endorsement = {"closed_on": r["closed_on"], "version": r["version"], "tally": dict(r["tally"] or {})}
    return {
        "recommendation": rec,
        "session": session,
        "decision": None if decision is None else {"tally": dict(decision["tally"] or {}), "decided_on": decision["decided_on"], "version": decision["version"], "quorum": decision["quorum"]},
        "endorsement": endorsement,
        "provenance": provenance(log_engine, proposal_id),
    }
