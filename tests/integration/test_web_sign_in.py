"""Signing in through HTTP: CSRF, the session renewed at sign-in, a stolen cookie worth
nothing after sign-out or a password change, throttling (429), no address enumeration, the
secretariat's second factor, cookies and caching (issue 10, "Done when")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from application.persistence import generate_master_key
from tests.conftest import seed_members
from tests.e2e.web_support import app_services, make_app, token, visible

PASSWORD = "una clave larga de prueba"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(f"sqlite:///{tmp_path / 'web.sqlite'}", generate_master_key(), csrf=True)


@pytest.fixture
def s(app: Flask) -> Services:
    return app_services(app)


@pytest.fixture
def member(s: Services) -> str:
    (pid,) = seed_members(s.app)
    return s.accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD).id


def login(client: FlaskClient, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token(page), **extra})


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_the_right_password_signs_in_and_lands_on_what_waits(app: Flask, member: str) -> None:
    client = app.test_client()
    r = login(client, "ana@example.org")
    assert (r.status_code, r.headers["Location"]) == (302, "/me")
    assert client.get("/me").status_code == 200


def test_a_form_without_its_csrf_token_is_refused_and_signs_nobody_in(app: Flask, member: str) -> None:
    client = app.test_client()
    r = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/me").status_code == 302  # still anonymous: sent to the sign-in page


def test_sign_out_is_a_post_with_its_token(app: Flask, member: str) -> None:
    client = app.test_client()
    login(client, "ana@example.org")
    assert client.get("/logout").status_code == 303  # a GET of the form's address only goes to a page
    assert client.post("/logout").status_code == 400
    assert client.get("/me").status_code == 200  # still signed in


def test_the_session_is_renewed_at_sign_in(app: Flask, member: str) -> None:
    client = app.test_client()
    client.get("/login")
    before = session_cookie(client)
    login(client, "ana@example.org")
    after = session_cookie(client)
    assert after != before
    planted = app.test_client()  # a cookie someone planted before the sign-in is not signed in
    planted.set_cookie("session", before)
    assert planted.get("/me").status_code == 302


def test_a_stolen_cookie_is_useless_after_sign_out(app: Flask, member: str) -> None:
    client = app.test_client()
    login(client, "ana@example.org")
    stolen = session_cookie(client)
    page = client.get("/me").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token(page)})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/me").status_code == 302
    assert thief.get("/account").status_code == 302


def test_a_stolen_cookie_is_useless_after_a_password_change(app: Flask, member: str) -> None:
    client = app.test_client()
    login(client, "ana@example.org")
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(client))
    assert thief.get("/me").status_code == 200
    page = client.get("/account").get_data(as_text=True)
    r = client.post("/account/password", data={
        "pw-csrf_token": token(page), "pw-current_password": PASSWORD, "pw-password": "otra clave bastante larga",
        "pw-confirm": "otra clave bastante larga",
    })
    assert r.status_code == 302
    assert thief.get("/me").status_code == 302
    assert client.get("/me").status_code == 200  # the browser that changed it has a new session


def test_an_unknown_address_and_a_wrong_password_read_the_same(app: Flask, member: str) -> None:
    wrong = login(app.test_client(), "ana@example.org", "not the password at all")
    unknown = login(app.test_client(), "nadie@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 422
    assert visible(wrong).replace("ana@example.org", "X") == visible(unknown).replace("nadie@example.org", "X")
    assert 'value="ana@example.org"' in wrong.get_data(as_text=True)  # the form keeps the address


def test_a_reset_request_reads_the_same_for_every_address(app: Flask, member: str) -> None:
    answers = []
    for address in ("ana@example.org", "nadie@example.org"):
        client = app.test_client()
        page = client.get("/account/reset").get_data(as_text=True)
        r = client.post("/account/reset", data={"email": address, "csrf_token": token(page)})
        answers.append((r.status_code, visible(r)))
    assert answers[0] == answers[1]


def test_a_reset_request_for_what_is_not_an_address_is_refused_and_keeps_the_text(app: Flask, member: str) -> None:
    client = app.test_client()
    page = client.get("/account/reset?lang=es").get_data(as_text=True)

    r = client.post("/account/reset?lang=es", data={"email": "no-es-correo", "csrf_token": token(page)})

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Esta no es una dirección de correo electrónico." in body
    assert 'value="no-es-correo"' in body
    assert "Revise su correo" not in body


def test_repeated_failures_answer_429_with_the_time_to_wait(app: Flask, member: str) -> None:
    client = app.test_client()
    statuses = [login(client, "ana@example.org", "wrong password, again").status_code for _ in range(5)]
    r = login(client, "ana@example.org")
    assert statuses == [422, 422, 422, 422, 429]
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert client.get("/me").status_code == 302


def test_a_member_sending_many_forms_at_once_is_slowed_down(app: Flask, s: Services, member: str) -> None:
    client = app.test_client()
    login(client, "ana@example.org")
    page = client.get("/proposals/new").get_data(as_text=True)
    statuses = [client.post("/proposals/new", data={"csrf_token": token(page), "title": f"t{i}"}).status_code for i in range(20)]
    assert 429 in statuses
    assert statuses.index(429) == 15


def test_the_secretariat_signs_in_with_its_second_factor(app: Flask, s: Services) -> None:
    s.accounts.create_staff_account("sec@example.org", "secretariat", password=PASSWORD)
    client = app.test_client()

    first = login(client, "sec@example.org")
    assert (first.status_code, first.headers["Location"]) == (302, "/login/enrol")
    assert client.get("/me").status_code == 302  # not signed in before the second factor
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = "".join(page.split('id="totp-key">')[1].split("</code>")[0].split())
    enrolled = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token(page)})
    assert enrolled.status_code == 200 and "recovery-codes" in enrolled.get_data(as_text=True)
    assert client.get("/me").status_code == 200

    other = app.test_client()
    again = login(other, "sec@example.org")
    assert again.headers["Location"] == "/login/code"
    code_page = other.get("/login/code").get_data(as_text=True)
    wrong = other.post("/login/code", data={"code": "000000", "csrf_token": token(code_page)})
    assert wrong.status_code == 422 and other.get("/me").status_code == 302
    recovery = enrolled.get_data(as_text=True).split('id="recovery-codes">')[1].split("<code>")[1].split("</code>")[0]
    ok = other.post("/login/code", data={"code": recovery, "csrf_token": token(code_page)})
    assert ok.status_code == 302 and other.get("/me").status_code == 200


def test_cookies_are_http_only_and_lax_and_secure_behind_https(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'w.sqlite'}", generate_master_key(), csrf=True, DIALOGUE_PUBLIC_URL="https://dialogue.example.org")
    (pid,) = seed_members(app_services(app).app)
    app_services(app).accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    client = app.test_client()
    r = login(client, "ana@example.org")
    header = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header


def test_pages_with_personal_data_are_not_stored(app: Flask, member: str) -> None:
    client = app.test_client()
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, "ana@example.org")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_demo_pages_are_404_without_demo_mode(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/demo").status_code == 404
    assert client.post("/demo", data={"account": "x"}).status_code == 404
