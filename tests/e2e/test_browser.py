"""End to end in a real browser: Debian's Chromium driven by playwright against the app
served on a free localhost port, on a copy of the loaded 2026-Q1 scenario.

Skipped when Chromium is not installed, unless ``DIALOGUE_REQUIRE_BROWSER=1`` (then it
fails). With ``DIALOGUE_SCREENSHOTS=<folder>`` the test also saves screenshots of the
board and of the proposal page at a phone width and a desktop width.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import notified_from_the_log_start
from tests.e2e.web_support import add_sample_call, app_services, make_app, participant_id

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TITLE = "Ventanillas únicas de regularización 🌎 en ciudades de frontera"

pytestmark = pytest.mark.browser


PASSWORD = "una clave larga para el navegador"
MEMBER = "p-01@tests.invalid"  # Lucía Quispe Mamani, RT1 and RT3
SECRETARIAT = "secretaria@tests.invalid"


@dataclass
class Site:
    url: str
    recovery_codes: list[str]


def sign_in(page: object, base_url: str, email: str, code: str | None = None) -> None:
    """Sign in through the sign-in page (and the second-factor step with ``code``)."""
    page.goto(f"{base_url}/login")  # type: ignore[attr-defined]
    page.locator("#email").fill(email)  # type: ignore[attr-defined]
    page.locator("#password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.locator("form.form button[type=submit]").click()  # type: ignore[attr-defined]
    if code is not None:
        page.locator("#code").fill(code)  # type: ignore[attr-defined]
        page.locator("form.form button[type=submit]").click()  # type: ignore[attr-defined]


@pytest.fixture
def site(loaded_scenario_file: tuple[Path, str, dict[str, object]], tmp_path: Path) -> Iterator[Site]:
    """The app on a private copy of the loaded scenario, served in a thread, with two real
    accounts: participant p-01's and a secretariat account with its second factor."""
    if not CHROMIUM.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but DIALOGUE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    src, key, _ = loaded_scenario_file
    db = tmp_path / "browser.sqlite"
    shutil.copy(src, db)
    app = make_app(f"sqlite:///{db}", key, clock="2026-03-27", csrf=True)
    add_sample_call(app)
    accounts = app_services(app).accounts
    member = accounts.create_participant_account(participant_id(app, "p-01"), MEMBER, password=PASSWORD)
    notified_from_the_log_start(accounts.engine, member.id)  # a list to show: told of the scenario recorded before the account
    staff = accounts.create_staff_account(SECRETARIAT, "secretariat", password=PASSWORD)
    import pyotp

    codes = accounts.confirm_enrolment(staff.id, pyotp.TOTP(accounts.begin_enrolment(staff.id).secret).at(accounts.now()))
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", codes)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def base_url(site: Site) -> str:
    return site.url


@pytest.fixture
def page(base_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def _screenshots(page: object, name: str) -> None:
    folder = os.environ.get("DIALOGUE_SCREENSHOTS")
    if not folder:
        return
    for width, label in ((360, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 900})  # type: ignore[attr-defined]


def test_a_participant_drafts_a_proposal_in_the_browser_and_sees_it_on_the_board(page, base_url: str) -> None:
    sign_in(page, base_url, MEMBER)
    page.goto(f"{base_url}/account")
    assert "Lucía Quispe Mamani" in page.locator(".lead").inner_text()

    page.goto(f"{base_url}/proposals/new?table=RT1")
    page.get_by_label("Título").fill(TITLE)
    page.get_by_label("Problema").fill("Las personas migrantes esperan meses por un turno.\nEn la frontera no hay oficinas.")
    page.get_by_label("Recomendación").fill("1. Abrir ventanillas únicas\n2. Publicar los plazos")
    page.get_by_label("Fundamentación").fill("Los plazos actuales superan los seis meses.")
    page.locator("#objectives-5").check()
    page.locator("#targets-all").check()
    page.get_by_role("button", name="Guardar el borrador").click()

    assert page.locator("h1").inner_text() == TITLE
    assert "Su propuesta se guardó como borrador." in page.locator(".flash").inner_text()
    assert page.locator(".typed ol li").all_inner_texts() == ["Abrir ventanillas únicas", "Publicar los plazos"]
    _screenshots(page, "proposal")

    page.get_by_role("link", name="Recomendaciones en borrador").first.click()
    titles = page.locator(".cards h2").all_inner_texts()
    assert TITLE in titles
    _screenshots(page, "board")


def test_a_refused_draft_keeps_what_was_typed_in_the_browser(page, base_url: str) -> None:
    sign_in(page, base_url, MEMBER)
    page.goto(f"{base_url}/proposals/new?table=RT1")
    page.get_by_label("Título").fill(TITLE)
    page.get_by_label("Problema").fill("Texto que no se pierde 🌎")
    page.get_by_label("Recomendación").fill("Algo")
    page.get_by_label("Fundamentación").fill("Porque sí")
    page.locator("summary", has_text="Objetivos de las otras mesas").click()
    page.locator("#objectives-8").check()
    page.locator("#targets-all").check()

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Guardar el borrador").click()

    assert posted.value.status == 422
    assert "pertenecen a RT2, no a RT1" in page.locator("#objectives-error").inner_text()
    # By its role and exact name: the error summary at the top ("Hay un problema") is labelled too.
    assert page.get_by_role("textbox", name="Problema", exact=True).input_value() == "Texto que no se pierde 🌎"
    assert page.locator("#objectives-8").is_checked()


def test_the_pages_fit_a_320px_screen_without_sideways_scrolling(page, site: Site) -> None:
    base_url = site.url
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, base_url, SECRETARIAT, site.recovery_codes[0])
    urls = [
        "/", "/recommendations", "/sessions", "/liaison", "/login", "/proposals/new", "/tables", "/tables/RT1", "/dialogues", "/me", "/account",
        "/open-data", "/dashboards", "/dashboards/objectives", "/dashboards/responses", "/dashboards/participation",
    ]
    page.goto(f"{base_url}/recommendations")
    urls.append(page.locator(".cards h2 a").first.get_attribute("href"))
    page.goto(f"{base_url}/sessions")
    urls.append(page.locator(".sessions a").first.get_attribute("href"))
    too_wide = {}
    for url in urls:
        page.goto(f"{base_url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    assert too_wide == {}
