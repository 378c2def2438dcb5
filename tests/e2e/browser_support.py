"""Helpers for the browser tests that build their own small site: Chromium present (or the
test skipped), the app served in a thread, a browser, a page signed in as someone, and the
serious accessibility violations axe finds on a page (``test_accessibility_axe.serious``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.e2e.test_accessibility_axe import AXE, serious
from tests.e2e.test_browser import ARGS, CHROMIUM, sign_in


def require_chromium() -> None:
    """Skip the test when Debian's Chromium is missing (fail under DIALOGUE_REQUIRE_BROWSER=1)."""
    if not CHROMIUM.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but DIALOGUE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(browser: Any, base_url: str, email: str | None = None, code: str | None = None, locale: str = "es-ES") -> Any:
    """A page in a new context (CSP bypassed so that axe can be injected), signed in as
    ``email`` through the sign-in page (``code``: its second factor), or the public."""
    page = browser.new_context(locale=locale, bypass_csp=True, viewport={"width": 1280, "height": 900}).new_page()
    if email is not None:
        sign_in(page, base_url, email, code)
    return page


def axe_problems(page: Any) -> list[str]:
    """The serious and critical violations on the page loaded now ([] when axe-core is not
    installed, unless DIALOGUE_REQUIRE_BROWSER=1, which fails)."""
    if not AXE.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run `make axe`")
        return []
    return serious(page)
