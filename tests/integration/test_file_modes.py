"""Files other users of the machine must not read are created with mode 0600 (the SQLite
database with its -wal and -shm files, audit exports, key files), and the service refuses a
master key file others can read and a secret key shorter than 32 bytes (issue 11, item 5).

The umask is set to the common 022 (files readable by everyone unless made otherwise), and
``os.chmod`` is disabled where the mode must be right from the creation, not set afterwards."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from application.bootstrap import Config, bootstrap
from application.persistence import MasterKeyError, dispose_engines, generate_master_key
from tests.conftest import seed_members
from web import create_app
from web.app import ConfigurationError

SECRET = "test-secret-key-0123456789abcdef"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def no_chmod(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mode set after creation does not count: chmod does nothing."""
    monkeypatch.setattr(os, "chmod", lambda *a, **kw: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **kw: None)


def cli(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def test_a_new_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path, no_chmod: None) -> None:
    db = tmp_path / "new.sqlite"
    s = bootstrap(Config(database_url=f"sqlite:///{db}", master_key=generate_master_key(), inline_projection=False))
    seed_members(s.app, 1)  # a write: the -wal and -shm files exist while the engine is open

    modes = {p.name: mode(p) for p in (db, tmp_path / "new.sqlite-wal", tmp_path / "new.sqlite-shm")}
    dispose_engines()

    assert modes == {"new.sqlite": 0o600, "new.sqlite-wal": 0o600, "new.sqlite-shm": 0o600}


def test_db_init_creates_the_master_key_file_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_chmod: None) -> None:
    monkeypatch.delenv("DIALOGUE_MASTER_KEY", raising=False)
    key = tmp_path / "master.key"
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY_FILE": str(key), "SECRET_KEY": SECRET})

    result = cli(app, "db", "init")

    assert result.exit_code == 0, result.output
    assert mode(key) == 0o600


def test_an_audit_export_and_a_signing_key_are_owner_only(tmp_path: Path, no_chmod: None) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    master = generate_master_key()
    seed_members(bootstrap(Config(database_url=db, master_key=master, inline_projection=False)).app, 2)
    app = create_app({"DIALOGUE_DATABASE_URL": db, "DIALOGUE_MASTER_KEY": master, "SECRET_KEY": SECRET})

    exported = cli(app, "audit", "export", str(tmp_path / "log.jsonl"))
    keygen = cli(app, "audit", "keygen", str(tmp_path / "signing.key"))

    assert exported.exit_code == 0 and keygen.exit_code == 0, exported.output + keygen.output
    assert mode(tmp_path / "log.jsonl") == 0o600
    assert mode(tmp_path / "signing.key") == 0o600


def test_an_export_over_a_file_others_could_read_is_owner_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    master = generate_master_key()
    seed_members(bootstrap(Config(database_url=db, master_key=master, inline_projection=False)).app, 1)
    (tmp_path / "log.jsonl").write_text("old")
    (tmp_path / "log.jsonl.partial").write_text("left by a crash")
    app = create_app({"DIALOGUE_DATABASE_URL": db, "DIALOGUE_MASTER_KEY": master, "SECRET_KEY": SECRET})

    assert cli(app, "audit", "export", str(tmp_path / "log.jsonl")).exit_code == 0
    assert mode(tmp_path / "log.jsonl") == 0o600


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604])
def test_a_master_key_file_others_can_read_is_refused(tmp_path: Path, loose: int) -> None:
    key = tmp_path / "master.key"
    key.write_text(generate_master_key())
    key.chmod(loose)

    with pytest.raises(MasterKeyError, match="can be read by other users"):
        Config(database_url="sqlite://", master_key_file=str(key)).read_master_key()


def test_a_master_key_file_of_its_owner_only_is_read(tmp_path: Path) -> None:
    key = tmp_path / "master.key"
    key.write_text(generate_master_key())
    key.chmod(0o600)

    assert len(Config(database_url="sqlite://", master_key_file=str(key)).read_master_key()) == 32


def test_a_missing_master_key_file_says_to_run_db_init(tmp_path: Path) -> None:
    with pytest.raises(MasterKeyError, match="dialogue db init"):
        Config(database_url="sqlite://", master_key_file=str(tmp_path / "absent.key")).read_master_key()


@pytest.mark.parametrize("secret", ["t", "x" * 31, "ñ" * 15])
def test_a_secret_key_shorter_than_32_bytes_is_refused(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError, match="at least 32"):
        create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "SECRET_KEY": secret})


def test_a_secret_key_of_32_bytes_is_taken(tmp_path: Path) -> None:
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "SECRET_KEY": "ñ" * 16})

    assert app.config["SECRET_KEY"] == "ñ" * 16


def test_a_short_secret_key_in_the_environment_ends_the_command_with_one_line(tmp_path: Path) -> None:
    env = {"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "DIALOGUE_SECRET_KEY": "short", "PATH": ""}

    run = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "users", "list"], env=env, capture_output=True, text=True, timeout=120)

    assert run.returncode == 1
    assert run.stderr.strip() == run.stderr.strip().splitlines()[0]
    assert "The secret key (DIALOGUE_SECRET_KEY) is 5 bytes" in run.stderr


def test_the_instance_secret_key_is_created_owner_only(tmp_path: Path, no_chmod: None) -> None:
    from web.app import _instance_secret

    class Instance:
        instance_path = str(tmp_path)

    secret = _instance_secret(Instance())  # type: ignore[arg-type]

    assert len(secret) == 64
    assert mode(tmp_path / "secret_key") == 0o600
