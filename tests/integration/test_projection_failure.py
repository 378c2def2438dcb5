"""A view that cannot apply a stored event does not turn the stored command into an error;
readiness reports where the views stopped."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from domain.proposal import Proposal
from projections import proposals as proposal_views
from projections.base import topic as topic_of
from web import create_app, services


def failing(*_: Any) -> None:
    raise RuntimeError("injected view failure")


@pytest.fixture
def app(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path) -> Any:
    src, key, _ = loaded_scenario_file
    shutil.copy(src, tmp_path / "db.sqlite")
    return create_app({
        "DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "DIALOGUE_MASTER_KEY": key,
        "DIALOGUE_CLOCK": "2026-03-27", "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })


def test_a_failing_view_keeps_the_command_and_makes_readiness_fail(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    topic = topic_of(Proposal, "Revised")
    monkeypatch.setitem(proposal_views.projection.handlers, topic, failing)
    with app.app_context():
        s = services()
        draft = next(r for r in proposal_views.list_recommendations(s.projector.engine) if r["reference"] == "prop-rt1-08")
        version = s.app.revise_proposal(draft["id"], {"title": "Revisado"}, actor=draft["author_id"])
        assert s.app.proposal(draft["id"]).title == "Revisado"
    body = app.test_client().get("/readyz")
    assert body.status_code == 503
    assert body.json["status"] == "projection_failed"
    assert body.json["projection"]["failed_at"] == body.json["projection"]["head"]
    assert version == draft["version"] + 1


def test_readiness_recovers_once_the_view_applies_again(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    topic = topic_of(Proposal, "Revised")
    with app.app_context():
        s = services()
        draft = next(r for r in proposal_views.list_recommendations(s.projector.engine) if r["reference"] == "prop-rt1-08")
        monkeypatch.setitem(proposal_views.projection.handlers, topic, failing)
        s.app.revise_proposal(draft["id"], {"title": "Revisado"}, actor=draft["author_id"])
        monkeypatch.undo()
        s.projector.catch_up()
    body = app.test_client().get("/readyz")
    assert (body.status_code, body.json["status"]) == (200, "ready")
