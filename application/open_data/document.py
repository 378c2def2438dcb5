"""What a published recommendation's document for governments carries (issue 15, "A
document for governments"): the adopted text, its GCM objectives, the session that adopted
it with the tally, the Liaison Table's endorsement, the addressees it was published to,
and the provenance: the log position of its publication and the hash chain's value there.

With the transparency log (issue 16), :func:`provenance` also gives the publication's
leaf index, the latest signed checkpoint when it includes that leaf, and the address of
the leaf's inclusion proof in that checkpoint's tree (in the whole tree before any
checkpoint includes it).
"""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, bindparam, func, select

from application.audit.log import events_table, stored_timestamp
from application.tables import chain_table, checkpoints_table, cosignatures_table, tree_leaves
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views

PUBLISHED_TOPIC_SUFFIX = ":Proposal.PublishedToGovernments"


# The reads of :func:`provenance`, built once (bound parameters): a recommendation's page
# reads them anew after every write.
_PUBLISHED = (
    select(events_table.c.id, events_table.c.state)
    .where(events_table.c.originator_id == bindparam("originator_id"), events_table.c.topic.endswith(PUBLISHED_TOPIC_SUFFIX))
    .order_by(events_table.c.id)
)
_CHAIN_HASH = select(chain_table.c.hash).where(chain_table.c.position == bindparam("position"))
_LEAF = select(tree_leaves.c.leaf_index).where(tree_leaves.c.position == bindparam("position"))
_LAST_LEAF = select(func.max(tree_leaves.c.leaf_index))
_LATEST_CHECKPOINT = select(checkpoints_table).order_by(checkpoints_table.c.id.desc()).limit(1)
_WITNESSES = select(func.count()).select_from(cosignatures_table).where(cosignatures_table.c.checkpoint_id == bindparam("checkpoint_id"))


def provenance(log_engine: Engine, proposal_id: str) -> dict[str, Any] | None:
    """Where the recommendation's publication is in the log: ``{position, chain_hash,
    recorded_at, leaf_index, checkpoint, proof_url}``, or None when it was never published.
    ``checkpoint`` is ``{size, root_hash (base64), signed_at, witnesses}`` (how many
    witnesses co-signed it) of the latest signed
    checkpoint when it includes the leaf, else None; ``proof_url`` the path of the leaf's
    inclusion proof in that checkpoint's tree (else in the whole tree)."""
    with log_engine.connect() as c:
        found = c.execute(_PUBLISHED, {"originator_id": UUID(proposal_id)}).first()
        if found is None:
            return None
        position = int(found.id)
        chain_hash = c.execute(_CHAIN_HASH, {"position": position}).scalar()
        leaf = c.execute(_LEAF, {"position": position}).scalar()
        last = c.execute(_LAST_LEAF).scalar()
        latest = c.execute(_LATEST_CHECKPOINT).first()
        witnesses = 0 if latest is None else c.execute(_WITNESSES, {"checkpoint_id": latest.id}).scalar()
    checkpoint = None
    if leaf is not None and latest is not None and latest.tree_size > leaf:
        checkpoint = {
            "size": int(latest.tree_size), "root_hash": base64.b64encode(bytes.fromhex(latest.root_hash)).decode(),
            "signed_at": latest.signed_at, "witnesses": int(witnesses or 0),
        }
    proof_url = None
    if leaf is not None and last is not None:
        proof_url = inclusion_proof_url(int(leaf), checkpoint["size"] if checkpoint else int(last) + 1)
    return {
        "position": position, "chain_hash": chain_hash, "recorded_at": stored_timestamp(bytes(found.state)),
        "leaf_index": None if leaf is None else int(leaf), "checkpoint": checkpoint, "proof_url": proof_url,
    }


def inclusion_proof_url(leaf_index: int, size: int) -> str:
    """The path of leaf ``leaf_index``'s inclusion proof in the tree of ``size`` leaves."""
    return f"/audit/proof/inclusion?index={leaf_index}&size={size}"


def tree_size(log_engine: Engine) -> int:
    """How many leaves the whole transparency tree has (0 before any)."""
    with log_engine.connect() as c:
        last = c.execute(_LAST_LEAF).scalar()
    return 0 if last is None else int(last) + 1


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
