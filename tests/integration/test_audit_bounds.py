"""Audit pages answer 400, never 500, to numbers and instants out of range."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from web import create_app


@pytest.fixture
def client(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path) -> Any:
    src, key, _ = loaded_scenario_file
    shutil.copy(src, tmp_path / "db.sqlite")
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "DIALOGUE_MASTER_KEY": key, "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True})
    return app.test_client()


@pytest.mark.parametrize("url", [
    "/audit/log?after=99999999999999999999999",
    "/audit/log.json?after=99999999999999999999999",
    "/audit?after=99999999999999999999999",
])
def test_a_huge_position_is_a_clear_400(client: Any, url: str) -> None:
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00%2B05:00"])
def test_an_instant_out_of_range_is_a_clear_400(client: Any, at: str) -> None:
    log = client.get("/audit/log.json?limit=1").json
    aggregate = log["entries"][0]["aggregate_id"]
    assert aggregate is not None
    assert client.get(f"/audit/aggregates/{aggregate}?at={at}").status_code == 400
