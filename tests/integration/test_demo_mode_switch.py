"""Demo mode (anyone acts as anyone until accounts exist) can be switched off."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from web import create_app


def make_app(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path, demo: str) -> Any:
    src, key, _ = loaded_scenario_file
    shutil.copy(src, tmp_path / "db.sqlite")
    return create_app({
        "DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "DIALOGUE_MASTER_KEY": key,
        "DIALOGUE_CLOCK": "2026-03-27", "DIALOGUE_DEMO_MODE": demo, "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
        "WTF_CSRF_ENABLED": False,
    })


@pytest.mark.parametrize("demo", ["no"])
def test_without_demo_mode_nobody_can_choose_a_role(loaded_scenario_file: Any, tmp_path: Path, demo: str) -> None:
    client = make_app(loaded_scenario_file, tmp_path, demo).test_client()
    assert client.get("/demo").status_code == 404
    assert client.post("/demo", data={"role": "auditor"}).status_code == 404
    with client.session_transaction() as s:
        s["acting"] = {"role": "auditor"}  # a cookie forged from a demo instance
    page = client.get("/audit/log")
    assert "Lucía Quispe Mamani" not in page.get_data(as_text=True)
    assert "Demo mode" not in client.get("/?lang=en").get_data(as_text=True)


def test_with_demo_mode_the_banner_and_chooser_are_there(loaded_scenario_file: Any, tmp_path: Path) -> None:
    client = make_app(loaded_scenario_file, tmp_path, "yes").test_client()
    assert client.get("/demo").status_code == 200
    assert "Demo mode" in client.get("/?lang=en").get_data(as_text=True)
