"""The pages of requests to join a working table (issue 17, "Requests to join the mechanism
through a table") through HTTP, on SQLite and PostgreSQL, as the public, a representative
of the table in term, a member who represents nobody and the secretariat: the link on the
table's page, the request form (trap field, every error at once, a limit per address), its
confirmation, the queue with its accept and decline forms, and "what waits for me"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

import domain.base
from application.bootstrap import Services
from projections import join_requests as join_views
from tests.conftest import seed_members
from tests.e2e.web_support import act_as, make_app, post_form, visible

CONTACT = "maria.huaman@example.org"
FORM = "/tables/RT1/join"
QUEUE = "/tables/RT1/join-requests"


@dataclass
class World:
    services: Services
    app: Flask
    representative: UUID
    member: UUID


@pytest.fixture
def world(services: Services) -> World:
    app = services.app
    member, representative = seed_members(app, 2)  # the second is a woman: parity holds for seat A
    for code in ("RT2", "RT3", "RT4"):
        app.register_table(code)
    app.define_settings()
    app.change_setting("quorum", 1)
    app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=representative, term_start=app.clock.today(), votes={"for": 1, "against": 0, "abstain": 0})
    services.projector.catch_up()
    web = make_app(services.config.database_url, str(services.config.master_key), clock=app.clock.today().isoformat(), csrf=True)
    return World(services, web, representative, member)


def ask(world: World, client: Any, **changes: str) -> Any:
    data = {
        "motivation": "Coordino una red de acogida en Cusco.", "display_name": "María Huamán", "organisation_name": "Red de Acogida Cusco",
        "country": "PE", "stakeholder_group": "migrant_organisation", "language": "es", "contact": CONTACT, "website": "",
    }
    data.update(changes)
    return post_form(client, FORM, FORM, prefix="join", **data)


def requests(world: World, status: str | None = None) -> list[dict[str, Any]]:
    world.services.projector.catch_up()
    return join_views.requests_of_table(world.services.projector.engine, "RT1", status)


def stored_request(world: World) -> str:
    rid = world.services.app.request_to_join(
        "RT1", motivation="Coordino una red de acogida en Cusco.", display_name="María Huamán", organisation_name="Red de Acogida Cusco",
        country="PE", stakeholder_group="migrant_organisation", language="es", contact=CONTACT,
    )
    world.services.projector.catch_up()
    return str(rid)


def client_as(world: World, who: str) -> Any:
    client = world.app.test_client()
    if who == "representative":
        act_as(client, "participant", str(world.representative))
    elif who == "member":
        act_as(client, "participant", str(world.member))
    elif who == "secretariat":
        act_as(client, "secretariat")
    return client


def decide(world: World, client: Any, rid: str, **data: str) -> Any:
    values = {"decision": "accept", "participant_reference": "", "ground": "", "reason": ""}
    values.update(data)
    return post_form(client, QUEUE, f"{QUEUE}/{rid}", **values)


# ---------------------------------------------------------------------------- the table's page
def test_the_table_page_offers_the_public_to_ask_to_join(world: World) -> None:
    page = world.app.test_client().get("/tables/RT1?lang=en").get_data(as_text=True)

    assert 'href="/tables/RT1/join"' in page and 'href="/tables/RT1/join-requests"' not in page


def test_the_table_page_offers_a_signed_in_member_no_request_form(world: World) -> None:
    page = client_as(world, "member").get("/tables/RT1?lang=en").get_data(as_text=True)

    assert 'href="/tables/RT1/join"' not in page and 'href="/tables/RT1/join-requests"' not in page


def test_the_table_page_links_its_representative_to_the_queue(world: World) -> None:
    page = client_as(world, "representative").get("/tables/RT1?lang=en").get_data(as_text=True)

    assert 'href="/tables/RT1/join-requests"' in page


# ---------------------------------------------------------------------------- the request
def test_someone_without_an_account_asks_and_reads_the_confirmation(world: World) -> None:
    client = world.app.test_client()

    r = ask(world, client)
    page = visible(client.get(r.headers["Location"] + "?lang=en"))

    assert r.status_code == 302 and r.headers["Location"].endswith("/tables/RT1/join/sent")
    assert "Your request to join RT1 is sent" in page
    assert [x["status"] for x in requests(world)] == ["pending"]


def test_a_signed_in_participant_who_posts_the_request_form_is_refused(world: World) -> None:
    r = ask(world, client_as(world, "member"))

    assert r.status_code == 422
    assert "María Huamán" in r.get_data(as_text=True)
    assert requests(world) == []


def test_the_request_form_names_the_countries_in_the_reader_s_language(world: World) -> None:
    html = world.app.test_client().get(FORM, headers={"Accept-Language": "es"}).get_data(as_text=True)

    assert ('<option value="PE">Perú</option>' in html, '<option value="BO">Bolivia (Plurinational State of)</option>' in html) == (True, False)


def test_a_request_whose_trap_field_is_filled_is_not_stored(world: World) -> None:
    r = ask(world, world.app.test_client(), website="http://spam.example")

    assert r.status_code == 302
    assert requests(world) == []


def test_a_refused_request_shows_every_error_at_once_with_what_was_typed(world: World) -> None:
    r = ask(world, world.app.test_client(), motivation=" ", display_name="", contact="not-an-address", organisation_name="Red de Acogida Cusco")
    page = r.get_data(as_text=True)

    assert r.status_code == 422
    assert [f'id="join-{f}-error"' in page for f in ("motivation", "display_name", "contact")] == [True, True, True]
    assert 'value="Red de Acogida Cusco"' in page and 'value="not-an-address"' in page
    assert requests(world) == []


def test_a_motivation_over_the_size_limit_is_refused(world: World) -> None:
    r = ask(world, world.app.test_client(), motivation="x" * 2001)

    assert r.status_code == 422 and 'id="join-motivation-error"' in r.get_data(as_text=True)
    assert requests(world) == []


def test_a_second_pending_request_from_the_same_address_is_refused_on_the_page(world: World) -> None:
    stored_request(world)

    r = ask(world, world.app.test_client(), contact=CONTACT.upper())
    page = r.get_data(as_text=True)

    assert r.status_code == 422 and 'id="join-contact-error"' in page
    assert "María Huamán" in page
    assert len(requests(world)) == 1


def test_a_request_to_a_table_that_does_not_exist_is_not_found(world: World) -> None:
    assert world.app.test_client().get("/tables/RT9/join").status_code == 404


def test_a_burst_of_requests_from_one_address_is_throttled(world: World) -> None:
    client = world.app.test_client()

    codes = [ask(world, client, contact=f"burst-{n}@example.org").status_code for n in range(12)]

    assert codes.count(429) >= 7
    assert len(requests(world)) <= 5


def test_refused_requests_do_not_count_against_the_limit_of_requests_per_address(world: World) -> None:
    client = world.app.test_client()
    accepted = [ask(world, client, contact=f"sent-{n}@example.org").status_code for n in range(3)]
    refused = [ask(world, client, display_name=" ", contact=f"typo-{n}@example.org").status_code for n in range(2)]

    r = ask(world, client, contact="sent-3@example.org")

    assert (accepted, refused, r.status_code) == ([302] * 3, [422] * 2, 302)
    assert len(requests(world)) == 4


# ---------------------------------------------------------------------------- the queue
def test_the_queue_is_refused_to_the_public(world: World) -> None:
    assert world.app.test_client().get(QUEUE).status_code == 403


def test_the_queue_is_refused_to_a_member_who_represents_nobody(world: World) -> None:
    assert client_as(world, "member").get(QUEUE).status_code == 403


def test_a_member_who_represents_nobody_cannot_decide(world: World) -> None:
    rid = stored_request(world)

    r = decide(world, client_as(world, "member"), rid)

    assert r.status_code == 403
    assert [x["status"] for x in requests(world)] == ["pending"]


def test_the_representative_reads_the_requesters_details_in_the_queue(world: World) -> None:
    stored_request(world)

    page = visible(client_as(world, "representative").get(QUEUE + "?lang=en"))

    assert "María Huamán" in page and CONTACT in page and "Coordino una red de acogida en Cusco." in page


def test_the_public_table_page_never_shows_the_requesters_details(world: World) -> None:
    stored_request(world)

    page = world.app.test_client().get("/tables/RT1?lang=en").get_data(as_text=True)

    assert "María Huamán" not in page and CONTACT not in page


def test_the_representative_accepts_a_request_and_the_person_becomes_a_member(world: World) -> None:
    rid = stored_request(world)

    r = decide(world, client_as(world, "representative"), rid, participant_reference="p-40", reason="Red conocida.")

    assert r.status_code == 302, r.get_data(as_text=True)
    [row] = requests(world)
    assert (row["status"], row["decided_on"]) == ("accepted", world.services.app.clock.today())
    person = world.services.app.participant(UUID(row["participant_id"]))
    assert (person.reference, person.display_name) == ("p-40", "María Huamán")
    assert world.services.app.table("RT1").is_member(person.id, world.services.app.clock.today())


def test_an_acceptance_at_an_address_that_already_has_an_account_says_no_invitation_was_sent(world: World) -> None:
    world.services.accounts.invite(world.member, CONTACT)  # the address is the member's account's
    rid = stored_request(world)

    client = client_as(world, "secretariat")
    r = decide(world, client, rid, participant_reference="p-41", reason="Red conocida.")

    assert r.status_code == 302, r.get_data(as_text=True)
    [row] = requests(world)
    assert row["status"] == "accepted"
    shown = visible(client.get(r.headers["Location"]))
    assert "No se envió ninguna invitación" in shown
    assert "invitado a crear una cuenta" not in shown
    assert world.services.accounts.of_participant(row["participant_id"]) is None


def test_an_acceptance_with_a_participant_reference_already_used_is_refused(world: World) -> None:
    rid = stored_request(world)
    taken = world.services.app.participant(world.member).reference

    r = decide(world, client_as(world, "representative"), rid, participant_reference=taken.upper(), reason="Red conocida.")

    assert r.status_code == 422
    assert "Referencia del nuevo participante (en una aceptación) Esto ya está registrado." in visible(r)
    assert [row["status"] for row in requests(world)] == ["pending"]


def test_the_secretariat_declines_a_request_with_its_ground(world: World) -> None:
    rid = stored_request(world)

    r = decide(world, client_as(world, "secretariat"), rid, decision="decline", ground="unverifiable", reason="Sin datos de la red.")
    page = visible(client_as(world, "secretariat").get(QUEUE + "?lang=en"))

    assert r.status_code == 302
    assert [(x["status"], x["ground"], x["reason"]) for x in requests(world)] == [("declined", "unverifiable", "Sin datos de la red.")]
    assert "unverifiable" in page and "No request waits for a decision." in page


def test_a_decline_without_ground_or_reason_comes_back_with_both_errors(world: World) -> None:
    rid = stored_request(world)

    r = decide(world, client_as(world, "representative"), rid, decision="decline", participant_reference="p-41")
    page = r.get_data(as_text=True)

    assert r.status_code == 422
    assert 'id="ground-1-error"' in page and 'id="reason-1-error"' in page and 'value="p-41"' in page
    assert [x["status"] for x in requests(world)] == ["pending"]


def test_a_decision_on_a_request_already_decided_is_refused_on_the_page(world: World) -> None:
    rid = stored_request(world)
    world.services.app.decide_join_request(rid, decision="decline", ground="duplicate", reason="Ya pidió.")
    world.services.projector.catch_up()

    r = decide(world, client_as(world, "secretariat"), rid, decision="accept")

    assert r.status_code == 422 and 'data-code="request_decided"' in r.get_data(as_text=True)
    assert [x["status"] for x in requests(world)] == ["declined"]


# ---------------------------------------------------------------------------- what waits for me
def test_a_pending_request_waits_for_the_tables_representative(world: World) -> None:
    rid = stored_request(world)

    page = client_as(world, "representative").get("/me?lang=en").get_data(as_text=True)

    assert f'href="/tables/RT1/join-requests#request-{rid}"' in page


def test_a_pending_request_waits_for_the_secretariat(world: World) -> None:
    rid = stored_request(world)

    page = client_as(world, "secretariat").get("/me?lang=en").get_data(as_text=True)

    assert f'href="/tables/RT1/join-requests#request-{rid}"' in page


def test_a_pending_request_does_not_wait_for_a_member_who_represents_nobody(world: World) -> None:
    stored_request(world)

    page = client_as(world, "member").get("/me?lang=en").get_data(as_text=True)

    assert "/tables/RT1/join-requests" not in page


def test_a_name_with_a_line_break_is_refused_once_named_by_the_summary_with_what_was_typed_kept(world: World) -> None:
    client = world.app.test_client()
    client.get(FORM, headers={"Accept-Language": "es"})

    r = ask(world, client, display_name="Eve\r\nBcc: victim@example.org")
    page = r.get_data(as_text=True)

    assert r.status_code == 422 and 'id="join-display_name-error"' in page
    assert "Su nombre: Este campo ocupa una sola línea" in " ".join(visible(r).split())
    assert "«Su nombre»" not in visible(r)
    assert "Bcc: victim@example.org" in page and "Coordino una red de acogida en Cusco." in page
    assert requests(world) == []


def test_a_request_stored_with_a_name_of_two_lines_registers_the_person_under_it_on_one_line(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as older_release:  # an older release took line breaks in a name
        older_release.setattr(domain.base, "SINGLE_LINE_FIELDS", frozenset())
        rid = world.services.app.request_to_join(
            "RT1", motivation="Coordino una red de acogida en Cusco.", display_name="María\r\nHuamán \u202e", organisation_name="Red",
            country="PE", stakeholder_group="migrant_organisation", language="es", contact=CONTACT,
        )

    pid, _ = world.services.app.decide_join_request(rid, decision="accept")

    assert pid is not None and world.services.app.participant(pid).display_name == "María Huamán"
