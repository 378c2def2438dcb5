"""The discussion on a draft in a real browser (issue 17, "Done when", step 5): a member
signs in, comments on a draft of her table on its page, and the comment shows there; the
public then reads it without her name. The proposal page with its thread and forms has no
serious or critical accessibility violation (axe-core).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from application.persistence import generate_master_key
from tests.conftest import draft_sample_proposal
from tests.e2e.browser_support import axe_problems, chromium, new_page, require_chromium, serving
from tests.e2e.test_browser import PASSWORD
from tests.e2e.web_support import app_services, make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    require_chromium()
    web = make_app(f"sqlite:///{tmp_path / 'discussion.sqlite'}", generate_master_key(), clock="2026-01-05", csrf=True)
    s = app_services(web)
    app = s.app
    for code in ("RT1", "RT2", "RT3", "RT4"):
        app.register_table(code)
    people = {}
    for who, name in (("lucia", "Lucía Quispe"), ("josue", "Josué Banegas")):
        people[who] = app.register_participant(reference=who, display_name=name, organisation_id=None, gender="woman",
                                               preferred_language="es", id=uuid4())
        app.join_table(people[who], "RT1")
        s.accounts.create_participant_account(str(people[who]), f"{who}@tests.invalid", password=PASSWORD)
    proposal = draft_sample_proposal(app, people["josue"], title="Vías regulares y seguras")
    s.projector.catch_up()
    with serving(web) as url, chromium() as browser:
        yield {"url": url, "browser": browser, "proposal": str(proposal)}


def test_a_member_comments_on_a_draft_and_the_comment_shows(site: dict[str, Any]) -> None:
    address = f"{site['url']}/proposals/{site['proposal']}"
    lucia = new_page(site["browser"], site["url"], "lucia@tests.invalid")
    lucia.goto(address)

    lucia.locator("#comment-text").fill("¿Podemos citar la **revisión regional de 2025**? 🌎")
    lucia.locator("section[aria-labelledby=discussion-h] form button[type=submit]").last.click()

    thread = lucia.locator("section[aria-labelledby=discussion-h] article.comment")
    assert "Su comentario está publicado." in lucia.content()
    assert thread.count() == 1
    assert "Lucía Quispe" in thread.first.inner_text()
    assert thread.first.locator("strong").inner_text() == "revisión regional de 2025"
    member_problems = axe_problems(lucia)

    public = new_page(site["browser"], site["url"])
    public.goto(address)
    seen = public.locator("section[aria-labelledby=discussion-h] article.comment").first.inner_text()

    assert "¿Podemos citar la revisión regional de 2025? 🌎" in seen
    assert "Lucía Quispe" not in seen
    assert seen.startswith("un miembro de RT1 · ")
    assert (member_problems, axe_problems(public)) == ([], [])
