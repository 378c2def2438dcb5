"""Personal access tokens of the JSON API (issue 13, "Authentication"): stored hashed, shown
once, with a name, a scope and an expiry; revoked by their owner; a token acts as its owner
through the API, reads only with the read scope, and is worth nothing once expired or revoked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from application.accounts import Accounts
from application.accounts.tables import api_tokens
from application.bootstrap import Services
from application.persistence import generate_master_key
from domain.errors import InvalidInputError, NotFoundError
from tests.conftest import Instant, seed_members
from tests.e2e.web_support import act_as, app_services, make_app, participant_id, post_form, token


@pytest.fixture
def accounts(services: Services, instant: Instant) -> Accounts:
    services.accounts.now = instant.now
    return services.accounts


def _staff(accounts: Accounts) -> str:
    return accounts.create_staff_account("auditor@example.org", "auditor").id


def test_a_token_is_stored_as_its_digest_only(services: Services, accounts: Accounts) -> None:
    info, secret = accounts.create_token(_staff(accounts), "dashboard", "read")

    with services.app.engine.connect() as c:
        row = c.execute(select(api_tokens).where(api_tokens.c.id == info.id)).one()
    assert secret.startswith("dlg_") and len(secret) > 40
    assert secret not in [str(v) for v in row]
    assert (row.name, row.scope) == ("dashboard", "read")


def test_a_token_lasts_ninety_days_unless_told_otherwise(accounts: Accounts, instant: Instant) -> None:
    info, _ = accounts.create_token(_staff(accounts), "dashboard", "read")
    short, _ = accounts.create_token(_staff_2(accounts), "once", "write", days=1)

    assert info.expires_at == instant.at + timedelta(days=90)
    assert short.expires_at == instant.at + timedelta(days=1)


def _staff_2(accounts: Accounts) -> str:
    return accounts.create_staff_account("secretariat@example.org", "secretariat").id


def test_the_secret_finds_its_live_token(accounts: Accounts) -> None:
    owner = _staff(accounts)
    info, secret = accounts.create_token(owner, "dashboard", "write")

    found = accounts.token_account(secret)

    assert found is not None and (found.id, found.account_id, found.scope) == (info.id, owner, "write")
    assert accounts.token_account(secret + "x") is None


def test_an_expired_token_finds_nothing(accounts: Accounts, instant: Instant) -> None:
    _, secret = accounts.create_token(_staff(accounts), "dashboard", "read", days=2)

    instant.advance(days=2, seconds=1)

    assert accounts.token_account(secret) is None


def test_a_revoked_token_finds_nothing_and_stays_listed(accounts: Accounts) -> None:
    owner = _staff(accounts)
    info, secret = accounts.create_token(owner, "dashboard", "read")

    accounts.revoke_token(owner, info.id)

    assert accounts.token_account(secret) is None
    assert [t.revoked_at is not None for t in accounts.tokens(owner)] == [True]


def test_only_the_owner_revokes_a_token(accounts: Accounts) -> None:
    info, secret = accounts.create_token(_staff(accounts), "dashboard", "read")

    with pytest.raises(NotFoundError):
        accounts.revoke_token(_staff_2(accounts), info.id)
    assert accounts.token_account(secret) is not None


@pytest.mark.parametrize(("name", "scope", "days", "code"), [
    ("", "read", 90, "empty_text"), ("x" * 101, "read", 90, "text_too_long"), ("ok", "admin", 90, "unknown_scope"),
    ("ok", "read", 0, "bad_token_expiry"), ("ok", "read", 366, "bad_token_expiry"),
])
def test_a_malformed_token_request_creates_nothing(accounts: Accounts, name: str, scope: str, days: int, code: str) -> None:
    owner = _staff(accounts)

    with pytest.raises(InvalidInputError) as e:
        accounts.create_token(owner, name, scope, days)

    assert e.value.code == code
    assert accounts.tokens(owner) == []


def test_creating_and_revoking_are_in_the_security_log(accounts: Accounts) -> None:
    owner = _staff(accounts)
    info, _ = accounts.create_token(owner, "dashboard", "read")
    accounts.revoke_token(owner, info.id)

    events = [e["event"] for e in accounts.log.entries(owner)]

    assert events[:2] == ["token_revoked", "token_created"]


# ---------------------------------------------------------------------------- through HTTP
@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _token_of(app: Flask, reference: str, scope: str) -> str:
    s = app_services(app)
    pid = participant_id(app, reference)
    account = s.accounts.of_participant(pid) or s.accounts.create_participant_account(pid, f"{reference}@tests.invalid")
    return s.accounts.create_token(account.id, "script", scope)[1]


def test_a_token_reads_as_its_owner(app: Flask) -> None:
    secret = _token_of(app, "p-01", "read")

    tables = app.test_client().get("/api/v1/tables/RT1", headers={"Authorization": f"Bearer {secret}"}).get_json()

    assert tables["members"] is not None and all(m["name"] for m in tables["members"])


def test_an_unknown_token_is_401_and_not_read_as_the_public(app: Flask) -> None:
    r = app.test_client().get("/api/v1/tables", headers={"Authorization": "Bearer dlg_not-a-token"})

    assert r.status_code == 401
    assert r.get_json()["code"] == "invalid_token"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Token {}", "Basic {}", "{}", "Bearer", "Bearer ", "bearer{}", ""])
def test_a_live_token_sent_otherwise_than_as_bearer_is_401_and_not_read_as_the_public(app: Flask, header: str) -> None:
    secret = _token_of(app, "p-01", "read")

    r = app.test_client().get("/api/v1/tables/RT1", headers={"Authorization": header.format(secret)})

    assert (r.status_code, r.get_json()["code"]) == (401, "invalid_token")
    assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"' and "members" not in r.get_json()


def test_a_revoked_token_is_401(app: Flask) -> None:
    s = app_services(app)
    secret = _token_of(app, "p-01", "read")
    info = s.accounts.token_account(secret)
    assert info is not None
    s.accounts.revoke_token(info.account_id, info.id)

    r = app.test_client().get("/api/v1/tables", headers={"Authorization": f"Bearer {secret}"})

    assert (r.status_code, r.get_json()["code"]) == (401, "invalid_token")


def test_a_read_token_sending_a_write_is_403(app: Flask) -> None:
    secret = _token_of(app, "p-01", "read")

    r = app.test_client().post("/api/v1/proposals", json={}, headers={"Authorization": f"Bearer {secret}"})

    assert (r.status_code, r.get_json()["code"]) == (403, "token_read_only")


def test_a_token_is_not_a_sign_in_for_the_pages(app: Flask) -> None:
    secret = _token_of(app, "p-01", "write")

    r = app.test_client().get("/account", headers={"Authorization": f"Bearer {secret}"})

    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_the_account_page_shows_a_new_token_once_and_lists_it(app: Flask) -> None:
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-02"))

    created = post_form(client, "/account", "/account/tokens", prefix="token", name="mi panel", scope="read", days="30")
    again = client.get("/account").get_data(as_text=True)

    secret = created.get_data(as_text=True).split('<code id="new-token">')[1].split("</code>")[0]
    assert created.status_code == 201 and secret.startswith("dlg_")
    assert "mi panel" in again and secret not in again
    assert client.get("/api/v1/tables", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_the_account_page_refuses_a_token_without_a_name_and_keeps_the_rest(app: Flask) -> None:
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-02"))

    r = post_form(client, "/account", "/account/tokens", prefix="token", name="", scope="write", days="400")

    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'value="400"' in page and page.count('class="error"') >= 2


def test_the_owner_revokes_a_token_from_the_account_page(app: Flask) -> None:
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-02"))
    s = app_services(app)
    secret = _token_of(app, "p-02", "read")
    info = s.accounts.token_account(secret)
    assert info is not None

    page = client.get("/account").get_data(as_text=True)
    client.post("/account/tokens/revoke", data={"csrf_token": token(page), "token": info.id})

    assert s.accounts.token_account(secret) is None


# ---------------------------------------------------------------------------- the command line
@pytest.fixture
def cli_app(tmp_path: Path) -> Flask:
    return make_app(f"sqlite:///{tmp_path / 'cli.sqlite'}", generate_master_key())


def test_the_command_line_creates_a_token_printed_once_and_revokes_it(cli_app: Flask) -> None:
    s = app_services(cli_app)
    (pid,) = seed_members(s.app)
    s.accounts.create_participant_account(pid, "ana@example.org")
    runner = cli_app.test_cli_runner()

    made = runner.invoke(args=["users", "token", "create", "ana@example.org", "--name", "panel", "--scope", "write", "--days", "7"])
    secret = made.stdout.strip()
    info = s.accounts.token_account(secret)
    assert made.exit_code == 0 and info is not None and (info.scope, info.name) == ("write", "panel")

    revoked = runner.invoke(args=["users", "token", "revoke", "ana@example.org", info.id])

    assert revoked.exit_code == 0
    assert s.accounts.token_account(secret) is None
    assert secret not in runner.invoke(args=["users", "token", "list", "ana@example.org"]).output


def test_the_command_line_refuses_a_scope_outside_read_and_write(cli_app: Flask) -> None:
    s = app_services(cli_app)
    s.accounts.create_staff_account("staff@example.org", "auditor")

    r = cli_app.test_cli_runner().invoke(args=["users", "token", "create", "staff@example.org", "--name", "x", "--scope", "admin"])

    assert r.exit_code == 2
    assert s.accounts.tokens(s.accounts.find("staff@example.org").id) == []  # type: ignore[union-attr]
