"""``dialogue audit export`` then ``dialogue import`` into an empty database reproduces the
log: the same positions (gaps included), the same chain head; the next save follows
(issue 6, "Backup"); the keys of erased participants are dropped (issue 4, "Backups")."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from application.audit import verify_log
from application.audit.log import events_table
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import chain_table, dispose_engines
from domain.errors import InvalidInputError
from projections.runner import snapshot_rows
from tests.integration.test_audit_tamper import build_log, cli, recompute_chain, rows
from web import create_app


def app_for(url: str, key: str) -> Flask:
    return create_app({"DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": key, "DIALOGUE_CLOCK": "2026-01-05", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True})


@pytest.fixture
def source(tmp_path: Path, master_key: str) -> Services:
    """A small log in its own SQLite file, with a gap of 3 positions after position 5, as
    PostgreSQL leaves after failed saves (the chain is what the recorder would have written)."""
    s = bootstrap(Config(database_url=f"sqlite:///{tmp_path / 'source.sqlite'}", master_key=master_key, inline_projection=False), clock=FixedClock(date(2026, 1, 5)))
    build_log(s)
    with s.app.engine.begin() as c:
        c.execute(update(events_table).where(events_table.c.id > 5).values(id=events_table.c.id + 1000))
        c.execute(update(events_table).where(events_table.c.id > 1000).values(id=events_table.c.id - 997))
    recompute_chain(s.app.engine)
    s.projector.rebuild()
    return s


def export_of(services: Services, tmp_path: Path) -> Path:
    path = tmp_path / "backup.jsonl"
    result = cli(app_for(services.config.database_url, services.config.master_key or ""), "audit", "export", str(path))
    assert result.exit_code == 0, result.output
    return path


def chain_rows(services_or_url: Services) -> list[tuple[int, str]]:
    with services_or_url.app.engine.connect() as c:
        return [(int(r[0]), r[1]) for r in c.execute(select(chain_table).order_by(chain_table.c.position))]


def test_restore_reproduces_positions_gaps_and_the_chain_head(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    app = app_for(database_url, master_key)

    result = cli(app, "import", str(backup))

    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in rows(target.app.engine)] == [1, 2, 3, 4, 5, 9, 10, 11, 12]
    assert rows(target.app.engine) == rows(source.app.engine)
    assert chain_rows(target) == chain_rows(source)
    assert verify_log(target.app.engine).head_hash == verify_log(source.app.engine).head_hash
    assert cli(app, "audit", "verify").exit_code == 3  # verified; no checkpoint anchors it (docs/audit.md)


def test_a_write_after_a_restore_takes_the_next_position_and_verifies(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    app = app_for(database_url, master_key)
    assert cli(app, "import", str(backup)).exit_code == 0
    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False), clock=FixedClock(date(2026, 1, 6)))

    target.app.register_organisation(reference="o-9", name="Nueva", stakeholder_group="academia", country="CL", languages=["es"])

    assert target.app.recorder.max_notification_id() == 13
    report = verify_log(target.app.engine)
    assert report.ok
    assert (report.count, report.head_position) == (10, 13)


def test_restored_personal_data_reads_with_the_restored_keys(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    target.keys.add_wrapped(source.keys.wrapped_keys())  # the key store backup, restored apart

    assert cli(app_for(database_url, master_key), "import", str(backup)).exit_code == 0

    pid = next(r["originator_id"] for r in rows(target.app.engine) if r["topic"].endswith("Participant.Registered"))
    assert target.app.participant(pid).display_name == "Ana Pérez"


def test_the_command_register_is_rebuilt_so_a_replayed_command_applies_once(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    assert cli(app_for(database_url, master_key), "import", str(backup)).exit_code == 0
    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    command_ids = {json.loads(bytes(r["state"]))["command_id"] for r in rows(source.app.engine)}

    assert all(target.app.command_applied(c) for c in command_ids)
    assert target.app.command_position(json.loads(bytes(rows(source.app.engine)[-1]["state"]))["command_id"]) == 12


def test_the_references_index_is_rebuilt_so_a_restored_reference_is_refused(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    assert cli(app_for(database_url, master_key), "import", str(backup)).exit_code == 0
    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    reference = next(json.loads(bytes(r["state"]))["reference"] for r in rows(source.app.engine) if r["topic"].endswith("Participant.Registered"))

    with pytest.raises(InvalidInputError) as refused:
        target.app.register_participant(reference=reference.upper(), display_name="Bo", organisation_id=None, gender="man", preferred_language="es")
    assert refused.value.code == "already_registered"


def test_restore_into_a_database_holding_events_is_refused(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    app = app_for(database_url, master_key)
    assert cli(app, "import", str(backup)).exit_code == 0

    again = cli(app, "import", str(backup))

    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    assert again.exit_code == 1
    assert "a restore goes into an empty database only" in again.output
    assert len(rows(target.app.engine)) == 9


def test_an_export_whose_bytes_differ_from_its_hashes_is_refused_and_nothing_is_written(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    backup = export_of(source, tmp_path)
    lines = backup.read_text("utf-8").splitlines()
    seventh = json.loads(lines[6])  # position 10 (after the gap)
    seventh["data_base64"] = seventh["data_base64"].replace("A", "B", 1)
    lines[6] = json.dumps(seventh)
    backup.write_text("\n".join(lines) + "\n", "utf-8")

    result = cli(app_for(database_url, master_key), "import", str(backup))

    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    assert result.exit_code == 1
    assert "position 10" in result.output
    assert rows(target.app.engine) == []
    assert chain_rows(target) == []


def test_restore_drops_the_keys_of_participants_erased_in_the_log(source: Services, database_url: str, master_key: str, tmp_path: Path) -> None:
    before_erasure = source.keys.wrapped_keys()  # a key backup taken before the erasure
    people = [r["originator_id"] for r in rows(source.app.engine) if r["topic"].endswith("Participant.Registered")]
    source.app.erase_participant(people[0], command_id="erase-1")
    backup = export_of(source, tmp_path)
    target = bootstrap(Config(database_url=database_url, master_key=master_key, inline_projection=False))
    target.keys.add_wrapped(before_erasure)

    result = cli(app_for(database_url, master_key), "import", str(backup))

    assert result.exit_code == 0, result.output
    assert "1 erased participant key(s) dropped" in result.output
    assert set(target.keys.wrapped_keys()) == {str(p) for p in people[1:]}
    assert target.app.participant(people[0]).display_name is None
    assert target.app.participant(people[1]).display_name == "João Silva"


def test_the_scenario_restores_to_the_same_log_head_and_views(loaded_scenario_file: tuple[Path, str, dict[str, object]], database_url: str, tmp_path: Path) -> None:
    src, key, _ = loaded_scenario_file
    copy = tmp_path / "scenario.sqlite"
    shutil.copy(src, copy)
    loaded = bootstrap(Config(database_url=f"sqlite:///{copy}", master_key=key, inline_projection=False))
    backup = export_of(loaded, tmp_path)
    target = bootstrap(Config(database_url=database_url, master_key=key, inline_projection=False))
    target.keys.add_wrapped(loaded.keys.wrapped_keys())

    result = cli(app_for(database_url, key), "import", str(backup))

    assert result.exit_code == 0, result.output
    assert verify_log(target.app.engine).head_hash == verify_log(loaded.app.engine).head_hash
    assert snapshot_rows(target.projector.engine) == snapshot_rows(loaded.projector.engine)
    dispose_engines()
