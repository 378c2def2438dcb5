"""The open data on the site and the command line: the recommendation's PDF, the download
page with its quarterly archive, ``dialogue export open-data`` and ``dialogue close-due``."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from application.bootstrap import Services
from application.open_data.document import provenance
from application.open_data.quarterly import latest_quarter
from projections import proposals as proposal_views
from tests.e2e.web_support import app_services, make_app


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _published(loaded: Services, reference: str = "prop-rt1-01") -> dict[str, object]:
    return next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == reference)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("lang", "label"), [("es", "Posición en el registro"), ("en", "Log position"), ("pt", "Posição no registo"), ("fr", "Position dans le journal")])
def test_the_recommendation_pdf_carries_its_title_and_provenance(app: Flask, loaded: Services, lang: str, label: str) -> None:
    rec = _published(loaded)
    where = provenance(loaded.app.engine, str(rec["id"]))
    assert where is not None

    r = app.test_client().get(f"/recommendations/{rec['id']}.pdf?lang={lang}")
    text = _pdf_text(r.data)
    flat = re.sub(r"\s+", "", text)

    assert (r.status_code, r.mimetype, r.data[:5]) == (200, "application/pdf", b"%PDF-")
    assert re.sub(r"\s+", "", str(rec["title"])) in flat
    assert label in text and str(where["position"]) in text
    assert where["chain_hash"] in flat


def test_a_proposal_that_is_not_published_has_no_pdf(app: Flask, loaded: Services) -> None:
    draft = next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["status"] == "draft")
    client = app.test_client()
    assert [client.get(f"/recommendations/{draft['id']}.pdf").status_code, client.get("/recommendations/not-an-id.pdf").status_code] == [404, 404]


def test_the_download_page_says_when_no_quarter_is_published_yet(app: Flask) -> None:
    page = app.test_client().get("/open-data?lang=en").get_data(as_text=True)
    assert "No quarterly open data has been published yet" in page


def test_the_download_page_serves_the_latest_quarter_as_one_archive(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["export", "quarter"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    page = client.get("/open-data?lang=en").get_data(as_text=True)
    stored = latest_quarter(app_services(app).app.engine)
    assert stored is not None

    r = client.get("/open-data/2026-Q1.zip")
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    package = json.loads(zipfile.ZipFile(io.BytesIO(r.data)).read("datapackage.json"))

    assert (stored.quarter, stored.final, str(stored.as_of)) == ("2026-Q1", False, "2026-03-27")
    assert "/open-data/2026-Q1.zip" in page and stored.chain_hash in page
    assert r.data == stored.archive and "datapackage.json" in names and "recommendations.csv" in names
    assert (package["log_position"], package["effective_as_of"]) == (stored.position, "2026-03-27")
    assert client.get("/open-data/2025-Q4.zip").status_code == 404


def test_close_due_builds_the_final_archive_of_an_ended_quarter_once(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["close-due", "--as-of", "2026-04-02"])
    stored = latest_quarter(app_services(app).app.engine)
    again = runner.invoke(args=["close-due", "--as-of", "2026-04-03"])

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert stored is not None and (stored.quarter, stored.final, str(stored.as_of)) == ("2026-Q1", True, "2026-03-31")
    assert "Open data of 2026-Q1" in first.output and "Open data of" not in again.output
    out = tmp_path / "again"
    rebuilt = runner.invoke(args=["export", "open-data", str(out), "--until", str(stored.position), "--as-of", "2026-03-31"])
    assert rebuilt.exit_code == 0, rebuilt.output
    with zipfile.ZipFile(io.BytesIO(stored.archive)) as z:
        assert {n: z.read(n) for n in z.namelist()} == {p.name: p.read_bytes() for p in out.iterdir()}


def test_export_open_data_refuses_a_position_beyond_the_head(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["export", "open-data", str(tmp_path / "x"), "--until", "999999"])
    assert result.exit_code == 1 and "beyond the log's head" in result.output
    assert not (tmp_path / "x").exists()


def test_a_published_recommendation_links_its_pdf_in_four_languages_and_a_draft_does_not(app: Flask, loaded: Services) -> None:
    rec = _published(loaded)
    draft = next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["status"] == "draft")
    client = app.test_client()

    published_page = client.get(f"/proposals/{rec['id']}?lang=en").get_data(as_text=True)
    draft_page = client.get(f"/proposals/{draft['id']}?lang=en").get_data(as_text=True)

    assert [f"/recommendations/{rec['id']}.pdf?lang={code}" in published_page for code in ("es", "en", "pt", "fr")] == [True] * 4
    assert ".pdf" not in draft_page
