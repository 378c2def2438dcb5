"""The API's browsable page in a real browser (issue 13, "The contract"): Swagger UI from
the service's own files shows every operation of the document, under the page's
Content-Security-Policy, without a single request to another site and without a policy
violation."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from application.persistence import generate_master_key
from tests.e2e.test_browser import ARGS, CHROMIUM
from tests.e2e.web_support import make_app
from web.api.docs import DIST

pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but DIALOGUE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    if not (DIST / "swagger-ui-bundle.js").is_file():
        pytest.fail("swagger-ui-dist is not installed: run `make swagger-ui`")
    app = make_app(f"sqlite:///{tmp_path / 'docs.sqlite'}", generate_master_key())
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def test_the_browsable_page_shows_every_operation_from_the_site_alone(base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{base_url}/api/v1/docs")
        page.wait_for_selector(".opblock", timeout=30_000)
        operations = page.locator(".opblock").count()
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        browser.close()

    assert operations >= 25
    assert "/api/v1/proposals/{proposal_id}/revise" in [x.replace("\u200b", "") for x in paths]
    assert all(url.startswith(base_url) or url.startswith("data:") for url in requests), requests
    assert [m for m in problems if "Content Security Policy" in m or "Refused" in m] == []
