"""Withdrawing a proposal asks for confirmation first, as the other irreversible actions do
(web.pages.confirm): the first POST states what will happen, keeps the reason typed and
changes nothing; only the POST with ``confirm=yes`` withdraws it, with that reason."""

from __future__ import annotations

import html
import re

from tests.e2e.web_support import act_as, post_form, text_of
from tests.integration.test_web_proposals import Site, _drafted
from tests.integration.test_web_proposals import site as site  # noqa: F401, PLC0414  (the fixture)

REASON = "Ya no aplica:\nla ley cambió."


def test_withdrawing_asks_for_confirmation_keeping_the_reason_and_changes_nothing(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client = site.client()
    act_as(client, "participant", site.author)
    before = site.services.app.recorder.max_notification_id()

    r = post_form(client, f"/proposals/{pid}", f"/proposals/{pid}/withdraw?lang=en", reason=REASON)

    body = r.get_data(as_text=True)
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)}
    assert r.status_code == 200
    assert "Withdraw this proposal?" in text_of(body)
    assert "la ley cambió." in text_of(body)
    assert (fields["reason"], fields["confirm"]) == (REASON, "yes")
    assert site.services.app.recorder.max_notification_id() == before
    assert site.services.app.proposal(pid).status == "draft"


def test_the_confirmed_withdrawal_withdraws_with_the_reason_typed(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client = site.client()
    act_as(client, "participant", site.author)
    page = post_form(client, f"/proposals/{pid}", f"/proposals/{pid}/withdraw?lang=en", reason=REASON).get_data(as_text=True)
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)}

    r = client.post(f"/proposals/{pid}/withdraw", data=fields)

    assert r.status_code == 302
    assert site.services.app.proposal(pid).status == "withdrawn"


def test_a_withdrawal_sent_as_json_keeps_the_reason_and_command_id_on_the_confirmation(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    client = site.client()
    act_as(client, "participant", site.author)
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)
    tok = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    cid = re.search(r'name="command_id"[^>]*value="([^"]+)"', page)
    assert tok and cid

    r = client.post(f"/proposals/{pid}/withdraw?lang=en", json={"csrf_token": tok.group(1), "command_id": cid.group(1), "reason": REASON})

    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', r.get_data(as_text=True))}
    assert r.status_code == 200
    assert (fields["reason"], fields["command_id"], fields["confirm"]) == (REASON, cid.group(1), "yes")
    assert site.services.app.proposal(pid).status == "draft"
