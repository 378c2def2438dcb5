"""The account pages through HTTP: invitations mailed in the person's language, what waits
for me, my account (language, sessions, my data, erasure), and a refusal shown on the page
where the person acted."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from application.bootstrap import Services
from application.persistence import generate_master_key
from tests.conftest import SmtpSink, link_in, seed_members
from tests.e2e.web_support import act_as, app_services, make_app, sign_in_as, token, visible

PASSWORD = "una clave larga de prueba"


@pytest.fixture
def app(tmp_path: Path, smtp_server: tuple[str, SmtpSink]) -> Flask:
    return make_app(f"sqlite:///{tmp_path / 'web.sqlite'}", generate_master_key(), csrf=True,
                    DIALOGUE_SMTP_URL=smtp_server[0], DIALOGUE_PUBLIC_URL="https://dialogue.example.org")


@pytest.fixture
def s(app: Flask) -> Services:
    return app_services(app)


def test_the_secretariat_invites_from_its_page_and_the_mail_is_in_the_persons_language(
    app: Flask, s: Services, smtp_server: tuple[str, SmtpSink],
) -> None:
    pid = s.app.register_participant(reference="p-pt", display_name="Joana Lima", organisation_id=None, gender="woman", preferred_language="pt")
    s.projector.catch_up()
    client = app.test_client()
    act_as(client, "secretariat")
    page = client.get("/account/invite").get_data(as_text=True)

    r = client.post("/account/invite", data={"participant": str(pid), "email": "joana@example.org", "csrf_token": token(page)})

    assert r.status_code == 302
    (mail,) = smtp_server[1].to("joana@example.org")
    assert mail["Subject"] == "Seu convite para o mecanismo de Diálogo do PGM"
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert '<html lang="pt">' in html and "Escolher sua senha" in html
    link = link_in(mail)
    assert link.startswith("https://dialogue.example.org/account/invitation/")

    visitor = app.test_client()
    path = link.removeprefix("https://dialogue.example.org")
    form = visitor.get(path).get_data(as_text=True)
    chosen = visitor.post(path, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token(form)})
    assert (chosen.status_code, chosen.headers["Location"]) == (302, "/login")
    again = visitor.get(path)
    assert again.status_code == 410


def test_a_member_is_refused_an_invitation_page(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    client = app.test_client()
    act_as(client, "participant", str(pid))
    assert client.get("/account/invite").status_code == 403


def test_what_waits_for_a_member_links_to_the_position_form(app: Flask, s: Services) -> None:
    members = seed_members(s.app, 3)
    proposal = s.app.draft_proposal(actor=str(members[0]), table="RT1", title="Pathways", problem="P", recommendation="R",
                                    rationale="Why", objectives=[2], targets=["all governments of the region"], language="es")
    s.app.submit_proposal(proposal, actor=str(members[0]))
    session = s.app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 1, 20))
    s.app.add_to_agenda(session, proposal)
    s.projector.catch_up()
    client = app.test_client()
    act_as(client, "participant", str(members[1]))

    page = client.get("/me?lang=en")

    assert page.status_code == 200
    assert f'href="/sessions/{session}#item-{proposal}"' in page.get_data(as_text=True)
    assert "State your position" in visible(page)
    assert '<span class="count">1</span>' in client.get("/?lang=en").get_data(as_text=True)


def test_the_language_chosen_is_saved_for_pages_and_mails(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    account = s.accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    client = app.test_client()
    sign_in_as(client, account.id)
    page = client.get("/account").get_data(as_text=True)

    r = client.post("/account/language", data={"lang-language": "fr", "lang-csrf_token": token(page)})

    assert r.status_code == 302
    assert s.accounts.require(account.id).language == "fr"
    assert "Mon compte" in visible(client.get("/account"))


def test_my_data_is_mine_only(app: Flask, s: Services) -> None:
    me, other = seed_members(s.app, 2)
    account = s.accounts.create_participant_account(me, "ana@example.org", password=PASSWORD)
    s.projector.catch_up()
    client = app.test_client()
    sign_in_as(client, account.id)

    r = client.get("/account/data.json")

    data = json.loads(r.get_data(as_text=True))
    assert r.headers["Cache-Control"] == "no-store"
    assert data["account"]["email"] == "ana@example.org"
    assert data["participant"]["participant_id"] == str(me)
    assert str(other) not in r.get_data(as_text=True)


def test_my_data_holds_my_notifications_and_my_choices(app: Flask, s: Services) -> None:
    (me,) = seed_members(s.app, table="RT2")
    account = s.accounts.create_participant_account(me, "ana@example.org", password=PASSWORD)
    s.app.schedule_session(table="RT2", on=date(2026, 2, 3))
    s.projector.catch_up()
    s.notifications.set_preferences(account.id, {"session_scheduled": "weekly"})
    s.notifications.refresh(account)
    client = app.test_client()
    sign_in_as(client, account.id)

    data = json.loads(client.get("/account/data.json").get_data(as_text=True))

    assert data["notifications"]["preferences"] == {"session_scheduled": "weekly"}
    assert [(n["kind"], n["details"]["table"]) for n in data["notifications"]["notifications"]] == [("session_scheduled", "RT2")]


def test_an_erasure_request_reaches_the_secretariats_page(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    account = s.accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    s.projector.catch_up()
    member = app.test_client()
    sign_in_as(member, account.id)
    page = member.get("/account").get_data(as_text=True)
    fields = {"erase-confirm": "y", "erase-csrf_token": token(page, "erase-")}
    assert member.post("/account/erasure", data={**fields, "confirm": "yes"}).status_code == 302

    secretariat = app.test_client()
    act_as(secretariat, "secretariat")
    assert "Requests for erasure" in visible(secretariat.get("/me?lang=en"))


def test_an_erasure_request_is_confirmed_first_and_says_what_will_happen(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    account = s.accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    s.projector.catch_up()
    member = app.test_client()
    sign_in_as(member, account.id)
    page = member.get("/account").get_data(as_text=True)

    r = member.post("/account/erasure?lang=en", data={"erase-confirm": "y", "erase-csrf_token": token(page, "erase-")})

    assert (r.status_code, "An erasure cannot be undone." in visible(r), 'type="hidden" name="confirm" value="yes"' in r.get_data(as_text=True)) == (200, True, True)
    assert s.accounts.erasure_requests() == []


def test_ending_my_other_sessions_signs_out_the_other_browser(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    account = s.accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    here, phone = app.test_client(), app.test_client()
    sign_in_as(here, account.id)
    sign_in_as(phone, account.id)
    page = here.get("/account").get_data(as_text=True)

    here.post("/account/sessions/end-others", data={"others-csrf_token": token(page, "others-")})

    assert here.get("/me").status_code == 200
    assert phone.get("/me").status_code == 302


def test_a_refused_action_says_why_on_the_page_where_the_person_was(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    client = app.test_client()
    act_as(client, "participant", str(pid))
    page = client.get("/sessions").get_data(as_text=True)

    r = client.post("/sessions?lang=es", data={"table": "RT1", "quarter": "2026-Q1", "date": "2026-02-10", "mode": "virtual",
                                               "command_id": "5b0a8d0e-1f3a-4e0a-9e7e-2a9f1c3d4b5a", "csrf_token": token(page)})

    assert r.status_code == 422
    assert "Solo la secretaría puede hacer esto." in visible(r)
    assert "<h1>Sesiones de las mesas</h1>" in r.get_data(as_text=True)
