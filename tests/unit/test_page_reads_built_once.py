"""The reads of a proposal's page run statements built once (bound parameters): the same
statement objects for every proposal, so a page read after a write does not build, key and
look up each statement anew (docs/performance.md, "The proposal page's reads built once")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from projections import calls, discussion, follow_up, indicators, liaison, proposals, sessions

READS = (
    lambda e, pid: proposals.get_proposal(e, pid),
    lambda e, pid: proposals.page_of_versions(e, pid, limit=20, offset=0),
    lambda e, pid: proposals.amendments_of(e, pid),
    lambda e, pid: follow_up.government_responses(e, pid),
    lambda e, pid: follow_up.follow_ups(e, pid),
    lambda e, pid: sessions.sessions_of_proposal(e, pid),
    lambda e, pid: liaison.endorsement_rounds(e, pid),
    lambda e, pid: calls.inputs_of_proposal(e, pid),
    lambda e, pid: discussion.thread(e, pid),
    lambda e, pid: indicators.of_recommendation(e, pid),
)


def executed(engine: Engine, proposal_id: str) -> list[Any]:
    """The statement objects the page's reads of ``proposal_id`` execute, in order."""
    seen: list[Any] = []

    def record(conn: Any, clauseelement: Any, *args: Any) -> None:
        seen.append(clauseelement)

    event.listen(engine, "before_execute", record)
    try:
        for read in READS:
            read(engine, proposal_id)
    finally:
        event.remove(engine, "before_execute", record)
    return seen


def test_the_proposal_pages_reads_run_the_same_statements_for_every_proposal() -> None:
    engine = create_engine("sqlite://")
    for module in (proposals, follow_up, sessions, liaison, calls, discussion, indicators):
        module.projection.metadata.create_all(engine)
    first = executed(engine, "3045308e-3ca6-5c49-b113-903a9772e100")
    second = executed(engine, "23a572e7-e788-5e64-b275-35c22a056f41")
    assert len(first) == len(second) == 11
    assert [a is b for a, b in zip(first, second, strict=True)] == [True] * 11
