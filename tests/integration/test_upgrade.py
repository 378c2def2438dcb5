"""A database written by the release before migrations and projection versions
(``tests/fixtures/before-migrations/``) is brought to the current shape by ``dialogue db
upgrade``; its pages and board then equal those of a fresh load by the current code."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, select

from application.schema import VERSION_TABLE, head_revision
from domain.errors import DomainError
from projections import PROJECTIONS
from projections import people as people_views
from projections import proposals as proposal_views
from projections.runner import snapshot_rows
from projections.versions import CURRENT, states
from tests.conftest import ROOT
from tests.e2e.web_support import act_as
from web import create_app, services

FIXTURE = ROOT / "tests" / "fixtures" / "before-migrations"
SCENARIO = ROOT / "tests" / "scenarios" / "issue-3-verbs"
PAGES = ["/", "/recommendations", "/sessions", "/liaison", "/tables", "/tables/RT1", "/dialogues", "/privacy/participation"]
# Random per rendering: form tokens and command ids.
RANDOM = re.compile(r'(name="(?:[a-z]+-)?(?:csrf_token|command_id)"[^>]*value=")[^"]*(")')


def app_on(db: Path, key_file: Path) -> Flask:
    return create_app({
        "DIALOGUE_DATABASE_URL": f"sqlite:///{db}", "DIALOGUE_MASTER_KEY_FILE": str(key_file), "DIALOGUE_CLOCK": "2026-03-27",
        "DIALOGUE_INLINE_PROJECTION": "yes", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True, "WTF_CSRF_ENABLED": False,
    })


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return str(result.output)


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[Flask, str]:
    """A copy of the fixture, upgraded; (its app, the command's output)."""
    shutil.copy(FIXTURE / "dialogue.db", tmp_path / "old.db")
    shutil.copy(FIXTURE / "master.key", tmp_path / "old.key")
    (tmp_path / "old.key").chmod(0o600)  # git keeps no owner-only mode; a key file others read is refused
    app = app_on(tmp_path / "old.db", tmp_path / "old.key")
    return app, run(app, "db", "upgrade")


@pytest.fixture
def fresh(tmp_path: Path) -> Flask:
    """The same steps as the fixture's, by the current code, into an empty database."""
    app = app_on(tmp_path / "fresh.db", tmp_path / "fresh.key")
    run(app, "db", "init")
    run(app, "load-scenario", str(SCENARIO))
    run(app, "participants", "erase", "p-30", "--yes", "--reason", "fixture: an erased participant")
    return app


def without_timestamps(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The view rows, without the wall-clock instant each content version was recorded."""
    recorded = list(proposal_views.view_proposal_versions.c.keys()).index("recorded_at")
    out = dict(rows)
    name = proposal_views.view_proposal_versions.name
    out[name] = sorted((r[:recorded] + r[recorded + 1:] for r in rows[name]), key=repr)
    return out


def pages(app: Flask, role: str) -> dict[str, str]:
    client = app.test_client()
    if role != "public":
        act_as(client, role)
    with app.app_context():
        proposal = proposal_views.list_recommendations(services().projector.engine)[0]["id"]
    out = {}
    for url in [*PAGES, f"/proposals/{proposal}", f"/proposals/{proposal}/versions/1"]:
        r = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert r.status_code == 200, url
        out[url] = RANDOM.sub(r"\1…\2", r.get_data(as_text=True))
    return out


def test_the_fixture_is_a_database_from_before_migrations() -> None:
    engine = create_engine(f"sqlite:///{FIXTURE / 'dialogue.db'}")
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as c:
            tracking = c.exec_driver_sql("SELECT application_name, notification_id FROM view_tracking").all()
    finally:
        engine.dispose()
    assert VERSION_TABLE not in tables and "view_projections" not in tables
    assert {"dialogue_events", "dialogue_chain", "dialogue_commands", "dialogue_participant_keys", "dialogue_key_check"} <= tables
    assert [tuple(r) for r in tracking] == [("views", 67)]


def test_upgrade_stamps_the_own_tables_and_takes_over_the_views(upgraded: tuple[Flask, str]) -> None:
    app, output = upgraded
    with app.app_context():
        s = services()
        with s.app.engine.connect() as c:
            revision = c.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()
            t = s.projector.tracking.tracking_table
            tracking = dict(c.execute(select(t.c.application_name, t.c.notification_id)).all())
        known = states(s.projector.engine)

    assert "stamped the tables of a database from before migrations as 0001" in output
    assert "took over the views of a release before versions at position 67" in output
    assert revision == head_revision()
    assert tracking == {p.tracking_name: 67 for p in PROJECTIONS}
    assert known == {(p.name, p.version): CURRENT for p in PROJECTIONS}


def test_after_the_upgrade_the_views_equal_a_fresh_load(upgraded: tuple[Flask, str], fresh: Flask) -> None:
    app, _ = upgraded
    with app.app_context():
        old = without_timestamps(snapshot_rows(services().projector.engine))
    with fresh.app_context():
        new = without_timestamps(snapshot_rows(services().projector.engine))
    assert old == new


def test_after_the_upgrade_the_board_and_pages_equal_a_fresh_load(upgraded: tuple[Flask, str], fresh: Flask) -> None:
    app, _ = upgraded
    board = json.loads(run(app, "recommendations", "--format", "json"))
    assert board == json.loads(run(fresh, "recommendations", "--format", "json"))
    assert len(board) == 1
    for role in ("public", "secretariat", "auditor"):
        assert pages(app, role) == pages(fresh, role), role


def test_after_the_upgrade_commands_are_saved_and_projected(upgraded: tuple[Flask, str]) -> None:
    app, _ = upgraded
    with app.app_context():
        s = services()
        pid = s.app.register_participant(
            reference="p-new", display_name="Ana New", organisation_id=None, gender="woman", preferred_language="pt",
        )
        s.wait_for_views()
        directory = people_views.directory(s.projector.engine)

    assert directory[str(pid)]["name"] == "Ana New"
    assert min(s.projector.positions().values()) == 68
    assert run(app, "projections", "rebuild", "--check").strip().endswith("(position 68).")


def test_a_second_upgrade_changes_nothing(upgraded: tuple[Flask, str]) -> None:
    app, _ = upgraded
    with app.app_context():
        before = snapshot_rows(services().projector.engine)
    output = run(app, "db", "upgrade")
    with app.app_context():
        after = snapshot_rows(services().projector.engine)
    assert output.strip() == "Database ready."
    assert after == before


def test_after_the_upgrade_a_reference_of_the_log_is_refused(upgraded: tuple[Flask, str]) -> None:
    """The upgrade fills the references' index from the log's registrations (issue 14)."""
    app, _ = upgraded
    with app.app_context():
        s = services()
        with pytest.raises(DomainError) as refused:
            s.app.register_participant(
                reference=" P-01 ", display_name="Someone Else", organisation_id=None, gender="woman", preferred_language="es",
            )
    assert refused.value.code == "already_registered"
