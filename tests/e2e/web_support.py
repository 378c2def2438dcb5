"""Helpers for the web tests (integration and browser): an app on a given database,
signing a test client in as a real account, form tokens, and the visible text of a page."""

from __future__ import annotations

import html
import re
from typing import Any
from uuid import uuid4

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from application.bootstrap import Services
from web import create_app, services

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
COMMAND = re.compile(r'name="command_id"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="expected_version"[^>]*value="([^"]+)"')


def make_app(url: str, key: str, clock: str = "2026-01-05", csrf: bool = False, **extra: Any) -> Flask:
    config = {
        "DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": key, "DIALOGUE_CLOCK": clock, "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "WTF_CSRF_ENABLED": csrf, "TESTING": True, **extra,
    }
    return create_app(config)


def app_services(app: Flask) -> Services:
    with app.app_context():
        return services()


def token(page: str, prefix: str = "") -> str:
    """The CSRF token of the page's (first) form, or of the form whose fields carry ``prefix``."""
    m = re.search(rf'name="{re.escape(prefix)}csrf_token"[^>]*value="([^"]+)"', page) if prefix else TOKEN.search(page)
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


def account_for(app: Flask, role: str, participant_id: str | None = None) -> str:
    """The id of a real account of ``role``: the participant's own account (created without
    a password when missing), or a new staff account of the secretariat, an auditor or an
    administrator."""
    s = app_services(app)
    if role == "participant":
        assert participant_id, "a participant's account needs the participant"
        existing = s.accounts.of_participant(str(participant_id))
        if existing is not None:
            return existing.id
        return s.accounts.create_participant_account(participant_id, f"p-{uuid4().hex[:10]}@tests.invalid").id
    return s.accounts.create_staff_account(f"{role}-{uuid4().hex[:10]}@tests.invalid", role).id


def sign_in_as(client: FlaskClient, account_id: str) -> None:
    """Sign the test client in as ``account_id``: a real server-side session, its token in
    the client's session cookie as Flask-Login keeps it (the sign-in pages themselves,
    with passwords and second factors, are tested in test_web_sign_in.py)."""
    s = app_services(client.application)
    token = s.accounts.start_session(account_id, "test client")
    with client.session_transaction() as sess:
        sess.clear()
        sess["_user_id"] = token
        sess["_fresh"] = True


def act_as(client: FlaskClient, role: str, participant_id: str | None = None) -> None:
    """Sign in as a real account of ``role`` (``participant`` with its id, ``secretariat``,
    ``auditor``, ``administrator``); ``public`` signs out."""
    if role == "public":
        with client.session_transaction() as sess:
            sess.clear()
        return
    sign_in_as(client, account_for(client.application, role, participant_id))


def text_of(page: str) -> str:
    """The visible text of a page (tags removed, entities decoded)."""
    body = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def participant_id(app: Flask, reference: str) -> str:
    from projections import people as people_views

    s = app_services(app)
    return next(p["id"] for p in people_views.participants(s.projector.engine) if p["reference"] == reference)


def post_form(client: FlaskClient, page_url: str, action: str, prefix: str | None = None, **data: Any) -> TestResponse:
    """Post to ``action`` as a browser would from the page at ``page_url``: with the CSRF
    token and a command id that page rendered (fields ``prefix-…`` for a prefixed form).

    When the page offers this visitor no such form, the reset page's token and a fresh
    command id are used (a visitor posting anyway)."""
    page = client.get(page_url).get_data(as_text=True)
    p = f"{prefix}-" if prefix else ""
    tok = re.search(rf'name="{p}csrf_token"[^>]*value="([^"]+)"', page)
    cid = re.search(rf'name="{p}command_id"[^>]*value="([^"]+)"', page)
    if tok is None or cid is None:
        tok = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/account/reset").get_data(as_text=True))
        assert tok, "no CSRF token on the reset page"
        values = {f"{p}csrf_token": tok.group(1), f"{p}command_id": str(uuid4())}
    else:
        values = {f"{p}csrf_token": tok.group(1), f"{p}command_id": cid.group(1)}
    return client.post(action, data={**values, **{f"{p}{k}": v for k, v in data.items()}})


def visible(response: TestResponse) -> str:
    """The visible text of a response with runs of white space made single spaces."""
    return re.sub(r"\s+", " ", text_of(response.get_data(as_text=True)))


def add_sample_call(app: Flask) -> str:
    """An open call of RT1 on objective 5 (2026-03-20 to 2026-04-30) with one accepted, one
    rejected and one pending input, projected; its id (the scenario has no call of its own)."""
    from datetime import date

    s = app_services(app)
    call = s.app.open_call(
        reference="call-sample", title="Regularización: ¿qué funciona?", text="Aportes sobre vías de regularización permanentes.",
        objectives=[5], table="RT1", languages=["es", "pt"], opens_on=date(2026, 3, 20), closes_on=date(2026, 4, 30),
    )
    sent = [
        s.app.submit_input(call, text=text, organisation_name=org, country=country, stakeholder_group="migrants", language=lang,
                           contact=f"sample-{n}@example.org", actor="public")
        for n, (text, org, country, lang) in enumerate([
            ("A acolhida humanitária funcionou sem exigir documentos vencidos.", "Rede Acolhida", "BR", "pt"),
            ("Compre seguidores baratos.", "", "MX", "es"),
            ("Las tasas deberían ser exentas para personas vulnerables.", "", "PE", "es"),
        ])
    ]
    s.app.moderate_input(sent[0], decision="accept", reason="Pertinente.")
    s.app.moderate_input(sent[1], decision="reject", reason="Publicidad.", category="spam")
    s.projector.catch_up()
    return str(call)


def add_sample_join_request(app: Flask, table: str = "RT1") -> str:
    """A pending request of someone without an account to join ``table``, projected; its id
    (the scenario has no request of its own)."""
    s = app_services(app)
    rid = s.app.request_to_join(
        table, motivation="Coordino una red de acogida en Cusco.", display_name="María Huamán", organisation_name="Red de Acogida Cusco",
        country="PE", stakeholder_group="migrant_organisation", language="es", contact="sample-join@example.org",
    )
    s.projector.catch_up()
    return str(rid)
