"""Open participation in a real browser (issue 17, "Done when"):

1. an anonymous visitor sends an input in Portuguese to an open call;
2. the secretariat accepts it;
3. the public sees it;
4. an author links it to a proposal;
6. a person without an account asks to join a table, a representative accepts, and the
   invitation arrives (mail through a real local SMTP server).

(Step 5, a member's comment on a draft, is the discussion's own test.) The request form and
the representative's queue have no serious accessibility violation (axe-core).

The mechanism is small: four tables, an author and a representative of RT1 (who holds a
seat, so signs in with a second factor), a staff account of the secretariat, one call.
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
from projections import calls as call_views
from projections import join_requests as join_views
from tests.conftest import SmtpSink, draft_sample_proposal, link_in
from tests.e2e.browser_support import axe_problems, chromium, new_page, require_chromium, serving
from tests.e2e.test_browser import PASSWORD
from tests.e2e.web_support import app_services, make_app

pytestmark = pytest.mark.browser
SECRETARIAT = "secretaria-abierta@tests.invalid"
AUTHOR = "ana@tests.invalid"
REPRESENTATIVE = "rosa@tests.invalid"
REQUESTER = "joao.pereira@example.org"
INPUT = "As casas de acolhida precisam de intérpretes de línguas indígenas."


def _second_factor(accounts: Any, account_id: str) -> list[str]:
    secret = accounts.begin_enrolment(account_id).secret
    return list(accounts.confirm_enrolment(account_id, pyotp.TOTP(secret).at(accounts.now())))


@pytest.fixture
def site(tmp_path: Path, smtp_server: tuple[str, SmtpSink]) -> Iterator[dict[str, Any]]:
    require_chromium()
    url, sink = smtp_server
    web = make_app(
        f"sqlite:///{tmp_path / 'open.sqlite'}", generate_master_key(), clock="2026-01-10", csrf=True,
        DIALOGUE_SMTP_URL=url, DIALOGUE_MAIL_FROM="dialogo@example.org",
    )
    s = app_services(web)
    app, accounts = s.app, s.accounts
    for code in ("RT1", "RT2", "RT3", "RT4"):
        app.register_table(code)
    app.define_settings(values={"quorum": 1})
    author = app.register_participant(reference="ana", display_name="Ana Quispe", organisation_id=None, gender="woman", preferred_language="es", id=uuid4())
    rosa = app.register_participant(reference="rosa", display_name="Rosa Mamani", organisation_id=None, gender="woman", preferred_language="es", id=uuid4())
    for pid in (author, rosa):
        app.join_table(pid, "RT1")
    app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=rosa, term_start=date(2026, 1, 10), votes={"for": 2, "against": 0, "abstain": 0})
    accounts.create_participant_account(author, AUTHOR, password=PASSWORD)
    rosa_account = accounts.create_participant_account(rosa, REPRESENTATIVE, password=PASSWORD)
    staff = accounts.create_staff_account(SECRETARIAT, "secretariat", password=PASSWORD)
    proposal = draft_sample_proposal(app, author)
    call = app.open_call(
        reference="call-browser", title="Acolhida e interpretação", text="Aportes sobre o Objetivo 2.", objectives=[2], table="RT1",
        languages=["es", "pt"], opens_on=date(2026, 1, 5), closes_on=date(2026, 1, 31),
    )
    s.projector.catch_up()
    with serving(web) as base, chromium() as browser:
        yield {
            "url": base, "browser": browser, "services": s, "sink": sink, "call": str(call), "proposal": str(proposal),
            "codes": {SECRETARIAT: _second_factor(accounts, staff.id), REPRESENTATIVE: _second_factor(accounts, rosa_account.id)},
        }


def page_as(site: dict[str, Any], who: str | None) -> Any:
    code = site["codes"][who][0] if who in site["codes"] else None
    return new_page(site["browser"], site["url"], who, code)


def test_an_input_in_portuguese_is_accepted_seen_and_linked_then_a_request_to_join_is_accepted(site: dict[str, Any]) -> None:
    s, base, call = site["services"], site["url"], site["call"]

    # 1. an anonymous visitor sends an input in Portuguese
    visitor = page_as(site, None)
    visitor.goto(f"{base}/calls/{call}")
    visitor.locator("#in-text").fill(INPUT)
    visitor.locator("#in-language").select_option("pt")
    visitor.locator("#in-organisation_name").fill("Rede Acolhida")
    visitor.locator("#in-country").select_option("BR")
    visitor.locator("#in-stakeholder_group").select_option("migrant_organisation")
    visitor.locator("#in-contact").fill("rede@example.org")
    visitor.locator("section[aria-labelledby=send-h] button[type=submit]").click()
    s.projector.catch_up()
    [sent] = call_views.inputs_of_call(s.projector.engine, call)
    assert (sent["status"], sent["language"], sent["from_public"]) == ("pending", "pt", True)
    assert INPUT not in visitor.locator("section[aria-labelledby=inputs-h]").inner_text()

    # 2. the secretariat accepts it
    secretariat = page_as(site, SECRETARIAT)
    secretariat.goto(f"{base}/calls/{call}/moderation")
    secretariat.locator("#decision-1").select_option("accept")
    secretariat.locator("#reason-1").fill("Pertinente para o Objetivo 2.")
    secretariat.locator(f"#input-{sent['id']} button[type=submit]").click()
    s.projector.catch_up()
    assert [i["status"] for i in call_views.inputs_of_call(s.projector.engine, call)] == ["accepted"]

    # 3. the public sees it
    visitor.goto(f"{base}/calls/{call}")
    assert INPUT in visitor.locator(f"#input-{sent['id']}").inner_text()
    assert "rede@example.org" not in visitor.content()

    # 4. an author links it to her proposal
    author = page_as(site, AUTHOR)
    author.goto(f"{base}/proposals/{site['proposal']}")
    author.locator("#link-input").select_option(sent["id"])
    author.locator("section[aria-labelledby=inputs-h] button[type=submit]").click()
    visitor.goto(f"{base}/proposals/{site['proposal']}")
    assert INPUT in visitor.locator("section[aria-labelledby=inputs-h]").inner_text()

    # 6. a person without an account asks to join RT1 from the table's page
    person = page_as(site, None)
    person.goto(f"{base}/tables/RT1")
    person.locator('a[href="/tables/RT1/join"]').click()
    assert axe_problems(person) == []
    person.reload()
    person.locator("#join-motivation").fill("Coordeno uma rede de acolhida em Manaus.")
    person.locator("#join-display_name").fill("João Pereira")
    person.locator("#join-organisation_name").fill("Rede Manaus")
    person.locator("#join-country").select_option("BR")
    person.locator("#join-stakeholder_group").select_option("migrant_organisation")
    person.locator("#join-language").select_option("pt")
    person.locator("#join-contact").fill(REQUESTER)
    person.locator("section[aria-labelledby=request-h] button[type=submit]").click()
    assert person.url.endswith("/tables/RT1/join/sent")
    s.projector.catch_up()
    [request] = join_views.requests_of_table(s.projector.engine, "RT1")

    # … a representative of RT1 accepts it from the table's queue …
    rosa = page_as(site, REPRESENTATIVE)
    rosa.goto(f"{base}/tables/RT1/join-requests")
    assert "João Pereira" in rosa.locator(f"#request-{request['id']}").inner_text()
    assert axe_problems(rosa) == []
    rosa.reload()
    rosa.locator("#decision-1").select_option("accept")
    rosa.locator("#participant-reference-1").fill("joao")
    rosa.locator("#reason-1").fill("Rede conhecida da mesa.")
    rosa.locator(f"#request-{request['id']} button[type=submit]").click()
    s.projector.catch_up()
    [decided] = join_views.requests_of_table(s.projector.engine, "RT1")
    assert decided["status"] == "accepted"

    # … and the invitation arrives, in the person's language, with a working link
    (message,) = site["sink"].to(REQUESTER)
    assert message["Content-Language"] == "pt"
    link = link_in(message)
    person.goto(link.replace("http://127.0.0.1:5000", base))
    assert person.locator("input[type=password]").count() >= 1
