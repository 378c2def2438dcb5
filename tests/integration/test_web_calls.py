"""The pages of open calls for input (issue 17) through HTTP, on SQLite and PostgreSQL:
anyone sends an input (a trap field for robots, a limit per address), the public sees
accepted inputs without contact and rejected ones by category, the secretariat moderates,
an author links an accepted input to their proposal."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest
from flask import Flask

from application.bootstrap import Services
from domain.base import PUBLIC
from projections import calls as call_views
from tests.conftest import draft_sample_proposal, seed_members
from tests.e2e.web_support import act_as, make_app, post_form, text_of, visible

CONTACT = "ana.souza@example.org"


@dataclass
class World:
    services: Services
    app: Flask
    call: UUID
    author: UUID
    proposal: UUID


@pytest.fixture
def world(services: Services) -> World:
    (author,) = seed_members(services.app)
    proposal = draft_sample_proposal(services.app, author)
    call = services.app.open_call(
        reference="call-1", title="Vías regulares", text="Aportes sobre vías regulares.", objectives=[2], table="RT1",
        languages=["es", "pt"], opens_on=date(2026, 1, 5), closes_on=date(2026, 1, 31),
    )
    services.projector.catch_up()
    app = make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-10", csrf=True)
    return World(services, app, call, author, proposal)


def send(world: World, client: object, **changes: str) -> object:
    data = {"text": "Um aporte em português.", "language": "pt", "organisation_name": "Rede Acolhida", "country": "BR",
            "stakeholder_group": "migrants", "contact": CONTACT, "website": ""}
    data.update(changes)
    url = f"/calls/{world.call}"
    return post_form(client, url, f"{url}/inputs", prefix="in", **data)  # type: ignore[arg-type]


def inputs(world: World, status: str | None = None) -> list[dict[str, object]]:
    world.services.projector.catch_up()
    return call_views.inputs_of_call(world.services.projector.engine, str(world.call), status)


def test_someone_without_an_account_sends_an_input_that_waits_for_moderation(world: World) -> None:
    client = world.app.test_client()

    r = send(world, client)
    page = visible(client.get(f"/calls/{world.call}?lang=en"))

    assert r.status_code == 302  # type: ignore[attr-defined]
    assert [(i["status"], i["from_public"]) for i in inputs(world)] == [("pending", True)]
    assert "Um aporte em português." not in page


def test_the_input_form_names_the_countries_in_the_reader_s_language(world: World) -> None:
    html = world.app.test_client().get(f"/calls/{world.call}", headers={"Accept-Language": "pt"}).get_data(as_text=True)

    assert ('<option value="BR">Brasil</option>' in html, '<option value="BR">Brazil</option>' in html) == (True, False)


def test_an_input_whose_trap_field_is_filled_is_not_stored(world: World) -> None:
    r = send(world, world.app.test_client(), website="http://spam.example")

    assert r.status_code == 302  # type: ignore[attr-defined]
    assert inputs(world) == []


def test_a_refused_input_comes_back_with_what_was_typed(world: World) -> None:
    r = send(world, world.app.test_client(), text=" ", organisation_name="Rede Acolhida", contact="not-an-address")
    page = r.get_data(as_text=True)  # type: ignore[attr-defined]

    assert r.status_code == 422  # type: ignore[attr-defined]
    assert 'value="Rede Acolhida"' in page and 'value="not-an-address"' in page
    assert inputs(world) == []


@pytest.mark.parametrize(("language", "words"), [("es", "Tiene más de 5.000 caracteres."), ("en", "This is longer than 5,000 characters.")])
def test_a_too_long_input_is_refused_naming_its_own_limit_of_5000_characters(world: World, language: str, words: str) -> None:
    url = f"/calls/{world.call}"
    data = {"text": "x" * 5_001, "language": "pt", "organisation_name": "Rede Acolhida", "country": "BR",
            "stakeholder_group": "migrants", "contact": CONTACT, "website": ""}

    r = post_form(world.app.test_client(), url, f"{url}/inputs?lang={language}", prefix="in", **data)

    assert r.status_code == 422
    assert (words in visible(r), "20,000" in visible(r), "20.000" in visible(r)) == (True, False, False)
    assert inputs(world) == []


def test_a_burst_of_50_inputs_from_one_address_is_throttled(world: World) -> None:
    client = world.app.test_client()

    codes = [send(world, client, contact=f"burst-{n}@example.org").status_code for n in range(50)]  # type: ignore[attr-defined]

    assert codes.count(429) >= 45
    assert len(inputs(world)) <= 5


def test_refused_inputs_do_not_count_against_the_limit_of_inputs_per_address(world: World) -> None:
    client = world.app.test_client()
    accepted = [send(world, client, contact=f"sent-{n}@example.org").status_code for n in range(3)]  # type: ignore[attr-defined]
    refused = [send(world, client, text=" ", contact=f"typo-{n}@example.org").status_code for n in range(2)]  # type: ignore[attr-defined]

    r = send(world, client, contact="sent-3@example.org")

    assert (accepted, refused, r.status_code) == ([302] * 3, [422] * 2, 302)  # type: ignore[attr-defined]
    assert len(inputs(world)) == 4


def test_inputs_sent_at_the_same_moment_from_one_address_cannot_pass_its_limit(world: World) -> None:
    barrier = threading.Barrier(12)
    codes: list[int] = []

    def sender(n: int) -> None:
        client = world.app.test_client()
        barrier.wait()
        codes.append(send(world, client, contact=f"same-moment-{n}@example.org").status_code)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(codes) == [302] * 5 + [429] * 7
    assert len(inputs(world)) == 5


def test_a_run_of_refused_inputs_from_one_address_is_throttled_by_its_own_limit(world: World) -> None:
    client = world.app.test_client()

    codes = [send(world, client, text=" ").status_code for _ in range(12)]  # type: ignore[attr-defined]

    assert codes == [422] * 10 + [429] * 2


def test_a_form_sent_right_after_a_run_of_refused_ones_is_taken(world: World) -> None:
    client = world.app.test_client()
    refused = [send(world, client, text=" ", contact=f"typo-{n}@example.org").status_code for n in range(10)]  # type: ignore[attr-defined]

    r = send(world, client, contact="right@example.org")  # type: ignore[attr-defined]

    # people behind one address (a shelter) are not stopped by the typos sent before
    assert (refused, r.status_code, len(inputs(world))) == ([422] * 10, 302, 1)


def test_refused_inputs_sent_at_the_same_moment_cannot_pass_their_own_limit(world: World) -> None:
    barrier = threading.Barrier(12)
    codes: list[int] = []

    def sender() -> None:
        client = world.app.test_client()
        barrier.wait()
        codes.append(send(world, client, text=" ").status_code)  # type: ignore[attr-defined]

    threads = [threading.Thread(target=sender) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # forms arriving together also meet the limit of forms taken (each counts there on arrival)
    assert (len(codes), set(codes) <= {422, 429}, codes.count(422) <= 10, len(inputs(world))) == (12, True, True, 0)


def test_the_wait_told_after_the_limit_is_the_time_left_in_its_window(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.app.test_client()
    codes = [send(world, client, contact=f"sent-{n}@example.org").status_code for n in range(5)]  # type: ignore[attr-defined]
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 30)  # half the minute's window gone

    r = send(world, client, contact="sent-5@example.org")  # type: ignore[attr-defined]

    assert (codes, r.status_code) == ([302] * 5, 429)
    assert 25 <= int(r.headers["Retry-After"]) <= 31


def test_the_public_sees_an_accepted_input_without_its_contact(world: World) -> None:
    iid = world.services.app.submit_input(
        world.call, text="Um aporte em português.", organisation_name="", country="BR", stakeholder_group="migrants",
        language="pt", contact=CONTACT, actor=PUBLIC,
    )
    world.services.app.moderate_input(iid, decision="accept", reason="Pertinente.")
    world.services.projector.catch_up()

    page = world.app.test_client().get(f"/calls/{world.call}").get_data(as_text=True)

    assert "Um aporte em português." in page and CONTACT not in page


def test_the_public_sees_the_rejected_inputs_by_category(world: World) -> None:
    iid = world.services.app.submit_input(
        world.call, text="Compre seguidores.", organisation_name="", country="MX", stakeholder_group="other", language="es",
        contact="ventas@example.com", actor=PUBLIC,
    )
    world.services.app.moderate_input(iid, decision="reject", reason="Publicidad.", category="spam")
    world.services.projector.catch_up()

    page = visible(world.app.test_client().get(f"/calls/{world.call}?lang=en"))

    assert "spam: 1" in page and "Compre seguidores." not in page and "Publicidad." not in page


def test_the_moderation_page_is_not_for_the_public(world: World) -> None:
    assert world.app.test_client().get(f"/calls/{world.call}/moderation").status_code == 403


def test_the_secretariat_accepts_an_input_from_the_moderation_page(world: World) -> None:
    client = world.app.test_client()
    send(world, client)
    [pending] = inputs(world)
    act_as(client, "secretariat")

    r = post_form(client, f"/calls/{world.call}/moderation", f"/calls/inputs/{pending['id']}/moderation", decision="accept", reason="Pertinente.", category="")

    assert r.status_code == 302, r.get_data(as_text=True)
    assert [i["status"] for i in inputs(world)] == ["accepted"]


def test_a_rejection_without_category_comes_back_with_its_reason(world: World) -> None:
    client = world.app.test_client()
    send(world, client)
    [pending] = inputs(world)
    act_as(client, "secretariat")

    r = post_form(client, f"/calls/{world.call}/moderation", f"/calls/inputs/{pending['id']}/moderation", decision="reject", reason="Fuera de tema.", category="")

    page = r.get_data(as_text=True)

    assert r.status_code == 422
    assert 'id="category-1-error"' in page and 'aria-invalid="true"' in page
    assert "Fuera de tema." in page


def test_a_rejection_without_category_nor_reason_shows_both_errors_at_once(world: World) -> None:
    client = world.app.test_client()
    send(world, client)
    [pending] = inputs(world)
    act_as(client, "secretariat")

    r = post_form(client, f"/calls/{world.call}/moderation", f"/calls/inputs/{pending['id']}/moderation?lang=es", decision="reject", reason="", category="")

    page, summary = beside_and_summary(r)
    assert r.status_code == 422
    assert [page.count(w) for w in ("Un rechazo indica su categoría.", "Un rechazo da su motivo.")] == [1, 1]
    assert [summary.count(w) for w in ("Un rechazo indica su categoría.", "Un rechazo da su motivo.")] == [1, 1]
    assert inputs(world, "pending") == inputs(world)


def test_an_author_links_an_accepted_input_and_the_proposal_shows_it(world: World) -> None:
    iid = world.services.app.submit_input(
        world.call, text="Um aporte em português.", organisation_name="Rede Acolhida", country="BR", stakeholder_group="migrants",
        language="pt", contact=CONTACT, actor=PUBLIC,
    )
    world.services.app.moderate_input(iid, decision="accept", reason="Pertinente.")
    world.services.projector.catch_up()
    client = world.app.test_client()
    act_as(client, "participant", str(world.author))

    r = post_form(client, f"/proposals/{world.proposal}", f"/proposals/{world.proposal}/inputs", prefix="link", input=str(iid))
    page = visible(world.app.test_client().get(f"/proposals/{world.proposal}?lang=en"))

    assert r.status_code == 302, r.get_data(as_text=True)
    assert "Draws on 1 input" in page and "Rede Acolhida" in page


def beside_and_summary(r: object) -> tuple[str, str]:
    """The visible text of the page without its error summary, and the summary's (each
    error is shown once beside its field and once, as a link, in the summary at the top)."""
    body = r.get_data(as_text=True)  # type: ignore[attr-defined]
    m = re.search(r'<div class="error-summary".*?(?=<div class="page-head">)', body, re.S)
    summary = m.group(0) if m else ""
    return text_of(body.replace(summary, "")), text_of(summary)


def test_an_input_with_several_faults_shows_each_once_with_what_was_typed(world: World) -> None:
    url = f"/calls/{world.call}"
    data = {"text": " ", "language": "pt", "organisation_name": "R" * 201, "country": "BR", "stakeholder_group": "migrants",
            "contact": "not-an-address", "website": ""}

    r = post_form(world.app.test_client(), url, f"{url}/inputs?lang=en", prefix="in", **data)

    page, summary = beside_and_summary(r)
    assert r.status_code == 422
    counts = [page.count(w) for w in ("The text is empty.", "This is longer than 200 characters.", "The contact is an e-mail address")]
    assert counts == [summary.count(w) for w in ("The text is empty.", "This is longer than 200 characters.", "The contact is an e-mail address")]
    assert counts == [1, 1, 1]
    assert 'value="not-an-address"' in r.get_data(as_text=True)
    assert inputs(world) == []


def test_a_call_with_several_faults_shows_each_once_with_what_was_typed(world: World) -> None:
    client = world.app.test_client()
    act_as(client, "secretariat")
    data = {"title": " ", "text": "x" * 10_001, "objectives": ["4"], "table": "RT1", "opens_on": "2026-01-12", "closes_on": "2026-01-11"}

    r = post_form(client, "/calls", "/calls?lang=en", prefix="call", **data)

    page, _summary = beside_and_summary(r)
    assert r.status_code == 422
    counts = [page.count(w) for w in ("The title is empty.", "This is longer than 10,000 characters.", "do not belong to RT1",
                                      "A call takes inputs in at least one language.", "A call closes on or after the day it opens.")]
    assert counts == [1, 1, 1, 1, 1]
    assert "x" * 10_001 in r.get_data(as_text=True)


def test_a_call_with_an_objective_of_another_table_is_told_so_in_words_that_fit_a_call(world: World) -> None:
    client = world.app.test_client()
    act_as(client, "secretariat")
    data = {"title": "Consulta", "text": "¿Qué falta?", "objectives": ["4"], "table": "RT1", "languages": ["es"], "opens_on": "2026-01-12", "closes_on": "2026-02-11"}

    r = post_form(client, "/calls", "/calls?lang=es", prefix="call", **data)

    page, _summary = beside_and_summary(r)
    assert r.status_code == 422
    assert page.count("Los objetivos del Pacto Mundial elegidos deben pertenecer a la mesa de trabajo.") == 1
    assert "de una propuesta deben pertenecer" not in r.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_the_open_call_form_names_the_objectives_in_the_reader_s_language(world: World, lang: str) -> None:
    from domain.reference import objectives

    client = world.app.test_client()
    act_as(client, "secretariat")
    html = client.get(f"/calls?lang={lang}").get_data(as_text=True)

    o = objectives()[2]
    assert (f'<option value="2">2. {o.title(lang)}</option>' in html, o.title_en in html) == (True, False)
