"""Drafting and revising proposals through the HTTP forms, on SQLite and PostgreSQL.

The forms are fetched first and their CSRF token and command id kept, as a browser does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from application.bootstrap import Services
from domain.reference import ALL_GOVERNMENTS
from projections import proposals as proposal_views
from tests.e2e.web_support import (
    act_as,
    app_services,
    command_id,
    expected_version,
    make_app,
    text_of,
    token,
)

PROBLEM = "Las personas migrantes esperan\r\nmeses 🌎 por un turno.\r\n\r\nSin tilde: informacion"


@dataclass
class Site:
    app: Flask
    services: Services
    author: str
    other: str

    def client(self) -> FlaskClient:
        return self.app.test_client()


@pytest.fixture
def site(database_url: str, master_key: str) -> Iterator[Site]:
    """A fresh database with the four tables and two members of RT1; CSRF checks on."""
    app = make_app(database_url, master_key, csrf=True)
    s = app_services(app)
    for code in ("RT1", "RT2", "RT3", "RT4"):
        s.app.register_table(code)
    ids = []
    for ref, name in (("p-a", "Ana Pérez Quispe"), ("p-b", "Bruno Silva")):
        pid = s.app.register_participant(reference=ref, display_name=name, organisation_id=None, gender="woman", preferred_language="es")
        s.app.join_table(pid, "RT1")
        ids.append(str(pid))
    s.wait_for_views()
    yield Site(app, s, ids[0], ids[1])


def _draft_form(client: FlaskClient) -> str:
    r = client.get("/proposals/new?lang=en")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def _draft_data(page: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token(page), "command_id": command_id(page), "table": "RT1",
        "title": "Ventanillas  únicas para migrantes ", "problem": PROBLEM,
        "recommendation": "1. Abrir ventanillas\n2. Publicar datos", "rationale": "Porque sí.",
        "objectives": ["2", "5"], "targets": [ALL_GOVERNMENTS, "MX"], "language": "es",
    }
    data.update(overrides)
    return data


def test_a_participant_drafts_through_the_form_and_finds_it_on_the_board(site: Site) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)

    r = client.post("/proposals/new", data=_draft_data(page))

    assert r.status_code == 302
    proposal_id = r.headers["Location"].rsplit("/", 1)[-1]
    board = client.get("/?lang=en").get_data(as_text=True)
    assert f'href="/proposals/{proposal_id}"' in board
    assert "Ventanillas  únicas para migrantes " in text_of(board)
    stored = site.services.app.proposal(proposal_id)
    assert (stored.title, stored.problem, stored.objectives, stored.targets) == (
        "Ventanillas  únicas para migrantes ", PROBLEM.replace("\r\n", "\n"), [2, 5], [ALL_GOVERNMENTS, "MX"],
    )


def test_the_proposal_page_shows_the_text_as_typed(site: Site) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    r = client.post("/proposals/new", data=_draft_data(_draft_form(client)))

    page = text_of(client.get(r.headers["Location"]).get_data(as_text=True))

    assert "Las personas migrantes esperan" in page
    assert "meses 🌎 por un turno." in page
    assert "Sin tilde: informacion" in page


def test_the_public_reads_a_proposal_page_without_being_given_a_session(site: Site) -> None:
    author = site.client()
    act_as(author, "participant", site.author)
    r = author.post("/proposals/new", data=_draft_data(_draft_form(author)))

    page = site.client().get(r.headers["Location"] + "?lang=en")

    assert page.status_code == 200
    assert "Las personas migrantes esperan" in text_of(page.get_data(as_text=True))
    assert [c for c in page.headers.getlist("Set-Cookie") if c.startswith("session=")] == []


def test_a_draft_with_an_objective_outside_the_table_is_refused_with_the_typed_text_kept(site: Site) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)
    before = site.services.app.recorder.max_notification_id()

    r = client.post("/proposals/new?lang=en", data=_draft_data(page, objectives=["8"]))

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "GCM objectives 8 belong to RT2, not to RT1" in text_of(body)
    assert 'aria-describedby="objectives-hint objectives-error"' in body
    assert "Ventanillas  únicas para migrantes " in body
    assert "meses 🌎 por un turno." in body
    assert 'value="8" id="objectives-8" checked' in body
    assert site.services.app.recorder.max_notification_id() == before
    assert proposal_views.list_recommendations(site.services.projector.engine) == []


def test_the_refusal_names_the_rule_in_spanish_by_default(site: Site) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=es", data=_draft_data(page, objectives=["8"]))

    assert r.status_code == 422
    assert "pertenecen a RT2, no a RT1" in text_of(r.get_data(as_text=True))


def test_submitting_the_same_draft_form_twice_stores_one_proposal(site: Site) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    data = _draft_data(_draft_form(client))

    first = client.post("/proposals/new", data=data)
    second = client.post("/proposals/new", data=data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(proposal_views.list_recommendations(site.services.projector.engine)) == 1


def test_a_form_without_its_csrf_token_is_refused_and_keeps_the_text(site: Site) -> None:
    client = site.client()
    act_as(client, "participant", site.author)
    data = _draft_data(_draft_form(client))
    del data["csrf_token"]

    r = client.post("/proposals/new", data=data)

    assert r.status_code == 400
    assert "meses 🌎 por un turno." in r.get_data(as_text=True)
    assert proposal_views.list_recommendations(site.services.projector.engine) == []


def test_the_public_cannot_draft(site: Site) -> None:
    client = site.client()
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=en", data=_draft_data(page))

    assert r.status_code == 422
    assert "Sign in with a participant's account to do this." in text_of(r.get_data(as_text=True))
    assert proposal_views.list_recommendations(site.services.projector.engine) == []


def _drafted(site: Site) -> str:
    pid = site.services.app.draft_proposal(
        actor=site.author, table="RT1", title="Título", problem="Problema", recommendation="Recomendación", rationale="Razones",
        objectives=[2], targets=[ALL_GOVERNMENTS], language="es",
    )
    site.services.wait_for_views()
    return str(pid)

# A revision's fields as the revise form of a proposal drafted by ``_drafted`` holds them.
REVISION = {
    "title": "Título", "problem": "Problema", "recommendation": "Recomendación", "rationale": "Razones",
    "objectives": ["2"], "targets": [ALL_GOVERNMENTS], "language": "es", "note": "",
}


def open_revision(site: Site, pid: str, actor: str) -> tuple[FlaskClient, str]:
    """A client signed in as ``actor`` and the revise form of ``pid`` it opened; for someone
    the page refuses (not an author), the form as they could still send it: the proposal
    page's token and command id, with the proposal's version."""
    client = site.client()
    act_as(client, "participant", actor)
    r = client.get(f"/proposals/{pid}/revise")
    if r.status_code == 403:
        page = client.get(f"/proposals/{pid}").get_data(as_text=True)
        return client, page + f'<input type="hidden" name="expected_version" value="{site.services.app.proposal(pid).version}">'
    return client, r.get_data(as_text=True)


def send_revision(client: FlaskClient, pid: str, page: str, **changed: Any) -> TestResponse:
    """The revise form of ``page`` sent (answers in English) with ``changed`` in place of its fields."""
    return client.post(f"/proposals/{pid}/revise?lang=en", data={
        "csrf_token": token(page), "command_id": command_id(page), "expected_version": expected_version(page), **REVISION, **changed,
    })


def test_a_revision_through_the_form_makes_a_new_version(site: Site) -> None:
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.author)

    r = send_revision(client, pid, page, problem="Problema mejor descrito", note="más claro")

    assert r.status_code == 302
    versions = proposal_views.proposal_versions(site.services.projector.engine, pid)
    assert [(v["content_version"], v["problem"]) for v in versions] == [(1, "Problema"), (2, "Problema mejor descrito")]
    history = client.get(f"/proposals/{pid}/versions/2?lang=en").get_data(as_text=True)
    assert "Problema mejor descrito" in history


def test_a_stale_revision_answers_409_with_the_persons_text(site: Site) -> None:
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.author)
    site.services.app.revise_proposal(pid, {"rationale": "Cambiado en otra pestaña"}, actor=site.author)
    site.services.wait_for_views()

    r = send_revision(client, pid, page, problem="Mi texto que no debo perder ✍️")

    body = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Mi texto que no debo perder ✍️" in body
    assert "changed since you opened it" in text_of(body)
    assert expected_version(body) == "2"
    assert site.services.app.proposal(pid).problem == "Problema"


@pytest.mark.parametrize("version", ["²", "1" + "0" * 4300])
def test_a_revision_whose_version_is_no_number_is_refused_as_a_damaged_form(site: Site, version: str) -> None:
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.author)

    r = send_revision(client, pid, page, expected_version=version, problem="Otro problema")

    assert r.status_code == 400 and "The form expired or was damaged." in text_of(r.get_data(as_text=True))
    assert site.services.app.proposal(pid).problem == "Problema"


def test_a_revision_by_someone_not_an_author_is_refused(site: Site) -> None:
    pid = _drafted(site)
    client, page = open_revision(site, pid, site.other)

    r = send_revision(client, pid, page, problem="Problema ajeno")

    assert r.status_code == 422
    assert "Only the author or a co-author may revise" in text_of(r.get_data(as_text=True))
    assert "Problema ajeno" in r.get_data(as_text=True)
    assert site.services.app.proposal(pid).version == 1


def test_the_revise_form_is_refused_to_a_member_who_is_not_an_author(site: Site) -> None:
    pid = _drafted(site)
    client = site.client()
    act_as(client, "participant", site.other)

    r = client.get(f"/proposals/{pid}/revise?lang=es")

    body = r.get_data(as_text=True)
    assert r.status_code == 403
    assert "Solo las personas autoras y coautoras de la propuesta pueden revisarla" in text_of(body)
    assert 'name="expected_version"' not in body and 'name="title"' not in body


def test_the_revise_form_asks_someone_not_signed_in_to_sign_in_and_come_back(site: Site) -> None:
    pid = _drafted(site)

    r = site.client().get(f"/proposals/{pid}/revise?lang=en")

    # an author whose session ended on a phone is not told they may not revise
    assert (r.status_code, r.headers["Location"]) == (302, f"/login?next=/proposals/{pid}/revise")
    assert 'name="title"' not in r.get_data(as_text=True)


def test_a_withdrawal_by_someone_not_the_author_is_refused_before_its_confirmation(site: Site) -> None:
    pid = _drafted(site)
    client = site.client()
    act_as(client, "participant", site.other)
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)

    r = client.post(f"/proposals/{pid}/withdraw?lang=en", data={"csrf_token": token(page), "command_id": command_id(page), "reason": "Ya no hace falta"})

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Withdraw this proposal?" not in body
    assert "Only the author may withdraw the proposal." in text_of(body)
    assert site.services.app.proposal(pid).status == "draft"


def test_a_member_proposes_an_amendment_and_the_author_accepts_it(site: Site) -> None:
    pid = _drafted(site)
    amender = site.client()
    act_as(amender, "participant", site.other)
    page = amender.get(f"/proposals/{pid}").get_data(as_text=True)
    r = amender.post(f"/proposals/{pid}/amendments", data={
        "csrf_token": token(page), "command_id": command_id(page), "field": "problem", "operation": "append",
        "text": "Y faltan intérpretes.", "replaces": "", "justification": "",
    })
    assert r.status_code == 302
    ref = proposal_views.amendments_of(site.services.projector.engine, pid)[0]["reference"]
    author = site.client()
    act_as(author, "participant", site.author)
    page = author.get(f"/proposals/{pid}").get_data(as_text=True)

    r = author.post(f"/proposals/{pid}/amendments/{ref}/accept", data={"csrf_token": token(page), "command_id": command_id(page)})

    assert r.status_code == 302
    p = site.services.app.proposal(pid)
    assert (p.problem, p.co_authors) == ("Problema Y faltan intérpretes.", [site.other])


def test_an_empty_replacement_shows_both_its_errors_at_once_and_keeps_the_justification(site: Site) -> None:
    pid = _drafted(site)
    amender = site.client()
    act_as(amender, "participant", site.other)
    page = amender.get(f"/proposals/{pid}").get_data(as_text=True)

    r = amender.post(f"/proposals/{pid}/amendments?lang=es", data={
        "csrf_token": token(page), "command_id": command_id(page), "field": "problem", "operation": "replace",
        "text": "", "replaces": "", "justification": "Falta un dato 🌎",
    })

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert sorted(re.findall(r'<li><a href="#([^"]+)">', body)) == ["replaces", "text"]
    assert "Escriba el texto que esta enmienda reemplaza." in text_of(body)
    assert "Falta un dato 🌎" in body
    assert proposal_views.amendments_of(site.services.projector.engine, pid) == []


def test_the_author_submits_and_the_board_shows_the_new_status(site: Site) -> None:
    pid = _drafted(site)
    client = site.client()
    act_as(client, "participant", site.author)
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)

    r = client.post(f"/proposals/{pid}/submit", data={"csrf_token": token(page), "command_id": command_id(page)})

    assert r.status_code == 302
    board = client.get("/?status=submitted").get_data(as_text=True)
    assert f'href="/proposals/{pid}"' in board
    assert 'data-status="submitted"' in board


@pytest.mark.parametrize(("lang", "words"), [("es", "Problema"), ("pt", "Problema"), ("fr", "Problème")])
def test_the_amendment_form_names_the_parts_of_the_text_in_the_reader_s_language(site: Site, lang: str, words: str) -> None:
    pid = _drafted(site)
    amender = site.client()
    act_as(amender, "participant", site.other)

    html = amender.get(f"/proposals/{pid}?lang={lang}").get_data(as_text=True)

    form = html[html.index('name="field"'):]
    options = re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]+)<', form[:form.index("</select>")])
    assert dict(options)["problem"] == words and dict(options)["rationale"] != "rationale"
