"""A proposal's co-authors are listed in the reader's alphabetical order of their names
(accents and case aside; in Spanish ñ after n), the same on the proposal page, the board and
the API, whatever the order they were added in."""

from __future__ import annotations

import re

from flask import Flask

from tests.e2e.web_support import act_as, text_of
from tests.integration.test_web_proposals import Site, _drafted
from tests.integration.test_web_proposals import site as site  # noqa: F401, PLC0414  (the fixture)
from web.collation import collation_key, in_name_order

ADDED = ["Óscar Ávila", "Ñandú Ortiz", "bruno silva", "Nora Zapata", "Álvaro Díaz"]  # the order they join
ES = ["Álvaro Díaz", "bruno silva", "Nora Zapata", "Ñandú Ortiz", "Óscar Ávila"]
EN = ["Álvaro Díaz", "bruno silva", "Ñandú Ortiz", "Nora Zapata", "Óscar Ávila"]


def _with_co_authors(site: Site) -> str:
    pid = _drafted(site)
    for n, name in enumerate(ADDED):
        cid = site.services.app.register_participant(reference=f"co-{n}", display_name=name, organisation_id=None, gender="man", preferred_language="es")
        site.services.app.join_table(cid, "RT1")
        site.services.app.add_co_author(pid, cid, actor=site.author)
    site.services.wait_for_views()
    return pid


def _bearer(app: Flask, participant: str) -> dict[str, str]:
    from tests.e2e.web_support import app_services

    s = app_services(app)
    account = s.accounts.of_participant(participant) or s.accounts.create_participant_account(participant, "reader@tests.invalid")
    return {"Authorization": f"Bearer {s.accounts.create_token(account.id, 'tests', 'read')[1]}"}


def _order_on(page: str) -> list[str]:
    line = next(x for x in text_of(page).splitlines() if "Ana Pérez Quispe" in x and "Óscar" in x)
    return sorted(ADDED, key=lambda name: line.index(name))


def test_the_proposal_page_lists_the_co_authors_in_spanish_order(site: Site) -> None:  # noqa: F811
    pid = _with_co_authors(site)
    client = site.client()
    act_as(client, "participant", site.other)

    assert _order_on(client.get(f"/proposals/{pid}?lang=es").get_data(as_text=True)) == ES


def test_the_proposal_page_lists_the_co_authors_in_english_order(site: Site) -> None:  # noqa: F811
    pid = _with_co_authors(site)
    client = site.client()
    act_as(client, "participant", site.other)

    assert _order_on(client.get(f"/proposals/{pid}?lang=en").get_data(as_text=True)) == EN


def test_the_api_lists_the_co_authors_and_the_authors_in_the_readers_order(site: Site) -> None:  # noqa: F811
    pid = _with_co_authors(site)
    client = site.client()
    auth = {**_bearer(site.app, site.other), "Accept-Language": "es"}

    listed = client.get(f"/api/v1/proposals/{pid}/co-authors", headers=auth).get_json()
    one = client.get(f"/api/v1/proposals/{pid}", headers=auth).get_json()

    assert [c["name"] for c in listed["co_authors"]] == ES
    assert [a["name"] for a in one["authors"]] == ["Ana Pérez Quispe", *ES]


def test_names_differing_only_in_accents_and_case_sort_together_and_stably() -> None:
    names = ["Maria", "maría", "María", "Mario"]

    assert in_name_order(names, str, "es")[-1] == "Mario"
    assert in_name_order(names, str, "es") == in_name_order(list(reversed(names)), str, "es")
    assert collation_key("Ñ", "es") > collation_key("Nz", "es")
    assert collation_key("Ñ", "en") < collation_key("Nz", "en")
    assert re.match(r"^n", collation_key("Ñandú", "fr")[0])


def _options_of(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]


def test_the_choice_of_a_new_co_author_lists_the_members_in_spanish_order(site: Site) -> None:  # noqa: F811
    pid = _drafted(site)
    for n, name in enumerate(ADDED):
        member = site.services.app.register_participant(reference=f"m-{n}", display_name=name, organisation_id=None, gender="man", preferred_language="es")
        site.services.app.join_table(member, "RT1")
    site.services.wait_for_views()
    client = site.client()
    act_as(client, "participant", site.author)

    options = _options_of(client.get(f"/proposals/{pid}?lang=es").get_data(as_text=True), "co_author")

    assert options == in_name_order(["Bruno Silva", *ADDED], str, "es") == ["Álvaro Díaz", "Bruno Silva", "bruno silva", "Nora Zapata", "Ñandú Ortiz", "Óscar Ávila"]
