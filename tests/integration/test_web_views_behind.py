"""A form whose write is saved but whose views do not reach it in time (a projection worker
that does not run) says so on the page it leads to: saved, it appears shortly."""

from __future__ import annotations

import pytest

from tests.integration.test_web_proposals import Site, _draft_data, _draft_form, act_as
from tests.integration.test_web_proposals import site as site  # noqa: F401  (the fixture)

SAVED = "Saved. It will appear on the pages in a few seconds: reload the page then."


def test_a_draft_whose_views_are_behind_is_saved_and_the_page_says_it_will_appear(
    site: Site, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    data = _draft_data(_draft_form(client))

    def never(position: int | None = None, timeout: float = 5.0) -> bool:
        return False

    monkeypatch.setattr(site.services, "wait_for_views", never)
    r = client.post("/proposals/new?lang=en", data=data)

    assert r.status_code == 302
    proposal_id = r.headers["Location"].rsplit("/", 1)[-1].split("?")[0]
    assert site.services.app.proposal(proposal_id).title == data["title"]
    page = client.get(f"/proposals/{proposal_id}?lang=en")
    assert SAVED in page.get_data(as_text=True)
