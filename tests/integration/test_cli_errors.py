"""Errors of the environment end the `dialogue` command with a message and status 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from application.persistence import generate_master_key


@pytest.mark.parametrize("args", [
    ["audit", "export", "/no/such/folder/export.jsonl"],
    ["audit", "replay", "--until", "10", "--into", "not-a-url"],
])
def test_a_bad_path_or_url_is_one_line_and_status_1(tmp_path: Path, args: list[str]) -> None:
    env = {"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "PATH": ""}
    run = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", *args], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("Error:")


def _db_init(tmp_path: Path, key_file: Path) -> subprocess.CompletedProcess[str]:
    env = {"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY_FILE": str(key_file), "PATH": ""}
    return subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "db", "init"], env=env, capture_output=True, text=True, timeout=120)


def test_db_init_creates_the_missing_folders_of_the_master_key_file_for_its_owner_only(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "instance" / "master.key"

    run = _db_init(tmp_path, key_file)

    assert run.returncode == 0, run.stderr
    assert oct(key_file.stat().st_mode & 0o777) == oct(0o600)
    assert [oct(p.stat().st_mode & 0o777) for p in (tmp_path / "keys", key_file.parent)] == [oct(0o700), oct(0o700)]


def test_db_init_names_the_master_key_files_path_when_its_folder_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    key_file = tmp_path / "a-file" / "instance" / "master.key"

    run = _db_init(tmp_path, key_file)

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("Error:")
    assert str(key_file) in last
    assert not key_file.exists()
