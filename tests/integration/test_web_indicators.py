"""The commission's indicators on a recommendation's page (issue 19), on SQLite and
PostgreSQL: the indicator with its baseline and target, a data table of its measurements
with their sources, and its progress per state as a server-drawn SVG chart."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from application.bootstrap import Services
from application.scenario.loader import ScenarioLoader
from tests.e2e.web_support import make_app, visible

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "indicators"


@pytest.fixture
def site(services: Services) -> tuple[Flask, str]:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    loader = ScenarioLoader(services.app, FOLDER)
    loader.run()
    services.projector.catch_up()
    web = make_app(services.config.database_url, str(services.config.master_key), clock="2026-10-05")
    return web, str(loader.prop("prop-a"))


def test_the_recommendations_page_shows_each_measurement_with_its_progress_and_source(site: tuple[Flask, str]) -> None:
    web, pid = site
    client = web.test_client()

    page = visible(client.get(f"/proposals/{pid}?lang=en"))

    assert "baseline 1,200 on Dec 31, 2025 · target 5,000 by Dec 31, 2028" in page
    assert "Colombia 2026-Q3 2,300 29 % Registro administrativo de regularización migratoria" in page
    assert "Mexico 2026-Q2 1,500 8 % Estadísticas migratorias, boletín trimestral" in page


@pytest.mark.parametrize(("lang", "baseline", "value"), [("es", "1.200", "2.300"), ("pt", "1.200", "2.300"), ("fr", "1\u202f200", "2\u202f300")])
def test_the_numbers_of_an_indicator_are_written_as_the_reader_writes_them(site: tuple[Flask, str], lang: str, baseline: str, value: str) -> None:
    web, pid = site

    html = web.test_client().get(f"/proposals/{pid}?lang={lang}").get_data(as_text=True)

    assert (f" {baseline} " in html, f"<td>{value}</td>" in html) == (True, True)


def test_the_chart_is_an_svg_naming_each_state_covered(site: tuple[Flask, str]) -> None:
    web, pid = site
    client = web.test_client()
    html = client.get(f"/proposals/{pid}?lang=es").get_data(as_text=True)
    src = re.search(r'<img src="(/indicators/[^"]+)"', html)
    assert src is not None

    r = client.get(src.group(1).replace("&amp;", "&"))

    assert (r.status_code, r.mimetype) == (200, "image/svg+xml")
    assert b"Colombia" in r.data and (b"M\xc3\xa9xico" in r.data or b"Mexico" in r.data)
