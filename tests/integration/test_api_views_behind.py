"""A write that is saved but whose views do not reach it in time (a projection worker that
does not run) is answered 202 views_behind with the resource's Location, the version saved
and Retry-After: never a 404 or the old resource, as if it had not been saved."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import app_services
from tests.integration.api_support import DRAFT, api_app, bearer, draft, member_of


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


def views_never_catch_up(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The projection worker never runs: waiting for the views gives up (returns False)."""
    def never(position: int | None = None, timeout: float = 5.0) -> bool:
        return False

    monkeypatch.setattr(app_services(app), "wait_for_views", never)


def test_a_draft_whose_views_are_behind_is_202_with_its_address(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    views_never_catch_up(app, monkeypatch)

    r = app.test_client().post("/api/v1/proposals", json=DRAFT, headers=auth)

    body: dict[str, Any] = r.get_json()
    assert r.status_code == 202
    assert (body["code"], body["version"]) == ("views_behind", 1)
    assert "saved" in body["message"]
    assert int(r.headers["Retry-After"]) >= 2 and r.headers["ETag"] == '"1"'
    assert "/api/v1/proposals/" in r.headers["Location"]
    monkeypatch.undo()
    stored = app.test_client().get(r.headers["Location"], headers=auth)
    assert (stored.status_code, stored.get_json()["title"]) == (200, DRAFT["title"])


def test_a_revision_whose_views_are_behind_is_202_with_the_version_saved(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    drafted = draft(app, auth)
    views_never_catch_up(app, monkeypatch)

    r = app.test_client().post(f"/api/v1/proposals/{drafted['id']}/revise", json={"changes": {"title": "Vías nuevas"}},
                               headers={**auth, "If-Match": '"1"'})

    body: dict[str, Any] = r.get_json()
    assert r.status_code == 202
    assert (body["code"], body["version"], r.headers["ETag"]) == ("views_behind", 2, '"2"')
    assert r.headers["Location"].endswith(f"/api/v1/proposals/{drafted['id']}")
    assert int(r.headers["Retry-After"]) >= 2
