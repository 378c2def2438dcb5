"""The axe-core engine (npm ``axe-core``, installed by ``make axe`` into tests/e2e/axe)
reports no serious or critical violation on every page reached by following the site's
links (one page of each kind, :mod:`tests.integration.page_crawl`), as the public, a member
and the secretariat, at 375 and 1280 pixels; and on the sign-in, second-factor, account,
"what waits for me", notifications and notification preference pages. One browser context per test, reused page after page.

axe is injected with playwright's ``add_script_tag`` into a context that bypasses the
Content-Security-Policy (the pages themselves allow no script).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import ARGS, CHROMIUM, MEMBER, SECRETARIAT, Site, sign_in
from tests.e2e.test_browser import site as site  # noqa: F401, PLC0414  (the served scenario with two accounts)

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser


@pytest.fixture
def axe_page(site: Site) -> Iterator[Any]:  # noqa: F811
    if not AXE.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run `make axe`")
        pytest.skip("axe-core is not installed (make axe)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="es-ES", bypass_csp=True, viewport={"width": 1280, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def serious(page: Any) -> list[str]:
    """The serious and critical violations axe finds on the page loaded now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def check(page: Any, url: str, found: dict[str, list[str]]) -> None:
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        problems = serious(page)
        if problems:
            found[f"{url} @{width}px"] = problems


def test_sign_in_pages_have_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    found: dict[str, list[str]] = {}
    for path in ("/login", "/account/reset", "/login?lang=en"):
        check(axe_page, site.url + path, found)
    axe_page.goto(f"{site.url}/login")
    axe_page.locator("#email").fill(MEMBER)
    axe_page.locator("#password").fill("not the password at all")
    axe_page.locator("form.form button[type=submit]").click()  # the refused form, with its message
    problems = serious(axe_page)
    if problems:
        found["/login (refused)"] = problems
    assert found == {}


def test_a_members_account_and_waiting_pages_have_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    sign_in(axe_page, site.url, MEMBER)
    found: dict[str, list[str]] = {}
    for path in ("/me", "/account", "/account/second-factor"):
        check(axe_page, site.url + path, found)
    assert found == {}


def test_a_members_notifications_and_preference_form_have_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    sign_in(axe_page, site.url, MEMBER)
    found: dict[str, list[str]] = {}
    for path in ("/notifications", "/notifications/preferences", "/notifications?lang=en", "/notifications/unsubscribe/not-a-valid-link"):
        check(axe_page, site.url + path, found)
    assert found == {}


def test_the_secretariats_pages_have_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    axe_page.goto(f"{site.url}/login")
    axe_page.locator("#email").fill(SECRETARIAT)
    axe_page.locator("#password").fill("una clave larga para el navegador")
    axe_page.locator("form.form button[type=submit]").click()
    found: dict[str, list[str]] = {}
    problems = serious(axe_page)  # the second-factor step
    if problems:
        found["/login/code"] = problems
    axe_page.locator("#code").fill(site.recovery_codes[0])
    axe_page.locator("form.form button[type=submit]").click()
    for path in ("/me", "/account", "/account/invite"):
        check(axe_page, site.url + path, found)
    assert found == {}


def _crawl_in_browser(page: Any, base: str, limit: int = 45) -> list[str]:
    """The addresses of one page of each kind reached from the starting pages by links."""
    from urllib.parse import urljoin, urlsplit

    from tests.integration.page_crawl import SKIP, STARTS, _kind

    queue, seen, kinds = [*STARTS, "/privacy/participation"], [], set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        kind = _kind(parts.path, parts.query)
        if kind in kinds or SKIP.search(parts.path) or "lang=" in parts.query:
            continue
        kinds.add(kind)
        response = page.goto(base + url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        seen.append(url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlsplit(urljoin(parts.path, href))
            if not target.netloc and target.path.startswith("/"):
                queue.append(target.path + ("?" + target.query if target.query else ""))
    return seen


def _every_page(axe_page: Any, base: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for url in _crawl_in_browser(axe_page, base):
        for width in (375, 1280):
            axe_page.set_viewport_size({"width": width, "height": 900})
            axe_page.goto(base + url)
            problems = serious(axe_page)
            if problems:
                found[f"{url} @{width}px"] = problems
    return found


def test_every_page_as_the_public_has_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    assert _every_page(axe_page, site.url) == {}


def test_every_page_as_a_member_has_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    sign_in(axe_page, site.url, MEMBER)
    assert _every_page(axe_page, site.url) == {}


def test_every_page_as_the_secretariat_has_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    sign_in(axe_page, site.url, SECRETARIAT, site.recovery_codes[1])
    assert _every_page(axe_page, site.url) == {}


def test_the_check_finds_a_violation_planted_on_purpose(axe_page: Any) -> None:
    axe_page.set_content('<!doctype html><html lang="es"><head><title>t</title></head><body><main><img src="data:,"></main></body></html>')
    assert any(p.startswith("image-alt (critical)") for p in serious(axe_page))


def test_a_refused_draft_with_its_error_summary_has_no_serious_violation(axe_page: Any, site: Site) -> None:  # noqa: F811
    sign_in(axe_page, site.url, MEMBER)
    axe_page.goto(f"{site.url}/proposals/new")
    axe_page.locator("form.form button[type=submit]").click()  # every field empty: every error at once
    assert axe_page.locator("main > .error-summary[role=alert] .error-list a").count() >= 4
    assert axe_page.title().startswith("Error: ")
    assert serious(axe_page) == []
