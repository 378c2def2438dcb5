"""The mailer's configuration and message shape (application/mail.py)."""

from __future__ import annotations

import pytest

from application.mail import LogMailer, Message, SmtpMailer, build, mailer_from_url

MESSAGE = Message(to="ana@example.org", subject="Su invitación", text="Texto 🌎", html="<p>Texto 🌎</p>", language="es")


def test_a_message_is_text_then_html_in_the_persons_language() -> None:
    m = build(MESSAGE, "Dialogue <dialogue@example.org>")
    assert m.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in m.iter_parts()] == ["text/plain", "text/html"]
    assert (m["Content-Language"], m["To"], m["Subject"]) == ("es", "ana@example.org", "Su invitación")
    assert m.get_body(("plain",)).get_content().strip() == "Texto 🌎"  # type: ignore[union-attr]


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", ("mail.example.org", 25, False, "auto", None, None)),
    ("smtp://u%40x:p%3Ass@mail.example.org:587?starttls=require", ("mail.example.org", 587, False, "require", "u@x", "p:ss")),
    ("smtps://mail.example.org", ("mail.example.org", 465, True, "auto", None, None)),
])
def test_the_smtp_url_names_host_port_tls_and_login(url: str, expected: tuple[object, ...]) -> None:
    m = mailer_from_url(url, "dialogue@example.org")
    assert isinstance(m, SmtpMailer)
    assert (m.host, m.port, m.implicit_tls, m.starttls, m.username, m.password) == expected
    assert m.sender == "dialogue@example.org"


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://h?starttls=maybe"])
def test_a_malformed_smtp_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        mailer_from_url(url)


def test_without_a_url_messages_go_to_the_log() -> None:
    m = mailer_from_url(None)
    assert isinstance(m, LogMailer)
    m.send(MESSAGE)
    assert m.sent == [MESSAGE]
