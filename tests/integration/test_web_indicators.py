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

    assert "baseline 1200 on Dec 31, 2025 · target 5000 by Dec 31, 2028" in page
    assert "Colombia 2026-Q3 2300 29 % Registro administrativo de regularización migratoria" in page
    assert "Mexico 2026-Q2 1500 8 % Estadísticas migratorias, boletín trimestral" in page


def test_the_chart_is_an_svg_naming_each_state_covered(site: tuple[Flask, str]) -> None:
    web, pid = site
    client = web.test_client()
    html = client.get(f"/proposals/{pid}?lang=es").get_data(as_text=True)
    src = re.search(r'<img src="(/indicators/[^"]+)"', html)
    assert src is not None

    r = client.get(src.group(1).replace("&amp;", "&"))

    assert (r.status_code, r.mimetype) == (200, "image/svg+xml")
    assert b"Colombia" in r.data and (b"M\xc3\xa9xico" in r.data or b"Mexico" in r.data)
