"""A new password's faults come all at once (too short, too common, the same as the current
one, the wrong current password, a confirmation that differs), from the application
(:meth:`Accounts.new_password_problems`), on the account page and on a reset link's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from application.bootstrap import Services
from application.persistence import generate_master_key
from domain.errors import InvalidInputError
from tests.conftest import seed_members
from tests.e2e.web_support import app_services, make_app, token

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


def error_ids(body: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'<p class="error" id="([a-z_-]+)-error">(.*?)</p>', body)}


def test_the_application_lists_every_fault_of_a_new_password(s: Services, member: str) -> None:
    found = s.accounts.new_password_problems(member, "corta", current="no es la clave", confirm="otra")

    assert [(e.field, e.code) for e in found] == [
        ("current_password", "wrong_password"), ("password", "password_too_short"), ("confirm", "passwords_differ"),
    ]


def test_the_same_password_as_the_current_one_is_a_fault(s: Services, member: str) -> None:
    assert [(e.field, e.code) for e in s.accounts.new_password_problems(member, PASSWORD, current=PASSWORD, confirm=PASSWORD)] == [
        ("password", "password_unchanged"),
    ]
    with pytest.raises(InvalidInputError) as e:
        s.accounts.set_password(member, PASSWORD, current=PASSWORD)
    assert e.value.code == "password_unchanged"


def test_a_links_choice_is_never_compared_with_the_present_password(s: Services, member: str) -> None:
    # Holding a reset link must not let anyone test guesses of the present password.
    assert [(e.field, e.code) for e in s.accounts.new_password_problems(member, PASSWORD, confirm="otra")] == [
        ("confirm", "passwords_differ"),
    ]
    assert [e.code for e in s.accounts.new_password_problems(member, "una conjetura cualquiera", confirm="otra")] == ["passwords_differ"]


def test_the_account_page_shows_every_fault_at_once(app: Flask, member: str) -> None:
    client = app.test_client()
    page = client.get("/login?lang=en").get_data(as_text=True)
    client.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token(page)})
    page = client.get("/account?lang=en").get_data(as_text=True)

    r = client.post("/account/password?lang=en", data={
        "pw-csrf_token": token(page), "pw-current_password": "no es la clave", "pw-password": "corta", "pw-confirm": "otra",
    })

    errors = error_ids(r.get_data(as_text=True))
    assert r.status_code == 422
    assert sorted(errors) == ["pw-confirm", "pw-current_password", "pw-password"]
    assert "at least 12 characters" in errors["pw-password"]


def test_a_reset_link_shows_every_fault_at_once(app: Flask, s: Services, member: str) -> None:
    link = s.accounts.issue_link(member, "reset")
    client = app.test_client()
    page = client.get(f"/account/reset/{link}?lang=en").get_data(as_text=True)

    r = client.post(f"/account/reset/{link}?lang=en", data={"csrf_token": token(page), "password": "corta", "confirm": "otra"})

    assert r.status_code == 422
    assert sorted(error_ids(r.get_data(as_text=True))) == ["confirm", "password"]
