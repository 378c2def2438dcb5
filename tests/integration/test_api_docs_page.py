"""The API's browsable page (``/api/v1/docs``) as HTTP sees it: the site's own assets under
a policy that lets nothing else in (its rendering in a browser: tests/e2e/test_api_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from application.persistence import generate_master_key
from tests.e2e.web_support import make_app
from web.api import docs


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(f"sqlite:///{tmp_path / 'docs.sqlite'}", generate_master_key())


def test_the_page_loads_the_sites_own_assets_under_its_policy(app: Flask) -> None:
    if not (docs.DIST / "swagger-ui-bundle.js").is_file():
        pytest.fail("swagger-ui-dist is not installed: run `make swagger-ui`")
    client = app.test_client()

    page = client.get("/api/v1/docs")
    script = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'src="/api/v1/docs/assets/swagger-ui-bundle.js"' in html and "http" not in html.split("<body>")[1]
    assert script.status_code == 200 and script.mimetype == "text/javascript"


def test_only_the_pages_assets_are_served(app: Flask) -> None:
    r = app.test_client().get("/api/v1/docs/assets/package.json")

    assert r.status_code == 404


def test_without_its_assets_the_page_says_how_to_install_them(app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(docs, "DIST", tmp_path / "nothing")

    r = app.test_client().get("/api/v1/docs")

    assert r.status_code == 503 and "make swagger-ui" in r.get_data(as_text=True)
