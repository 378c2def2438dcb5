"""An election in a real browser (issue 19, "Done when"): a member declares her candidacy
on the election's page, three members cast their ballots, the secretariat (second factor)
closes the election after confirming, and the public page shows the result: parity gives
the second seat to the candidate who keeps it, not to the second most voted. Each of those
pages (with its candidacy, ballot or closing form) has no serious accessibility violation
(axe-core, as ``test_accessibility_axe.py``).

The mechanism is small (one table of four members, quorum 3); every page and rule is the
service's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pyotp
import pytest

from application.persistence import generate_master_key
from tests.e2e.browser_support import chromium, new_page, require_chromium, serving
from tests.e2e.test_accessibility_axe import AXE, serious
from tests.e2e.test_browser import PASSWORD
from tests.e2e.web_support import app_services, make_app

pytestmark = pytest.mark.browser
PEOPLE = {"ana": ("Ana Quispe", "woman"), "carlos": ("Carlos Ruiz", "man"), "dario": ("Darío Mena", "man"), "eva": ("Eva Lima", "woman")}
SECRETARIAT = "secretaria-elecciones@tests.invalid"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    require_chromium()
    web = make_app(f"sqlite:///{tmp_path / 'elections.sqlite'}", generate_master_key(), clock="2026-01-05", csrf=True)
    s = app_services(web)
    app, accounts = s.app, s.accounts
    for code in ("RT1", "RT2", "RT3", "RT4"):
        app.register_table(code)
    app.define_settings(values={"quorum": 3})
    ids = {}
    for who, (name, gender) in PEOPLE.items():
        ids[who] = str(app.register_participant(reference=who, display_name=name, organisation_id=None, gender=gender, preferred_language="es", id=uuid4()))
        app.join_table(ids[who], "RT1")
        accounts.create_participant_account(ids[who], f"{who}@tests.invalid", password=PASSWORD)
    eid = uuid4()
    app.open_election(
        election_id=eid, table="RT1", seats=["LT-RT1-A", "LT-RT1-B"], term_start=date(2026, 3, 1),
        nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20),
    )
    criteria = {
        "networks": "Red de jóvenes migrantes", "coordination": "Coordiné la red", "availability": "Voluntaria",
        "advocacy_levels": ["national"], "subregion": "south_america", "sector": "migrant_organisation",
    }
    for who in ("carlos", "dario"):
        app.declare_candidacy(eid, candidate=ids[who], statement=f"Candidatura de {who}", criteria=criteria)
    staff = accounts.create_staff_account(SECRETARIAT, "secretariat", password=PASSWORD)
    codes = accounts.confirm_enrolment(staff.id, pyotp.TOTP(accounts.begin_enrolment(staff.id).secret).at(accounts.now()))
    with serving(web) as url:
        yield {"url": url, "election": str(eid), "ids": ids, "codes": codes, "app": app}


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def page_of(browser: Any, site: dict[str, Any], who: str | None, code: str | None = None) -> Any:
    """A new browser context signed in as ``who`` (None: the public), on the election's page;
    the serious accessibility violations axe finds there are kept in ``site["axe"]``."""
    page = new_page(browser, site["url"], None if who is None else (who if "@" in who else f"{who}@tests.invalid"), code)
    page.goto(f"{site['url']}/elections/{site['election']}")
    if AXE.exists():
        problems = serious(page)
        if problems:
            site.setdefault("axe", {})[who or "public"] = problems
        page.goto(f"{site['url']}/elections/{site['election']}")
    return page


def test_a_candidacy_ballots_the_closing_and_the_public_result(browser: Any, site: dict[str, Any]) -> None:
    ana = page_of(browser, site, "ana")
    ana.locator("#stand-statement").fill("Quiero llevar la voz de las mujeres migrantes 🌎")
    ana.locator("#stand-networks").fill("Red de mujeres migrantes del Cono Sur")
    ana.locator("#stand-advocacy_levels-local").check()
    ana.locator("#stand-advocacy_levels-regional").check()
    ana.locator("#stand-coordination").fill("Coordiné la red durante tres años")
    ana.locator("#stand-availability").fill("Dos días al mes, voluntaria")
    ana.locator("#stand-subregion").select_option("south_america")
    ana.locator("#stand-sector").select_option("migrant_womens_organisation")
    ana.locator("section[aria-labelledby=stand-h] button[type=submit]").click()
    assert "Su candidatura está presentada." in ana.content()
    assert "Quiero llevar la voz de las mujeres migrantes 🌎" in ana.locator("#candidacies-h + ul").inner_text()

    site["app"].clock.set(date(2026, 2, 5))
    ids = site["ids"]
    for voter, picks in {"carlos": ["carlos", "dario"], "dario": ["dario", "carlos"], "eva": ["ana", "carlos"]}.items():
        p = page_of(browser, site, voter)
        for who in picks:
            p.locator(f"#ballot-choices-{ids[who]}").check()
        p.locator("section[aria-labelledby=ballot-h] button[type=submit]").click()
        assert "Su voto está emitido" in p.content()

    site["app"].clock.set(date(2026, 2, 20))
    secretariat = page_of(browser, site, SECRETARIAT, site["codes"][0])
    secretariat.locator("section[aria-labelledby=close-h] button[type=submit]").click()
    secretariat.get_by_role("button", name="Sí, cerrar la elección").click()
    assert "La elección está cerrada y su resultado registrado." in secretariat.content()

    public = page_of(browser, site, None)
    rows = public.locator("section[aria-labelledby=result-h] tbody tr").all_inner_texts()
    assert [" ".join(r.split()) for r in rows] == [
        "LT-RT1-A representante de RT1 3 más votos",
        "LT-RT1-B representante de RT1 1 mejor ubicada que mantiene la paridad de género",
    ]
    assert "Quiero llevar la voz" not in public.content()
    assert site.get("axe", {}) == {}
