"""What the API's tests share: the app on a private copy of the 2026-Q1 scenario (clock
2026-03-27), write tokens of a participant and of the secretariat, a member of a table, a
draft sent through the API, and the scenario's proposals and sessions by reference."""

from __future__ import annotations

from typing import Any

from flask import Flask

from application.bootstrap import Services
from domain.reference import ALL_GOVERNMENTS
from projections import proposals as proposal_views
from projections import sessions as session_views
from tests.e2e.web_support import account_for, app_services, make_app, participant_id

DRAFT = {"table": "RT1", "title": "Vías regulares", "problem": "Faltan vías regulares.", "recommendation": "Abrir vías regulares.",
         "rationale": "Objetivo 5 del PMM.", "objectives": [2], "targets": [ALL_GOVERNMENTS], "language": "es"}


def api_app(loaded: Services) -> Flask:
    """The web app on ``loaded`` (a private copy of the scenario), for each module's ``app`` fixture."""
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def bearer(app: Flask, reference: str = "p-01", scope: str = "write") -> dict[str, str]:
    s = app_services(app)
    pid = participant_id(app, reference)
    account = s.accounts.of_participant(pid) or s.accounts.create_participant_account(pid, f"{reference}@tests.invalid")
    return {"Authorization": f"Bearer {s.accounts.create_token(account.id, 'tests', scope)[1]}"}


def member_of(app: Flask, table: str, not_of: str | None = None) -> str:
    """The reference of a member of ``table`` (and not of ``not_of``)."""
    from projections import people as people_views
    from projections import tables as table_views

    e = app_services(app).projector.engine
    ids = {m["participant_id"] for m in table_views.members(e, table)}
    ids -= {m["participant_id"] for m in table_views.members(e, not_of)} if not_of else set()
    return next(p["reference"] for p in people_views.participants(e) if p["id"] in ids)


def draft(app: Flask, auth: dict[str, str], **extra: object) -> dict:
    r = app.test_client().post("/api/v1/proposals", json={**DRAFT, **extra}, headers=auth)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def secretariat(app: Flask) -> dict[str, str]:
    account = account_for(app, "secretariat")
    return {"Authorization": f"Bearer {app_services(app).accounts.create_token(account, 'tests', 'write')[1]}"}


def proposal(app: Flask, reference: str) -> dict[str, Any]:
    return next(p for p in proposal_views.list_recommendations(app_services(app).projector.engine) if p["reference"] == reference)


def session(app: Flask, reference: str) -> dict[str, Any]:
    return next(s for s in session_views.list_sessions(app_services(app).projector.engine) if s["reference"] == reference)


