"""Helpers for the web tests (integration and browser): an app on a given database,
acting in demo mode, form tokens, and the visible text of a page."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from web import create_app, services

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
COMMAND = re.compile(r'name="command_id"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="expected_version"[^>]*value="([^"]+)"')


def make_app(url: str, key: str, clock: str = "2026-01-05", csrf: bool = False, **extra: Any) -> Flask:
    config = {
        "DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": key, "DIALOGUE_CLOCK": clock, "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": csrf, "TESTING": True, **extra,
    }
    return create_app(config)


def app_services(app: Flask) -> Services:
    with app.app_context():
        return services()


def token(page: str) -> str:
    m = TOKEN.search(page)
    assert m, "no CSRF token in the page"
    return m.group(1)


def command_id(page: str) -> str:
    m = COMMAND.search(page)
    assert m, "no command id in the page"
    return m.group(1)


def expected_version(page: str) -> str:
    m = VERSION.search(page)
    assert m, "no expected version in the page"
    return m.group(1)


def act_as(client: FlaskClient, role: str, participant_id: str | None = None) -> None:
    """Choose whom to act as on the demo page (through its form, with its token)."""
    page = client.get("/demo").get_data(as_text=True)
    data = {"role": role, "participant": participant_id or "", "csrf_token": token(page) if "csrf_token" in page else ""}
    r = client.post("/demo", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)


def text_of(page: str) -> str:
    """The visible text of a page (tags removed, entities decoded)."""
    body = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def participant_id(app: Flask, reference: str) -> str:
    from projections import queries

    s = app_services(app)
    return next(p["id"] for p in queries.participants(s.projector.engine) if p["reference"] == reference)
