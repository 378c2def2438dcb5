"""Transfer: a page is compressed for a client that accepts gzip (brotli when accepted),
the stylesheet has a content-hashed address kept a year, and pages carry a description."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import make_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def test_a_gzip_request_gets_a_compressed_page(app: Flask) -> None:
    r = app.test_client().get("/recommendations", headers={"Accept-Encoding": "gzip"})

    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    page = gzip.decompress(r.get_data()).decode()
    assert "<h1" in page
    assert len(r.get_data()) < len(page.encode()) / 3


def test_brotli_is_preferred_when_the_client_accepts_it(app: Flask) -> None:
    r = app.test_client().get("/", headers={"Accept-Encoding": "gzip, br"})

    assert r.headers["Content-Encoding"] == "br"
    assert "<h1" in brotli.decompress(r.get_data()).decode()


def test_a_client_that_accepts_no_compression_gets_the_plain_page(app: Flask) -> None:
    r = app.test_client().get("/", headers={"Accept-Encoding": "identity"})

    assert "Content-Encoding" not in r.headers
    assert "<h1" in r.get_data(as_text=True)


def test_the_stylesheet_has_a_content_hashed_name_kept_a_year(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert href and re.fullmatch(r"/assets/style\.[0-9a-f]{12}\.css", href.group(1))

    with client.get(href.group(1)) as r:
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert b"body" in r.get_data()


def test_an_old_hash_gets_the_current_file_for_a_short_while(app: Flask) -> None:
    with app.test_client().get("/assets/style.000000000000.css") as r:
        assert r.status_code == 200
        assert "max-age=300" in r.headers["Cache-Control"]


def test_pages_carry_a_description(app: Flask) -> None:
    page = app.test_client().get("/recommendations?lang=en").get_data(as_text=True)

    assert re.search(r'<meta name="description" content="Recommendations adopted by the working tables[^"]+">', page)
