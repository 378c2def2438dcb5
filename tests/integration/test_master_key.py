"""Issue 4: a missing or wrong master key gives a clear startup error, never garbage data.

``dialogue db init`` writes a key-check record that only the right master key opens;
``bootstrap`` verifies it (or, without one, a stored participant key). The CLI exits
non-zero with the reason; the web app answers a 500 page that shows no secret.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import MasterKeyError, generate_master_key
from application.privacy import backup_keys, parse_backup, restore_keys
from projections import people as people_views
from tests.integration.test_erasure import PEOPLE, participant_id
from web import create_app


@pytest.fixture(autouse=True)
def no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DIALOGUE_MASTER_KEY", "DIALOGUE_MASTER_KEY_FILE", "DIALOGUE_DATABASE_URL", "DIALOGUE_VIEWS_URL"):
        monkeypatch.delenv(name, raising=False)


def make_app(database_url: str, tmp_path: Path, **config: str) -> Flask:
    return create_app({"DIALOGUE_DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True, **config})


def initialised(database_url: str, tmp_path: Path, key: str) -> None:
    """``dialogue db init`` with ``key``, then one participant registered (so one key is stored)."""
    result = make_app(database_url, tmp_path, DIALOGUE_MASTER_KEY=key).test_cli_runner().invoke(args=["db", "init"])
    assert result.exit_code == 0, result.output
    s = bootstrap(Config(database_url=database_url, master_key=key, inline_projection=False), clock=FixedClock(date(2026, 1, 5)))
    s.app.register_participant(reference="p-x", display_name="Rosa Quispe Mamani", organisation_id=None, gender="woman", preferred_language="es")


# ---------------------------------------------------------------------------- bootstrap
def test_a_missing_master_key_is_a_startup_error(database_url: str) -> None:
    with pytest.raises(MasterKeyError, match="No master key"):
        bootstrap(Config(database_url=database_url))


def test_a_master_key_that_is_not_32_bytes_is_refused(database_url: str) -> None:
    with pytest.raises(MasterKeyError, match="must be 32 bytes"):
        bootstrap(Config(database_url=database_url, master_key="c2hvcnQ="))


def test_an_unreadable_master_key_file_is_a_startup_error(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(MasterKeyError, match="Cannot read the master key file"):
        bootstrap(Config(database_url=database_url, master_key_file=str(tmp_path / "absent.key")))


def test_a_wrong_master_key_is_refused_by_the_key_check(database_url: str, tmp_path: Path) -> None:
    initialised(database_url, tmp_path, generate_master_key())
    with pytest.raises(MasterKeyError, match="key-check record"):
        bootstrap(Config(database_url=database_url, master_key=generate_master_key()))


def test_without_a_key_check_a_stored_participant_key_is_checked(database_url: str, clock: FixedClock) -> None:
    right = generate_master_key()
    s = bootstrap(Config(database_url=database_url, master_key=right, inline_projection=False), clock=clock)
    s.app.register_participant(reference="p-x", display_name="Rosa Quispe Mamani", organisation_id=None, gender="woman", preferred_language="es")
    with pytest.raises(MasterKeyError, match="participant keys"):
        bootstrap(Config(database_url=database_url, master_key=generate_master_key()))


def test_the_right_master_key_opens_the_database(database_url: str, tmp_path: Path) -> None:
    key = generate_master_key()
    initialised(database_url, tmp_path, key)
    s = bootstrap(Config(database_url=database_url, master_key=key, inline_projection=False))
    s.projector.catch_up()
    assert [p["name"] for p in people_views.participants(s.projector.engine)] == ["Rosa Quispe Mamani"]


def test_a_wrong_key_reads_no_garbage_even_past_the_check(database_url: str, tmp_path: Path) -> None:
    initialised(database_url, tmp_path, generate_master_key())
    s = bootstrap(Config(database_url=database_url, master_key=generate_master_key(), inline_projection=False), check_key=False)
    with pytest.raises(MasterKeyError):
        s.projector.catch_up()
    with s.projector.engine.connect() as c:
        assert c.execute(people_views.view_participants.select()).all() == []


# ---------------------------------------------------------------------------- CLI and web
def test_cli_commands_exit_non_zero_with_the_reason_on_a_wrong_key(database_url: str, tmp_path: Path) -> None:
    right, wrong = generate_master_key(), generate_master_key()
    initialised(database_url, tmp_path, right)
    runner = make_app(database_url, tmp_path, DIALOGUE_MASTER_KEY=wrong).test_cli_runner()
    for args in (["participants", "statistics"], ["recommendations"], ["keys", "backup", str(tmp_path / "k.json")]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert "Wrong master key" in result.output
        assert right not in result.output and wrong not in result.output
    assert not (tmp_path / "k.json").exists()


def test_cli_exits_non_zero_without_a_master_key(database_url: str, tmp_path: Path) -> None:
    initialised(database_url, tmp_path, generate_master_key())
    runner = make_app(database_url, tmp_path, DIALOGUE_MASTER_KEY_FILE=str(tmp_path / "absent.key")).test_cli_runner()
    result = runner.invoke(args=["participants", "export", "p-x"])
    assert result.exit_code == 1
    assert "Cannot read the master key file" in result.output


def test_web_answers_a_500_page_without_secrets_on_a_wrong_key(database_url: str, tmp_path: Path) -> None:
    right, wrong = generate_master_key(), generate_master_key()
    initialised(database_url, tmp_path, right)
    client = make_app(database_url, tmp_path, DIALOGUE_MASTER_KEY=wrong).test_client()
    response = client.get("/privacy/participation?lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "master key" in body and "DIALOGUE_MASTER_KEY" in body
    for secret in (right, wrong, "Rosa Quispe Mamani", "Traceback", database_url):
        assert secret not in body


def test_web_serves_statistics_with_the_right_key(database_url: str, tmp_path: Path) -> None:
    key = generate_master_key()
    initialised(database_url, tmp_path, key)
    response = make_app(database_url, tmp_path, DIALOGUE_MASTER_KEY=key).test_client().get("/privacy/participation.json")
    assert response.status_code == 200
    assert response.get_json()["total"] == "<5"


# ---------------------------------------------------------------------------- rotation
def test_rotating_the_master_key_keeps_data_readable_with_the_new_key_only(loaded: Services, tmp_path: Path) -> None:
    old = loaded.config.master_key
    assert old is not None
    new_file = tmp_path / "new.key"
    new_file.write_text(generate_master_key())
    new_file.chmod(0o600)
    runner = make_app(loaded.config.database_url, tmp_path, DIALOGUE_MASTER_KEY=old).test_cli_runner()

    result = runner.invoke(args=["keys", "rotate", str(new_file)])

    assert result.exit_code == 0, result.output
    assert "Re-wrapped 60 key(s)" in result.output
    with pytest.raises(MasterKeyError, match="key-check record"):
        bootstrap(Config(database_url=loaded.config.database_url, master_key=old))
    s = bootstrap(Config(database_url=loaded.config.database_url, master_key_file=str(new_file), inline_projection=False))
    assert s.app.participant(participant_id("p-01")).display_name == PEOPLE["p-01"]["display_name"]


def test_after_rotation_an_older_key_backup_no_longer_opens(loaded: Services, tmp_path: Path) -> None:
    old_backup = parse_backup(json.dumps(backup_keys(loaded.keys)))
    new_key = generate_master_key()
    loaded.keys.rotate(base64.urlsafe_b64decode(new_key))
    s = bootstrap(Config(database_url=loaded.config.database_url, master_key=new_key, inline_projection=False))
    with pytest.raises(MasterKeyError, match="do not open"):
        restore_keys(s.app, s.keys, old_backup)
