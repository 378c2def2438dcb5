"""Issue 4, "Access": ``dialogue participants export ID`` gives a person all their data as
JSON (right of access): details decrypted, memberships, proposals, amendments, positions,
votes, terms, and every event naming them, by id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from application import privacy
from application.bootstrap import Services
from domain.errors import NotFoundError
from tests.conftest import SCENARIO
from tests.integration.test_erasure import PEOPLE, organisation_id, participant_id
from web import create_app

STEPS = json.loads((SCENARIO / "quarter.json").read_text("utf-8"))["steps"]


@pytest.fixture
def export_p12(loaded: Services) -> dict[str, Any]:
    loaded.projector.catch_up()
    return privacy.export_participant(loaded.app, loaded.projector.engine, participant_id("p-12"))


def test_export_gives_the_persons_details_decrypted(export_p12: dict[str, Any]) -> None:
    p = PEOPLE["p-12"]
    assert export_p12["details"] == {
        "display_name": p["display_name"], "organisation_id": str(organisation_id(p["organisation_id"])),
        "gender": p["gender"], "preferred_language": p["preferred_language"],
    }
    assert (export_p12["reference"], export_p12["erased"], export_p12["organisation"]["reference"]) == ("p-12", False, "org-12")


def test_export_lists_memberships_proposals_amendments_positions_votes_and_terms(export_p12: dict[str, Any]) -> None:
    assert [m["table_code"] for m in export_p12["memberships"]] == ["RT1", "RT3"]
    assert [p["reference"] for p in export_p12["proposals_co_authored"]] == ["prop-rt1-04"]
    assert export_p12["proposals_authored"] == []
    assert [a["reference"] for a in export_p12["amendments"]] == ["amd-05"]
    assert len(export_p12["positions"]) == 3
    assert {v["vote"] for v in export_p12["endorsement_votes"]} == {"endorse", "object"}
    assert [(t["seat"], t["vacated_on"]) for t in export_p12["terms"]] == [("LT-RT1-B", None)]


def test_export_holds_an_event_for_every_scenario_step_about_the_person(export_p12: dict[str, Any]) -> None:
    about = {f"2026-Q1#{s['seq']}" for s in STEPS if "p-12" in json.dumps(s)}
    exported = {e["command_id"] for e in export_p12["events"]}
    assert len(about) == 20
    assert about <= exported
    assert "2026-Q1#setup:p-12" in exported  # their registration


def test_export_shows_no_one_elses_personal_data(export_p12: dict[str, Any]) -> None:
    text = json.dumps(export_p12, ensure_ascii=False)
    others = [p["display_name"] for ref, p in PEOPLE.items() if ref != "p-12" and p["display_name"] in text]
    assert others == []


def test_export_after_erasure_keeps_the_activity_without_the_details(loaded: Services) -> None:
    privacy.erase(loaded, "p-12")
    export = privacy.export_participant(loaded.app, loaded.projector.engine, participant_id("p-12"))
    assert export["erased"] is True
    assert set(export["details"].values()) == {None}
    assert export["organisation"] is None
    assert [p["reference"] for p in export["proposals_co_authored"]] == ["prop-rt1-04"]
    assert PEOPLE["p-12"]["display_name"] not in json.dumps(export, ensure_ascii=False)


def test_an_unknown_reference_is_refused(loaded: Services) -> None:
    with pytest.raises(NotFoundError):
        privacy.resolve_participant(loaded.projector.engine, "p-999")


def test_a_participant_is_found_by_uuid_or_reference(loaded: Services) -> None:
    pid = participant_id("p-12")
    assert privacy.resolve_participant(loaded.projector.engine, str(pid)) == pid
    assert privacy.resolve_participant(loaded.projector.engine, " p-12 ") == pid


def cli(loaded: Services, tmp_path: Path) -> Any:
    assert loaded.config.master_key is not None
    return create_app({
        "DIALOGUE_DATABASE_URL": loaded.config.database_url, "DIALOGUE_MASTER_KEY": loaded.config.master_key,
        "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    }).test_cli_runner()


def test_export_command_prints_json(loaded: Services, tmp_path: Path) -> None:
    result = cli(loaded, tmp_path).invoke(args=["participants", "export", "p-12"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["details"]["display_name"] == PEOPLE["p-12"]["display_name"]


def test_export_command_refuses_an_unknown_id_with_a_non_zero_exit(loaded: Services, tmp_path: Path) -> None:
    result = cli(loaded, tmp_path).invoke(args=["participants", "export", "p-999"])
    assert result.exit_code == 1
    assert "No participant with id or reference 'p-999'" in result.output
