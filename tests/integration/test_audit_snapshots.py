"""A stored snapshot is outside the hash chain and the transparency log: the audit views
replay from the events, and ``dialogue audit verify`` compares every stored snapshot with
the state replayed from the events at its version (docs/audit.md, section 2)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from flask import Flask
from sqlalchemy import Engine, select, update

from application.audit import AuditReader
from application.bootstrap import Services
from application.snapshot_check import _snapshots_table, verify_snapshots
from application.snapshots import INTERVAL
from tests.conftest import draft_sample_proposal, seed_members
from tests.integration.test_audit_tamper import make_app


def snapshotted_proposal(services: Services) -> tuple[UUID, int]:
    """A proposal revised until it has a snapshot at version INTERVAL; (id, latest version)."""
    app = services.app
    author = seed_members(app)[0]
    pid = draft_sample_proposal(app, author)
    version = 1
    for i in range(INTERVAL + 2):
        version = app.revise_proposal(pid, {"title": f"Safe pathways {i}"}, actor=str(author))
    return pid, version


def forge_snapshot(services: Services, pid: UUID, old: bytes, new: bytes) -> None:
    table = _snapshots_table(services.app)
    assert table is not None
    engine: Engine = services.app.engine
    with engine.begin() as c:
        state = bytes(c.execute(select(table.c.state).where(table.c.originator_id == pid, table.c.originator_version == INTERVAL)).scalar_one())
        assert old in state
        c.execute(update(table).where(table.c.originator_id == pid).values(state=state.replace(old, new)))


def test_the_audit_state_is_replayed_from_the_events_not_from_a_changed_snapshot(services: Services) -> None:
    pid, version = snapshotted_proposal(services)
    title = f"Safe pathways {INTERVAL - 2}"  # the title at version INTERVAL
    forge_snapshot(services, pid, title.encode(), b"Forged pathways")

    state = AuditReader(services.app).state(pid, reveal_personal=False).state

    assert state["version"] == version and state["title"] == f"Safe pathways {INTERVAL + 1}"
    assert AuditReader(services.app).state(pid, version=INTERVAL, reveal_personal=False).state["title"] == title


def test_verify_names_the_snapshot_that_differs_from_the_events(services: Services, tmp_path: Path) -> None:
    pid, _ = snapshotted_proposal(services)
    assert verify_snapshots(services.app) == (1, [])
    forge_snapshot(services, pid, f"Safe pathways {INTERVAL - 2}".encode(), b"Forged pathways")
    flask_app: Flask = make_app(services, tmp_path)

    result = flask_app.test_cli_runner().invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"TAMPERED: snapshot of aggregate {pid} at version {INTERVAL}: it differs from the state replayed from the events" in result.output
    assert [(p.aggregate_id, p.version) for p in verify_snapshots(services.app)[1]] == [(str(pid), INTERVAL)]
