"""The size limit holds for every body, chunked or not (issue 11, item 7), through HTTP on the
development server (in a thread) and on gunicorn (``dialogue serve``), on a SQLite file and
PostgreSQL: a member's draft sent as a 5 MB chunked form (a valid draft and a long unknown field) answers 413 and the log does not
grow; the same draft of normal size, chunked, is stored.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from application.bootstrap import Services
from domain.reference import ALL_GOVERNMENTS
from tests.conftest import seed_members
from tests.e2e.web_support import app_services, make_app
from tests.integration.test_concurrency import PASSWORD, Browser
from tests.integration.test_simultaneous_http import served

MB = 1024 * 1024


@dataclass
class Member:
    browser: Browser
    base: str

    def cookie(self) -> str:
        jar = next(h.cookiejar for h in self.browser.opener.handlers if hasattr(h, "cookiejar"))
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    def draft_chunked(self, padding: int) -> int:
        """Send a valid draft form followed by a field of ``padding`` characters as a chunked
        body (``Transfer-Encoding: chunked``, no ``Content-Length``); the answer's status. (Cut
        at the limit, the form would still hold a whole valid draft.)"""
        page = self.browser.get("/proposals/new")
        body = urllib.parse.urlencode({
            "csrf_token": Browser.field(page, "csrf_token"), "command_id": Browser.field(page, "command_id"),
            "table": "RT1", "title": "Ventanillas únicas", "problem": "Esperan meses.",
            "recommendation": "Abrir ventanillas.", "rationale": "Porque sí.", "objectives": "2",
            "targets": ALL_GOVERNMENTS, "language": "es", "padding": "a" * padding,
        }).encode()
        chunks = (body[i:i + 64 * 1024] for i in range(0, len(body), 64 * 1024))
        host, port = urllib.parse.urlsplit(self.base).netloc.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            conn.request("POST", "/proposals/new", body=chunks, encode_chunked=True, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie(),
            })
            response = conn.getresponse()
            response.read()
            return int(response.status)
        finally:
            conn.close()


def signed_in_member(services: Services, base: str) -> Member:
    pid = seed_members(services.app, 1)[0]
    services.accounts.create_participant_account(pid, "member@tests.invalid", password=PASSWORD)
    services.wait_for_views()
    browser = Browser(base)
    assert browser.sign_in("member@tests.invalid", PASSWORD) == 302
    return Member(browser, base)


def log_length(services: Services) -> int:
    return int(services.app.recorder.max_notification_id() or 0)


@contextmanager
def development_server(database_url: str, master_key: str) -> Iterator[tuple[str, Services]]:
    app = make_app(database_url, master_key, csrf=True, DIALOGUE_INLINE_PROJECTION="yes")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app_services(app)
    finally:
        server.shutdown()
        thread.join(10)


def test_a_chunked_form_over_the_limit_is_413_on_the_development_server_and_nothing_is_stored(
    database_url: str, master_key: str,
) -> None:
    with development_server(database_url, master_key) as (base, services):
        member = signed_in_member(services, base)
        before = log_length(services)

        status = member.draft_chunked(5 * MB)

        assert status == 413
        assert log_length(services) == before


def test_a_chunked_form_within_the_limit_is_stored_on_the_development_server(database_url: str, master_key: str) -> None:
    with development_server(database_url, master_key) as (base, services):
        member = signed_in_member(services, base)
        before = log_length(services)

        status = member.draft_chunked(10_000)

        assert status == 302
        assert log_length(services) > before  # the draft and its reference


@pytest.mark.slow
def test_a_chunked_form_over_the_limit_is_413_on_gunicorn_and_nothing_is_stored(
    services: Services, database_url: str, master_key: str,
) -> None:
    with served(database_url, master_key, workers=2) as base:
        member = signed_in_member(services, base)
        before = log_length(services)

        too_large = member.draft_chunked(5 * MB)
        after_refusal = log_length(services)
        within = member.draft_chunked(10_000)

    assert (too_large, within) == (413, 302)
    assert after_refusal == before
    assert log_length(services) > before
