"""The draft and revise forms check the form's token, then who may act, then the content,
whose problems come all at once (as the API does)."""

from __future__ import annotations

import re

from domain.reference import ALL_GOVERNMENTS
from tests.e2e.web_support import act_as, command_id, expected_version, text_of, token
from tests.integration.test_web_proposals import (
    Site,
    _draft_form,
    _drafted,
    open_revision,
    send_revision,
)
from tests.integration.test_web_proposals import site as site  # noqa: F401, PLC0414  (the fixture)


def _errors(body: str) -> set[str]:
    return set(re.findall(r'<p class="error" id="([a-z_]+)-error"', body))


def test_a_non_member_drafting_an_empty_text_is_told_of_the_membership_first(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)  # a member of RT1 only
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=en", data={"csrf_token": token(page), "command_id": command_id(page), "table": "RT2", "language": "es"})

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Only members of RT2 can do this." in text_of(body)
    assert _errors(body) == {"table"}


def test_a_revision_by_someone_not_an_author_with_empty_texts_is_told_that_first(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.other)

    r = send_revision(client, pid, page, title="", problem="")

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Only the author or a co-author may revise" in text_of(body)
    assert _errors(body) == set()


def test_a_revision_with_several_problems_shows_them_all(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.author)

    r = send_revision(client, pid, page, title="", problem=" ", objectives=["14"])

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert _errors(body) == {"title", "problem", "objectives"}
    assert site.services.app.proposal(pid).version == 1


def test_a_revision_without_its_token_is_refused_before_anything_else(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.other)

    r = client.post(f"/proposals/{pid}/revise?lang=en", data={
        "command_id": command_id(page), "expected_version": expected_version(page), "title": "", "problem": "",
        "objectives": ["2"], "targets": [ALL_GOVERNMENTS], "language": "es",
    })

    assert r.status_code == 400
    assert "The form expired or was damaged" in text_of(r.get_data(as_text=True))
