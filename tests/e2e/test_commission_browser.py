"""The cross-cutting commission's pages in a real browser (issue 19, "The commission"), each
with no serious accessibility violation (axe-core, as ``test_accessibility_axe.py``): the
secretariat (second factor) establishes the commission on /commission after a refused first
try; a member of the commission, on a published recommendation's page, sends a refused
indicator, then a refused measurement, each shown again with every problem, and records a
measurement; the public sees /commission and the recommendation's indicators.

The mechanism is the ``indicators`` scenario folder (a published recommendation, its
commission and one indicator); the fresh site for establishing has two participants.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pyotp
import pytest
from flask import Flask
from werkzeug.serving import make_server

from application.persistence import generate_master_key
from application.scenario.loader import ScenarioLoader
from tests.e2e.test_accessibility_axe import AXE, serious
from tests.e2e.test_browser import ARGS, CHROMIUM, PASSWORD, sign_in
from tests.e2e.web_support import app_services, make_app

pytestmark = pytest.mark.browser
FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "indicators"
SECRETARIAT = "secretaria-comision@tests.invalid"


def _serve(web: Flask, extra: dict[str, Any]) -> Iterator[dict[str, Any]]:
    s = app_services(web)
    staff = s.accounts.create_staff_account(SECRETARIAT, "secretariat", password=PASSWORD)
    codes = s.accounts.confirm_enrolment(staff.id, pyotp.TOTP(s.accounts.begin_enrolment(staff.id).secret).at(s.accounts.now()))
    server = make_server("127.0.0.1", 0, web)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "codes": codes, "axe": {}, **extra}
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def _need_browser() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but DIALOGUE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make axe)")


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Two participants, no commission yet."""
    _need_browser()
    web = make_app(f"sqlite:///{tmp_path / 'commission.sqlite'}", generate_master_key(), clock="2026-06-01", csrf=True)
    app = app_services(web).app
    ids = [str(app.register_participant(reference=r, display_name=n, organisation_id=None, gender="woman", preferred_language="es", id=uuid4()))
           for r, n in (("p-1", "Ana Quispe"), ("p-2", "Eva Lima"))]
    yield from _serve(web, {"ids": ids})


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The indicators scenario on 2026-10-05, with an account for p-06 (a member of the
    commission holding a Liaison Table seat: a second factor)."""
    _need_browser()
    web = make_app(f"sqlite:///{tmp_path / 'indicators.sqlite'}", generate_master_key(), clock="2026-01-01", csrf=True)
    s = app_services(web)
    loader = ScenarioLoader(s.app, FOLDER)
    loader.run()
    s.app.clock.set(date(2026, 10, 5))  # type: ignore[attr-defined]
    member = s.accounts.create_participant_account(str(loader.pid("p-06")), "p06@tests.invalid", password=PASSWORD)
    codes = s.accounts.confirm_enrolment(member.id, pyotp.TOTP(s.accounts.begin_enrolment(member.id).secret).at(s.accounts.now()))
    s.projector.catch_up()
    yield from _serve(web, {"proposal": str(loader.prop("prop-a")), "member_codes": codes})


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def page_of(browser: Any, site: dict[str, Any], who: str | None, path: str, code: str | None = None) -> Any:
    page = browser.new_context(locale="es-ES", bypass_csp=True, viewport={"width": 1280, "height": 900}).new_page()
    if who is not None:
        sign_in(page, site["url"], who, code)
    page.goto(site["url"] + path)
    return page


def axe(site: dict[str, Any], page: Any, name: str) -> None:
    """Keep the serious violations of the page shown now (at 360 and 1280 pixels)."""
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        problems = serious(page)
        if problems:
            site["axe"][f"{name} @{width}px"] = problems


def test_the_secretariat_establishes_the_commission_after_a_refused_try(browser: Any, fresh: dict[str, Any]) -> None:
    sec = page_of(browser, fresh, SECRETARIAT, "/commission", fresh["codes"][0])
    axe(fresh, sec, "establish form")
    sec.locator("section[aria-labelledby=establish-h] button[type=submit]").click()
    refused = sec.locator("section[aria-labelledby=establish-h] .error").all_inner_texts()
    axe(fresh, sec, "establish form refused")
    sec.locator("#cct-reference").fill("CCT-2026")
    for pid in fresh["ids"]:
        sec.locator(f"#cct-members-{pid}").check()
    sec.locator("section[aria-labelledby=establish-h] button[type=submit]").click()
    done = sec.content()
    public = page_of(browser, fresh, None, "/commission")
    axe(fresh, public, "public /commission")

    assert len(refused) == 2
    assert "La comisión transversal está constituida." in done and "Ana Quispe" in done
    assert "2 miembros, designados por la Mesa de Enlace." in public.content() and "Ana Quispe" not in public.content()
    assert fresh["axe"] == {}


def test_a_member_sends_refused_forms_then_records_a_measurement(browser: Any, scenario: dict[str, Any]) -> None:
    path = f"/proposals/{scenario['proposal']}"
    member = page_of(browser, scenario, "p06@tests.invalid", path, scenario["member_codes"][0])
    axe(scenario, member, "recommendation with the member's forms")
    member.locator("#ind-name").fill("Personas con documento")
    member.locator("#ind-baseline").fill("cien")
    member.locator("section[aria-labelledby=define-h] button[type=submit]").click()
    indicator_errors = member.locator("section[aria-labelledby=define-h] p.error").count()
    typed = member.locator("#ind-name").input_value()
    axe(scenario, member, "indicator refused")

    member.locator("article.indicator details summary").first.click()
    form = member.locator("article.indicator form").first
    form.locator("input[name$=period]").fill("2026-H2")
    form.locator("input[name$=value]").fill("2700")
    form.locator("button[type=submit]").click()
    measurement_errors = member.locator("article.indicator details[open] p.error").all_inner_texts()
    axe(scenario, member, "measurement refused")
    form = member.locator("article.indicator details[open] form")
    form.locator("input[name$=period]").fill("2026-Q4")
    form.locator("input[name$=source_title]").fill("Boletín migratorio")
    form.locator("input[name$=source_url]").fill("https://example.org/boletin-q4.csv")
    form.locator("button[type=submit]").click()
    recorded = member.content()
    public = page_of(browser, scenario, None, path)
    axe(scenario, public, "public recommendation")

    assert (typed, indicator_errors >= 6) == ("Personas con documento", True)
    assert len(measurement_errors) == 2
    assert "La medición está registrada." in recorded
    assert "Boletín migratorio" in public.locator("#ind-h ~ article.indicator").first.inner_text()
    assert scenario["axe"] == {}
