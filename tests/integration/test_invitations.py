"""Invitations and resets by e-mail through a real local SMTP server: multipart, in the
person's language, signed single-use links valid 7 days (application/accounts/links.py)."""

from __future__ import annotations

import pytest

from application.accounts import Accounts, LinkRefusedError
from application.bootstrap import Services
from application.mail import mailer_from_url
from domain.errors import DomainError
from tests.conftest import Instant, SmtpSink, link_in, seed_members

PASSWORD = "una clave larga de prueba"


@pytest.fixture
def accounts(services: Services, instant: Instant, smtp_server: tuple[str, SmtpSink]) -> Accounts:
    services.accounts.now = instant.now
    services.accounts.mailer = mailer_from_url(smtp_server[0], "dialogue@example.org")
    services.accounts.public_url = "https://dialogue.example.org"
    return services.accounts


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_an_invitation_is_mailed_as_text_and_html_in_the_persons_language(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    pid = services.app.register_participant(reference="p-x", display_name="Joana", organisation_id=None, gender="woman", preferred_language="pt")

    accounts.invite(pid, "joana@example.org")

    (message,) = smtp_server[1].to("joana@example.org")
    assert message["Content-Language"] == "pt"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert link_in(message).startswith("https://dialogue.example.org/account/invitation/")
    assert smtp_server[1].envelopes[0] == ("dialogue@example.org", ["joana@example.org"])


def test_the_link_lets_the_person_choose_a_password_once(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    accounts.invite(pid, "ana@example.org")
    token = token_of(link_in(smtp_server[1].to("ana@example.org")[0]))

    assert accounts.link_account(token, "invitation").participant_id == str(pid)
    accounts.use_link(token, "invitation", PASSWORD)

    assert accounts.sign_in("ana@example.org", PASSWORD, address="127.0.0.1").outcome == "signed_in"
    with pytest.raises(LinkRefusedError) as e:
        accounts.use_link(token, "invitation", "otra clave larga más")
    assert e.value.code == "link_invalid"


def test_a_refused_password_leaves_the_link_usable(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    accounts.invite(pid, "ana@example.org")
    token = token_of(link_in(smtp_server[1].to("ana@example.org")[0]))

    with pytest.raises(DomainError) as e:
        accounts.use_link(token, "invitation", "short")
    assert e.value.code == "password_too_short"
    accounts.use_link(token, "invitation", PASSWORD)


def test_a_link_expires_after_seven_days(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink], instant: Instant) -> None:
    (pid,) = seed_members(services.app)
    accounts.invite(pid, "ana@example.org")
    token = token_of(link_in(smtp_server[1].to("ana@example.org")[0]))

    instant.advance(days=7)

    with pytest.raises(LinkRefusedError):
        accounts.link_account(token, "invitation")


def test_a_forged_or_mistyped_link_is_refused_alike(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    accounts.invite(pid, "ana@example.org")
    token = token_of(link_in(smtp_server[1].to("ana@example.org")[0]))
    for bad, purpose in ((token[:-2] + "xx", "invitation"), ("garbage", "invitation"), (token, "reset")):
        with pytest.raises(LinkRefusedError) as e:
            accounts.link_account(bad, purpose)
        assert e.value.code == "link_invalid"


def test_a_new_invitation_replaces_the_older_link(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    accounts.invite(pid, "ana@example.org")
    accounts.invite(pid, "ana@example.org")
    first, second = (token_of(link_in(m)) for m in smtp_server[1].to("ana@example.org"))

    with pytest.raises(LinkRefusedError):
        accounts.link_account(first, "invitation")
    assert accounts.link_account(second, "invitation").participant_id == str(pid)


def test_a_participant_with_a_password_is_not_invited_again(services: Services, accounts: Accounts) -> None:
    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    with pytest.raises(DomainError) as e:
        accounts.invite(pid, "ana@example.org")
    assert e.value.code == "account_exists"


def test_a_reset_is_mailed_only_to_an_existing_account(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)

    accounts.request_reset("nobody@example.org")
    accounts.request_reset("ANA@example.org")

    assert [m["To"] for m in smtp_server[1].messages] == ["ana@example.org"]
    token = token_of(link_in(smtp_server[1].messages[0]))
    accounts.use_link(token, "reset", "una clave nueva y larga")
    assert accounts.sign_in("ana@example.org", "una clave nueva y larga", address="127.0.0.1").outcome == "signed_in"


def test_a_reset_for_what_is_not_an_address_is_refused_and_mails_nothing(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)

    with pytest.raises(DomainError) as e:
        accounts.request_reset("not an address")

    assert (e.value.code, e.value.field) == ("invalid_email", "email")
    assert smtp_server[1].messages == []


def test_a_reset_link_stops_working_after_a_password_change(services: Services, accounts: Accounts, smtp_server: tuple[str, SmtpSink]) -> None:
    (pid,) = seed_members(services.app)
    account = accounts.create_participant_account(pid, "ana@example.org", password=PASSWORD)
    accounts.request_reset("ana@example.org")
    token = token_of(link_in(smtp_server[1].messages[0]))

    accounts.set_password(account.id, "una clave nueva y larga", current=PASSWORD)

    with pytest.raises(LinkRefusedError):
        accounts.link_account(token, "reset")


def test_without_smtp_messages_are_written_to_the_log(services: Services, caplog: pytest.LogCaptureFixture) -> None:
    services.accounts.mailer = mailer_from_url(None)
    (pid,) = seed_members(services.app)
    with caplog.at_level("WARNING", logger="application.mail"):
        services.accounts.invite(pid, "ana@example.org")
    assert "DIALOGUE_SMTP_URL is not set" in caplog.text
    assert "/account/invitation/" in caplog.text
