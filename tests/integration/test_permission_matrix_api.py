"""The permission matrix through the JSON API (issue 13, "Done when"): each kind of person,
with a write token of their own account (or none), sends every command the API offers;
only the people the mechanism allows change anything, the others get 401, 403 or 409/422
and the log does not move."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from domain.reference import ALL_GOVERNMENTS
from tests.e2e.web_support import app_services
from tests.matrix_support import EXPECTED, PERSONAS, World, app_on_copy, world_file  # noqa: F401  (the shared world)

ON_API = ("draft_proposal", "revise_proposal", "propose_amendment", "submit_proposal", "record_position", "schedule_session",
          "add_to_agenda", "decide", "open_endorsement", "vote_on_endorsement", "record_un_advice", "close_endorsement",
          "publish_to_governments")


def api_request(app: Flask, world: World, persona: str, command: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The path, JSON body and headers that send ``command`` (If-Match: the current version)."""
    s = app_services(app)
    client = app.test_client()

    def etag(path: str) -> dict[str, str]:
        return {"If-Match": client.get(path).headers["ETag"]}

    seat = "LT-RT1-B" if persona == "former_representative" else "LT-RT1-A"
    text = {"title": "New one", "problem": "Migrants lack regular pathways.", "recommendation": "Open regular pathways.",
            "rationale": "GCM objective 5.", "objectives": [2], "targets": [ALL_GOVERNMENTS], "language": "es"}
    requests: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {
        "draft_proposal": ("/api/v1/proposals", {**text, "table": "RT1"}, {}),
        "revise_proposal": (f"/api/v1/proposals/{world.draft}/revise", {"changes": {"title": "Revised"}}, etag(f"/api/v1/proposals/{world.draft}")),
        "propose_amendment": (f"/api/v1/proposals/{world.draft}/amendments", {"field": "rationale", "operation": "append", "text": "More."}, {}),
        "submit_proposal": (f"/api/v1/proposals/{world.draft}/submit", {}, {}),
        "record_position": (f"/api/v1/sessions/{world.session}/positions", {"proposal_id": world.on_agenda, "position": "object"}, {}),
        "schedule_session": ("/api/v1/sessions", {"table": "RT1", "date": "2026-02-20"}, {}),
        "add_to_agenda": (f"/api/v1/sessions/{world.session}/agenda", {"proposal_id": world.submitted}, {}),
        "open_endorsement": (f"/api/v1/proposals/{world.adopted}/endorsement", {"closes_on": "2026-02-28"}, {}),
        "decide": (f"/api/v1/sessions/{world.session}/decisions", {"proposal_id": world.on_agenda, "decision": "adopt"},
                   etag(f"/api/v1/sessions/{world.session}")),
        "vote_on_endorsement": (f"/api/v1/proposals/{world.in_round}/endorsement/votes", {"seat": seat, "vote": "endorse"}, {}),
        "record_un_advice": (f"/api/v1/proposals/{world.in_round}/endorsement/advice", {"seat": "LT-UN-1", "advice": "Technical advice."}, {}),
        "close_endorsement": (f"/api/v1/proposals/{world.in_round}/endorsement/close", {}, etag(f"/api/v1/proposals/{world.in_round}/endorsement")),
        "publish_to_governments": (f"/api/v1/proposals/{world.endorsed}/publication", {}, etag(f"/api/v1/proposals/{world.endorsed}")),
    }
    path, body, headers = requests[command]
    if persona != "anonymous":
        headers = {**headers, "Authorization": f"Bearer {s.accounts.create_token(world.accounts[persona], 'matrix', 'write')[1]}"}
    return path, body, headers


def head(app: Flask) -> int:
    return app_services(app).app.recorder.max_notification_id() or 0


@pytest.mark.parametrize("command", ON_API)
def test_only_the_allowed_people_change_anything_through_the_api(
    command: str, world_file: tuple[Path, str, World], app_on_copy: Callable[[], Flask],  # noqa: F811
) -> None:
    world = world_file[2]
    shared = app_on_copy()
    before = head(shared)
    succeeded, statuses = set(), {}
    for persona in PERSONAS:
        app = app_on_copy() if persona in EXPECTED[command] else shared
        start = head(app)
        path, body, headers = api_request(app, world, persona, command)
        statuses[persona] = app.test_client().post(path, json=body, headers=headers).status_code
        if head(app) != start:
            succeeded.add(persona)

    assert succeeded == EXPECTED[command], statuses
    assert all(statuses[p] in (200, 201) for p in succeeded), statuses
    assert statuses["anonymous"] == 401
    assert all(statuses[p] in (403, 404, 409, 422) for p in set(PERSONAS) - succeeded - {"anonymous"}), statuses
    assert head(shared) == before
