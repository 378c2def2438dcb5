"""Issue 4, "Backups": a backup is the log plus the encrypted key store; restoring keys
drops every participant whose erasure is in the log, so no backup brings them back.

The log is restored here by copying its rows (events with their positions, chain links,
command ids) at the SQL level, as a database restore would.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from application import privacy
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import (
    MasterKeyError,
    chain_table,
    commands_table,
    generate_master_key,
    keys_table,
)
from application.privacy import PrivacyError, backup_keys, parse_backup, restore_keys
from domain.participant import pseudonym
from projections import people as people_views
from tests.integration.test_erasure import PEOPLE, participant_id, rows_containing
from web import create_app


def master_key_of(services: Services) -> str:
    assert services.config.master_key is not None
    return services.config.master_key


def copy_log(source: Services, target: Services) -> int:
    """Copy the log's rows (positions kept) from ``source`` into the empty ``target``."""
    events: Any = source.app.dialogue_recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with source.app.engine.connect() as c:
        rows = {t: [dict(r) for r in c.execute(select(t)).mappings()] for t in (events, chain_table, commands_table)}
    with target.app.engine.begin() as c:
        for table, values in rows.items():
            c.execute(insert(table), values)
        if c.dialect.name == "postgresql":
            c.execute(text("SELECT setval(pg_get_serial_sequence('dialogue_events', 'id'), (SELECT max(id) FROM dialogue_events))"))
    return len(rows[events])


def fresh(database_url: str, key: str) -> Services:
    return bootstrap(Config(database_url=database_url, master_key=key, inline_projection=False), clock=FixedClock(date(2026, 3, 27)))


def backup_text(services: Services) -> str:
    return json.dumps(backup_keys(services.keys))


# ---------------------------------------------------------------------------- the test
def test_an_old_key_backup_with_the_later_log_keeps_the_erased_person_erased(loaded: Services, database_url: str) -> None:
    before = backup_text(loaded)  # taken before the erasure: it holds p-12's key
    privacy.erase(loaded, "p-12")
    target = fresh(database_url, master_key_of(loaded))
    copy_log(loaded, target)

    report = restore_keys(target.app, target.keys, parse_backup(before))
    target.projector.catch_up()

    pid = str(participant_id("p-12"))
    assert report.skipped_erased == [pid]
    assert report.restored == len(PEOPLE) - 1
    assert target.keys.get(pid) is None
    assert target.app.participant(pid).display_name is None
    assert people_views.directory(target.projector.engine)[pid]["name"] == pseudonym(pid)
    assert rows_containing(target.app.engine, PEOPLE["p-12"]["display_name"]) == []


def test_a_restore_gives_back_everyone_else(loaded: Services, database_url: str) -> None:
    before = backup_text(loaded)
    privacy.erase(loaded, "p-12")
    target = fresh(database_url, master_key_of(loaded))
    copy_log(loaded, target)

    restore_keys(target.app, target.keys, parse_backup(before))
    target.projector.catch_up()

    names = {v["reference"]: v["name"] for v in people_views.directory(target.projector.engine).values()}
    assert names["p-01"] == PEOPLE["p-01"]["display_name"]
    assert sum(1 for ref, p in PEOPLE.items() if names[ref] == p["display_name"]) == len(PEOPLE) - 1


def test_a_restore_drops_a_key_of_an_erased_person_already_present(loaded: Services) -> None:
    pid = str(participant_id("p-12"))
    with loaded.app.engine.connect() as c:
        stale = bytes(c.execute(select(keys_table.c.wrapped_key).where(keys_table.c.participant_id == pid)).scalar_one())
    privacy.erase(loaded, "p-12")
    with loaded.app.engine.begin() as c:  # e.g. a key store restored before the log
        c.execute(insert(keys_table).values(participant_id=pid, wrapped_key=stale))

    report = restore_keys(loaded.app, loaded.keys, {})

    assert report.dropped_after == 1
    assert loaded.keys.get(pid) is None


def test_keys_are_not_restored_before_the_log(loaded: Services, database_url: str) -> None:
    target = fresh(database_url, master_key_of(loaded))
    with pytest.raises(PrivacyError, match="restore the log first"):
        restore_keys(target.app, target.keys, parse_backup(backup_text(loaded)))
    assert target.keys.wrapped_keys() == {}


def test_a_backup_under_another_master_key_restores_nothing(loaded: Services, database_url: str) -> None:
    target = fresh(database_url, generate_master_key())
    copy_log(loaded, target)
    with pytest.raises(MasterKeyError, match="do not open"):
        restore_keys(target.app, target.keys, parse_backup(backup_text(loaded)))
    assert target.keys.wrapped_keys() == {}


def test_a_backup_keeps_keys_wrapped_by_the_master_key(loaded: Services) -> None:
    data = backup_keys(loaded.keys)
    raw = json.dumps(data).encode()
    unwrapped = loaded.keys.get(str(participant_id("p-01")))
    assert unwrapped is not None
    assert len(data["keys"]) == len(PEOPLE)
    assert unwrapped not in raw and master_key_of(loaded).encode() not in raw
    assert PEOPLE["p-01"]["display_name"].encode() not in raw


@pytest.mark.parametrize("content", ["not json", json.dumps({"format": "other"}), json.dumps({"format": "dialogue-key-backup", "version": 1, "keys": {"x": "??"}})])
def test_a_malformed_backup_is_refused(content: str) -> None:
    with pytest.raises(PrivacyError):
        parse_backup(content)


# ---------------------------------------------------------------------------- through the CLI
def cli(services: Services, tmp_path: Path) -> Any:
    app = create_app({
        "DIALOGUE_DATABASE_URL": services.config.database_url, "DIALOGUE_MASTER_KEY": master_key_of(services),
        "DIALOGUE_CLOCK": "2026-03-27", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })
    return app.test_cli_runner()


def test_keys_backup_erase_and_restore_commands(loaded: Services, tmp_path: Path) -> None:
    runner = cli(loaded, tmp_path)
    backup = tmp_path / "keys.json"

    backed_up = runner.invoke(args=["keys", "backup", str(backup)])
    erased = runner.invoke(args=["participants", "erase", "p-12", "--yes"])
    restored = runner.invoke(args=["keys", "restore", str(backup)])

    assert (backed_up.exit_code, erased.exit_code, restored.exit_code) == (0, 0, 0)
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert "1 erased participant(s) skipped" in restored.output
    assert loaded.keys.get(str(participant_id("p-12"))) is None


def test_a_full_restore_through_audit_export_import_and_keys_restore(loaded: Services, tmp_path: Path) -> None:
    source = cli(loaded, tmp_path)
    keys_file, log_file = tmp_path / "keys.json", tmp_path / "log.jsonl"
    assert source.invoke(args=["keys", "backup", str(keys_file)]).exit_code == 0  # before the erasure
    assert source.invoke(args=["participants", "erase", "p-12", "--yes"]).exit_code == 0
    assert source.invoke(args=["audit", "export", str(log_file)]).exit_code == 0  # after it
    target_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    target = create_app({
        "DIALOGUE_DATABASE_URL": target_url, "DIALOGUE_MASTER_KEY": master_key_of(loaded), "DIALOGUE_CLOCK": "2026-03-27",
        "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    }).test_cli_runner()

    imported = target.invoke(args=["import", str(log_file)])
    restored = target.invoke(args=["keys", "restore", str(keys_file)])

    assert (imported.exit_code, restored.exit_code) == (0, 0), imported.output + restored.output
    s = fresh(target_url, master_key_of(loaded))
    names = {v["reference"]: v["name"] for v in people_views.directory(s.projector.engine).values()}
    assert names["p-12"] == pseudonym(participant_id("p-12"))
    assert names["p-01"] == PEOPLE["p-01"]["display_name"]
    assert rows_containing(s.app.engine, PEOPLE["p-12"]["display_name"]) == []
