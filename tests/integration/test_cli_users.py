"""``dialogue users …`` and the demo-mode guard of ``dialogue run`` / ``serve``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from application.bootstrap import Services
from application.persistence import generate_master_key
from application.roles import Identity
from tests.conftest import SmtpSink, link_in, seed_members
from tests.e2e.web_support import app_services, make_app
from web.cli import cli as dialogue

PASSWORD = "una clave larga de prueba\n"


@pytest.fixture
def app(tmp_path: Path, smtp_server: tuple[str, SmtpSink]) -> Flask:
    return make_app(f"sqlite:///{tmp_path / 'cli.sqlite'}", generate_master_key(), DIALOGUE_SMTP_URL=smtp_server[0])


@pytest.fixture
def s(app: Flask) -> Services:
    return app_services(app)


def run(app: Flask, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["users", *args], input=stdin)
    return result.exit_code, result.output


def test_the_first_administrator_is_created_with_a_password_from_stdin(app: Flask, s: Services) -> None:
    code, out = run(app, "create", "admin@example.org", "--role", "administrator", "--password-stdin", stdin=PASSWORD)

    assert code == 0, out
    account = s.accounts.find("admin@example.org")
    assert account is not None
    assert s.app.roles_of(Identity(account.id)).is_administrator
    assert s.accounts.sign_in("admin@example.org", PASSWORD.strip(), address="127.0.0.1").outcome == "enrol_second_factor"


def test_a_participants_account_by_reference(app: Flask, s: Services) -> None:
    s.app.register_participant(reference="p-77", display_name="Ana", organisation_id=None, gender="woman", preferred_language="es")
    code, out = run(app, "create", "ana@example.org", "--participant", "p-77", "--password-stdin", stdin=PASSWORD)
    assert code == 0, out
    assert s.accounts.sign_in("ana@example.org", PASSWORD.strip(), address="127.0.0.1").outcome == "signed_in"


def test_an_account_created_without_a_password_gets_an_invitation(app: Flask, s: Services, smtp_server: tuple[str, SmtpSink]) -> None:
    code, out = run(app, "create", "auditor@example.org", "--role", "auditor", "--language", "en")
    assert code == 0, out
    (mail,) = smtp_server[1].to("auditor@example.org")
    assert "/account/invitation/" in link_in(mail)
    assert mail["Content-Language"] == "en"


def test_a_weak_password_creates_nothing(app: Flask, s: Services) -> None:
    code, out = run(app, "create", "admin@example.org", "--role", "administrator", "--password-stdin", stdin="password1234\n")
    assert code == 1 and "password_too_common" in out
    assert s.accounts.find("admin@example.org") is None


def test_invite_a_participant(app: Flask, s: Services, smtp_server: tuple[str, SmtpSink]) -> None:
    s.app.register_participant(reference="p-fr", display_name="Anne", organisation_id=None, gender="woman", preferred_language="fr")
    code, out = run(app, "invite", "p-fr", "anne@example.org")
    assert code == 0, out
    (mail,) = smtp_server[1].to("anne@example.org")
    assert mail["Subject"] == "Votre invitation au mécanisme de Dialogue du PMM"


def test_grant_and_revoke_are_events(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    account = s.accounts.create_participant_account(pid, "ana@example.org")
    assert run(app, "grant", "ana@example.org", "secretariat")[0] == 0
    assert s.app.roles_of(Identity(account.id, str(pid))).is_secretariat
    assert run(app, "revoke", "ana@example.org", "secretariat", "--reason", "term of service ended")[0] == 0
    assert not s.app.roles_of(Identity(account.id, str(pid))).is_secretariat
    record = s.app.access_record()
    assert record is not None and [(g["role"], g["granted_by"], g["revoked_by"]) for g in record.history()] == [("secretariat", "operator", "operator")]


def test_an_unknown_address_is_one_line(app: Flask) -> None:
    code, out = run(app, "grant", "nobody@example.org", "auditor")
    assert code == 1 and "No account has the address" in out


def test_reset_password_from_stdin_ends_every_session(app: Flask, s: Services) -> None:
    (pid,) = seed_members(s.app)
    s.accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD.strip())
    token = s.accounts.sign_in("ana@example.org", PASSWORD.strip(), address="127.0.0.1").token
    assert token
    code, out = run(app, "reset-password", "ana@example.org", "--password-stdin", stdin="otra clave muy larga\n")
    assert code == 0, out
    assert s.accounts.session_account(token) is None
    assert s.accounts.sign_in("ana@example.org", "otra clave muy larga", address="127.0.0.1").outcome == "signed_in"


def test_list_shows_each_account_with_its_roles(app: Flask, s: Services) -> None:
    s.accounts.create_staff_account("aud@example.org", "auditor")
    code, out = run(app, "list")
    assert code == 0
    (line,) = out.strip().splitlines()
    assert "\tstaff\taud@example.org\t-\tauditor\t-\tinvited" in line


def test_demo_accounts_only_in_demo_mode(tmp_path: Path, loaded: Services) -> None:
    off = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")
    assert off.test_cli_runner().invoke(args=["users", "demo"]).exit_code == 1
    on = make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", DIALOGUE_DEMO_MODE="yes")
    result = on.test_cli_runner().invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1].removeprefix("Shared demo password: ")
    assert app_services(on).accounts.sign_in("p-01@demo.invalid", password, address="127.0.0.1").outcome == "signed_in"


@pytest.mark.parametrize("command", ["run", "serve"])
def test_demo_mode_on_postgresql_is_refused_without_the_explicit_setting(command: str) -> None:
    env = {"DIALOGUE_DEMO_MODE": "yes", "DIALOGUE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
           "DIALOGUE_MASTER_KEY": generate_master_key(), "DIALOGUE_DEMO_ON_POSTGRES": ""}
    result = CliRunner().invoke(dialogue, [command], env=env)
    assert result.exit_code == 1
    assert "Warning: demo mode is on" in result.output
    assert "Refusing demo mode on PostgreSQL" in result.output


def test_demo_mode_on_postgresql_with_the_setting_still_warns(tmp_path: Path) -> None:
    env = {"DIALOGUE_DEMO_MODE": "yes", "DIALOGUE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
           "DIALOGUE_MASTER_KEY": generate_master_key(), "DIALOGUE_DEMO_ON_POSTGRES": "yes"}
    result = CliRunner().invoke(dialogue, ["serve"], env=env)
    assert "Warning: demo mode is on" in result.output
    assert "Refusing demo mode" not in result.output


def test_a_lost_second_factor_is_reset_and_enrolled_again(app: Flask, s: Services) -> None:
    import pyotp

    staff = s.accounts.create_staff_account("sec@example.org", "secretariat", password=PASSWORD.strip())
    s.accounts.confirm_enrolment(staff.id, pyotp.TOTP(s.accounts.begin_enrolment(staff.id).secret).at(s.accounts.now()))
    assert s.accounts.sign_in("sec@example.org", PASSWORD.strip(), address="127.0.0.1").outcome == "second_factor"

    code, out = run(app, "reset-second-factor", "sec@example.org")

    assert code == 0, out
    assert s.accounts.sign_in("sec@example.org", PASSWORD.strip(), address="127.0.0.1").outcome == "enrol_second_factor"
    assert s.accounts.recovery_codes_left(staff.id) == 0
