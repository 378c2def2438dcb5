"""An address that only takes a form's POST, opened with GET (reloading the page of a refused
form, a bookmark): it goes (303) to the page holding the form; any other method not allowed
is the site's own 405 page in the visitor's language, not the framework's English one."""

from __future__ import annotations

from uuid import uuid4

import pytest
from flask import Flask

from application.bootstrap import Services
from tests.e2e.web_support import add_sample_call, make_app, text_of


def _app(services: Services) -> Flask:
    return make_app(services.config.database_url, str(services.config.master_key), clock="2026-04-01")


def test_a_get_of_a_calls_inputs_address_goes_to_the_call_page(sqlite_services: Services) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)

    r = app.test_client().get(f"/calls/{call_id}/inputs")

    assert (r.status_code, r.headers["Location"]) == (303, f"/calls/{call_id}")


def test_a_get_of_a_proposals_comments_address_goes_to_the_proposal_page(sqlite_services: Services) -> None:
    pid = str(uuid4())

    r = _app(sqlite_services).test_client().get(f"/proposals/{pid}/comments")

    assert (r.status_code, r.headers["Location"]) == (303, f"/proposals/{pid}")


@pytest.mark.parametrize(("language", "heading"), [("es", "No es una página"), ("en", "Not a page")])
def test_another_method_not_allowed_is_the_sites_page_in_the_visitors_language(sqlite_services: Services, language: str, heading: str) -> None:
    r = _app(sqlite_services).test_client().put("/login", headers={"Accept-Language": language})

    assert (r.status_code, heading in text_of(r.get_data(as_text=True)), "Method Not Allowed" in r.get_data(as_text=True)) == (405, True, False)


def test_the_405_page_names_the_methods_the_address_takes(sqlite_services: Services) -> None:
    r = _app(sqlite_services).test_client().put("/login")

    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "OPTIONS"}


# Every address that only takes a form's POST -> the page holding that form (ids made up:
# the address is read, not the item, except where the item names the page).
P, S, E, D, C, R = (str(uuid4()) for _ in range(6))
FORM_ADDRESSES = {
    "/account/erasure": "/account", "/account/language": "/account", "/account/password": "/account",
    "/account/recovery-codes": "/account", "/account/second-factor/off": "/account", "/account/sessions/end": "/account",
    "/account/sessions/end-others": "/account", "/account/tokens": "/account", "/account/tokens/revoke": "/account",
    f"/calls/{C}/inputs": f"/calls/{C}", "/commission/members": "/commission", f"/dialogues/{D}/presentations": "/dialogues",
    f"/elections/{E}/ballot": f"/elections/{E}", f"/elections/{E}/candidacy": f"/elections/{E}",
    f"/elections/{E}/close": f"/elections/{E}", f"/elections/{E}/withdraw": f"/elections/{E}",
    "/liaison/advice": "/liaison", "/liaison/close": "/liaison", "/liaison/publish": "/liaison", "/liaison/responses": "/liaison",
    "/liaison/rounds": "/liaison", "/liaison/un-seats": "/liaison", "/liaison/un-seats/vacate": "/liaison", "/liaison/votes": "/liaison",
    "/logout": "/", "/notifications/seen": "/notifications",
    f"/proposals/{P}/amendments": f"/proposals/{P}", f"/proposals/{P}/amendments/A1/accept": f"/proposals/{P}",
    f"/proposals/{P}/co-authors": f"/proposals/{P}", f"/proposals/{P}/co-authors/{R}/remove": f"/proposals/{P}",
    f"/proposals/{P}/comments": f"/proposals/{P}", f"/proposals/{P}/comments/{R}/edit": f"/proposals/{P}",
    f"/proposals/{P}/comments/{R}/hide": f"/proposals/{P}", f"/proposals/{P}/comments/{R}/replies": f"/proposals/{P}",
    f"/proposals/{P}/follow-ups": f"/proposals/{P}", f"/proposals/{P}/indicators": f"/proposals/{P}",
    f"/proposals/{P}/indicators/{R}/measurements": f"/proposals/{P}", f"/proposals/{P}/inputs": f"/proposals/{P}",
    f"/proposals/{P}/submit": f"/proposals/{P}", f"/proposals/{P}/withdraw": f"/proposals/{P}",
    f"/sessions/{S}/agenda": f"/sessions/{S}", f"/sessions/{S}/close": f"/sessions/{S}", f"/sessions/{S}/decisions": f"/sessions/{S}",
    f"/sessions/{S}/open": f"/sessions/{S}", f"/sessions/{S}/positions": f"/sessions/{S}",
    "/tables/RT1/elections": "/tables/RT1", "/tables/RT1/vacate": "/tables/RT1",
    f"/tables/RT1/join-requests/{R}": "/tables/RT1/join-requests", "/tables/join": "/tables", "/tables/leave": "/tables",
    f"/calls/inputs/{R}/moderation": "/calls",
}


@pytest.mark.parametrize(("address", "page"), sorted(FORM_ADDRESSES.items()))
def test_a_get_of_each_form_address_goes_to_the_page_holding_the_form(sqlite_services: Services, address: str, page: str) -> None:
    r = _app(sqlite_services).test_client().get(address)

    assert (r.status_code, r.headers.get("Location")) == (303, page)


def test_a_get_of_an_inputs_moderation_address_goes_to_its_calls_moderation_page(sqlite_services: Services) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)
    with app.app_context():
        from projections import calls as call_views
        from web.pages.common import engine

        input_id = call_views.inputs_of_call(engine(), call_id)[0]["id"]

    r = app.test_client().get(f"/calls/inputs/{input_id}/moderation")

    assert (r.status_code, r.headers["Location"]) == (303, f"/calls/{call_id}/moderation")


def test_every_form_address_is_in_the_table(sqlite_services: Services) -> None:
    app = _app(sqlite_services)
    adapter = app.url_map.bind("localhost")
    missing = []
    for address in FORM_ADDRESSES:
        assert adapter.match(address, method="POST")  # a form's address, as written above
    posted = {adapter.match(a, method="POST")[0] for a in FORM_ADDRESSES}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or "POST" not in (rule.methods or set()) or rule.endpoint in posted:
            continue
        if not any(other.rule == rule.rule and "GET" in (other.methods or set()) for other in app.url_map.iter_rules()):
            missing.append(rule.rule)
    assert missing == []
