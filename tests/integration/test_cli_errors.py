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
