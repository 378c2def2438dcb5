"""A proposal drafted without a reference gets its table's next ``RTn-YYYY-NNN``, stored in
its ``Drafted`` event, on a SQLite file and PostgreSQL (issue 12, "References")."""

from __future__ import annotations

import threading
from typing import Any

from application.bootstrap import Config, Services, bootstrap
from domain.reference import ALL_GOVERNMENTS, table_objectives
from tests.conftest import seed_members

DRAFTERS = 4


def draft_sample_proposal(app: Any, author: Any, table: str = "RT1", reference: str = "") -> Any:
    """A draft of ``table`` naming its first GCM objective; its id."""
    return app.draft_proposal(
        actor=str(author), table=table, title="Pathways", problem="P", recommendation="R", rationale="F",
        objectives=[min(table_objectives()[table])], targets=[ALL_GOVERNMENTS], language="es", reference=reference,
    )


def test_drafts_without_a_reference_are_numbered_in_order(services: Services) -> None:
    (author,) = seed_members(services.app, 1, "RT4")

    ids = [draft_sample_proposal(services.app, author, "RT4") for _ in range(2)]

    assert [services.app.proposal(i).reference for i in ids] == ["RT4-2026-001", "RT4-2026-002"]


def test_the_reference_is_stored_in_the_drafted_event(services: Services) -> None:
    (author,) = seed_members(services.app, 1, "RT2")
    pid = draft_sample_proposal(services.app, author, "RT2")

    drafted = services.app.repository.get(pid, version=1)

    assert drafted.reference == "RT2-2026-001"


def test_a_withdrawn_proposals_number_is_not_given_again(services: Services) -> None:
    (author,) = seed_members(services.app, 1, "RT1")
    first = draft_sample_proposal(services.app, author)
    services.app.withdraw_proposal(first, actor=str(author), reason="duplicate")

    second = draft_sample_proposal(services.app, author)

    assert services.app.proposal(second).reference == "RT1-2026-002"


def test_a_given_reference_is_kept(services: Services) -> None:
    (author,) = seed_members(services.app, 1, "RT1")

    pid = draft_sample_proposal(services.app, author, "RT1", reference="prop-rt1-01")

    assert services.app.proposal(pid).reference == "prop-rt1-01"


def test_drafts_at_once_get_distinct_references(services: Services, database_url: str, master_key: str) -> None:
    """Drafters in threads, each with an application of its own on the same database, race
    for the table's next number: each gets one of its own, none is skipped."""
    authors = seed_members(services.app, DRAFTERS, "RT3")
    apps = [bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False), clock=services.app.clock).app
            for _ in authors]
    barrier = threading.Barrier(DRAFTERS)
    refs: list[str] = []
    errors: list[BaseException] = []

    def draft(app: Any, author: Any) -> None:
        barrier.wait()
        try:
            refs.append(app.proposal(draft_sample_proposal(app, author, "RT3")).reference)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=draft, args=(a, p)) for a, p in zip(apps, authors, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert (errors, sorted(refs)) == ([], [f"RT3-2026-{n:03d}" for n in range(1, DRAFTERS + 1)])
