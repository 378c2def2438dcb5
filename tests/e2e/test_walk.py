"""The whole path with real accounts in a real browser (Debian's Chromium through playwright),
in Spanish and in English (issue 10, "Done when"):

1. the secretariat signs in for the first time and enrols its second factor, then invites a
   member by e-mail; the member reads the invitation from the local SMTP server, chooses a
   password, signs in, drafts a proposal and submits it;
2. the secretariat (second factor) schedules a session and puts the proposal on its agenda;
   members state their positions from their "what waits for me" page; the secretariat
   records the table's decision and opens the Liaison Table's round;
3. the representatives endorse from their "what waits for me" page; the secretariat closes
   the round and publishes to governments;
4. the public page of adopted recommendations lists it as published.

The mechanism is small (two tables, three members, two representatives) and its settings
are lowered to match (quorum 3, 2 endorsements): every page and rule is the service's own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyotp
import pytest
from werkzeug.serving import make_server

from application.persistence import generate_master_key
from tests.conftest import SmtpSink, link_in
from tests.e2e.test_browser import ARGS, CHROMIUM
from tests.e2e.web_support import app_services, make_app

pytestmark = pytest.mark.browser
PASSWORD = "una clave larga para el recorrido"
TITLES = {"es": "Vías regulares para trabajadoras temporeras 🌎", "en": "Regular pathways for seasonal workers 🌎"}


@dataclass
class World:
    url: str
    sink: SmtpSink
    lang: str
    people: dict[str, str] = field(default_factory=dict)  # who → e-mail address
    codes: dict[str, list[str]] = field(default_factory=dict)  # who → recovery codes left


def _world(s: Any, lang: str) -> tuple[dict[str, str], dict[str, list[str]], str]:
    """Two tables, the future author (no account yet), two members, a representative of each
    table (accounts with a second factor enrolled: they act as the secretariat too), and a
    secretariat staff account that enrols at its first sign-in."""
    app, accounts = s.app, s.accounts
    for code in ("RT1", "RT2"):
        app.register_table(code)
    app.define_settings()
    app.change_setting("quorum", 3)
    app.change_setting("endorsement_min", 2)
    people: dict[str, str] = {}
    codes: dict[str, list[str]] = {}
    ids = {}
    for who, gender, table in (("author", "woman", "RT1"), ("member1", "man", "RT1"), ("member2", "woman", "RT1"),
                               ("rep1", "woman", "RT1"), ("rep2", "man", "RT2")):
        pid = app.register_participant(reference=f"w-{who}", display_name=f"{who.title()} Walker", organisation_id=None,
                                       gender=gender, preferred_language=lang)
        app.join_table(pid, table)
        ids[who] = pid
        people[who] = f"{who}@walk.invalid"
    votes = {"for": 3, "against": 0, "abstain": 0}
    app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=ids["rep1"], term_start=date(2026, 2, 2), votes=votes)
    app.join_table(ids["member1"], "RT2")
    app.join_table(ids["member2"], "RT2")
    app.elect_representative(table="RT2", seat="LT-RT2-A", participant_id=ids["rep2"], term_start=date(2026, 2, 2), votes=votes)
    for who in ("member1", "member2", "rep1", "rep2"):
        account = accounts.create_participant_account(ids[who], people[who], password=PASSWORD)
        if who.startswith("rep"):
            secret = accounts.begin_enrolment(account.id).secret
            codes[who] = accounts.confirm_enrolment(account.id, pyotp.TOTP(secret).at(accounts.now()))
    people["secretariat"] = "secretaria@walk.invalid"
    accounts.create_staff_account(people["secretariat"], "secretariat", password=PASSWORD, language=lang)
    s.projector.catch_up()
    return people, codes, str(ids["author"])


@pytest.fixture(params=["es", "en"])
def world(request: pytest.FixtureRequest, tmp_path: Path, smtp_server: tuple[str, SmtpSink]) -> Iterator[World]:
    if not CHROMIUM.exists():
        if os.environ.get("DIALOGUE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but DIALOGUE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    lang = request.param
    # One address plays seven people within seconds: more sign-ins than the per-address
    # write limit allows (the limits have their own tests in test_web_sign_in).
    app = make_app(f"sqlite:///{tmp_path / 'walk.sqlite'}", generate_master_key(), clock="2026-02-02", csrf=True,
                   DIALOGUE_SMTP_URL=smtp_server[0], DIALOGUE_PUBLIC_URL="http://127.0.0.1:0", RATELIMIT_ENABLED=False)
    s = app_services(app)
    people, codes, author = _world(s, lang)
    server = make_server("127.0.0.1", 0, app)
    url = f"http://127.0.0.1:{server.server_port}"
    s.accounts.public_url = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        w = World(url=url, sink=smtp_server[1], lang=lang, people=people, codes=codes)
        w.people["author_id"] = author
        yield w
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def page(world: World) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="es-ES" if world.lang == "es" else "en-GB", viewport={"width": 1000, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def submit(page: Any, form: str) -> None:
    """Click the submit button of the form matched by the CSS selector ``form``."""
    page.locator(f"{form} button[type=submit]").first.click()


def confirm(page: Any) -> None:
    """Confirm an irreversible action on its confirmation page."""
    page.locator("form:has(input[name=confirm][value=yes]) button[type=submit]").click()


def sign_in(page: Any, w: World, who: str) -> None:
    page.goto(f"{w.url}/login?lang={w.lang}")
    page.locator("#email").fill(w.people[who])
    page.locator("#password").fill(PASSWORD)
    submit(page, "form.form")
    if "/login/code" in page.url:
        page.locator("#code").fill(w.codes[who].pop())
        submit(page, "form.form")
    assert page.url.endswith("/me"), page.url


def sign_out(page: Any) -> None:
    submit(page, "nav.account form")


def follow_from_me(page: Any, w: World, section: str) -> None:
    """From "what waits for me" (reached through the navigation, with its count), follow the
    first entry of ``section`` (its heading's id) to its form."""
    page.locator("nav.account a[href$='/me']").click()
    assert int(page.locator("nav.account a[href$='/me'] .count").inner_text()) >= 1
    page.locator(f"section[aria-labelledby={section}] .card a").first.click()


def test_the_whole_path_with_real_accounts(page: Any, world: World) -> None:
    w, title = world, TITLES[world.lang]

    # 1. The secretariat's first sign-in enrols its second factor, then it invites the author.
    page.goto(f"{w.url}/login?lang={w.lang}")
    page.locator("#email").fill(w.people["secretariat"])
    page.locator("#password").fill(PASSWORD)
    submit(page, "form.form")
    assert page.url.endswith("/login/enrol")
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    submit(page, "form.form")
    w.codes["secretariat"] = page.locator("#recovery-codes code").all_inner_texts()
    assert len(w.codes["secretariat"]) == 10
    page.locator("a.button").click()
    page.goto(f"{w.url}/account/invite")
    page.locator("#participant").select_option(value=w.people["author_id"])
    page.locator("#email").fill("author@walk.invalid")
    submit(page, "form.form")
    assert page.locator(".flash").count() == 1
    sign_out(page)
    (mail,) = w.sink.to("author@walk.invalid")
    assert mail["Content-Language"] == w.lang

    page.goto(link_in(mail))
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    submit(page, "form.form")
    w.people["author"] = "author@walk.invalid"
    sign_in(page, w, "author")
    page.goto(f"{w.url}/proposals/new?table=RT1")
    page.locator("#title").fill(title)
    page.locator("#problem").fill("Seasonal workers lose their status between harvests.")
    page.locator("#recommendation").fill("Issue multi-season permits.")
    page.locator("#rationale").fill("GCM objective 5: regular pathways.")
    page.locator("#objectives-5").check()
    page.locator("#targets-all").check()
    submit(page, "form.form")
    assert page.locator("h1").inner_text() == title
    proposal_url = page.url.split("#")[0]
    submit(page, "form[action$='/submit']")
    assert page.locator("[data-status=submitted]").count() >= 1
    sign_out(page)

    # 2. The secretariat schedules, puts the proposal on the agenda; members state positions.
    sign_in(page, w, "secretariat")
    follow_from_me(page, w, "h-agenda")
    assert page.url.endswith("#schedule-h")
    page.locator("#table").select_option("RT1")
    page.locator("#date").fill("2026-02-10")
    submit(page, "form[action$='/sessions']")
    follow_from_me(page, w, "h-agenda")
    submit(page, "form[action$='/agenda']")
    assert page.locator(".agenda .card h3").inner_text() == title
    sign_out(page)
    for member in ("author", "member1", "member2"):
        sign_in(page, w, member)
        follow_from_me(page, w, "h-positions")
        page.locator(".agenda .card input[value=support]").first.check()
        submit(page, "form[action$='/positions']")
        sign_out(page)

    sign_in(page, w, "secretariat")
    follow_from_me(page, w, "h-decisions")
    page.locator(".agenda .card input[name=decision][value=adopt]").first.check()
    submit(page, "form[action$='/decisions']")
    confirm(page)  # the confirmation page states what will happen
    assert page.locator(".decision").count() == 1
    follow_from_me(page, w, "h-open")
    page.locator("#round-closes_on").fill("2026-02-20")
    submit(page, "form[action$='/liaison/rounds']")
    sign_out(page)

    # 3. The representatives endorse from their page; the secretariat closes and publishes.
    for rep in ("rep1", "rep2"):
        sign_in(page, w, rep)
        follow_from_me(page, w, "h-votes")
        card = page.locator(".card", has_text=title).first
        card.locator("input[value=endorse]").check()
        card.locator("form[action$='/liaison/votes'] button[type=submit]").click()
        sign_out(page)
    sign_in(page, w, "secretariat")
    follow_from_me(page, w, "h-close")
    page.locator(".card", has_text=title).first.locator("form[action$='/liaison/close'] button").click()
    confirm(page)
    follow_from_me(page, w, "h-publish")
    page.locator(".card", has_text=title).first.locator("form[action$='/liaison/publish'] button").click()
    confirm(page)
    sign_out(page)

    # 4. The public page lists the recommendation as published.
    page.goto(f"{w.url}/recommendations?status=published&lang={w.lang}")
    assert title in page.locator(".cards h2").all_inner_texts()
    page.goto(proposal_url)
    assert page.locator("[data-status=published]").count() >= 1
