"""Sending e-mail: one :class:`Mailer` any module can use, configured by ``DIALOGUE_SMTP_URL``.

- ``smtp://[user:password@]host[:port]`` sends through SMTP (port 25 by default), upgrading
  to TLS with STARTTLS when the server offers it (``?starttls=require`` refuses to send
  without it, ``?starttls=no`` never tries);
- ``smtps://[user:password@]host[:port]`` connects with TLS from the start (port 465);
- unset: messages are written to the log (development only: the log then holds addresses
  and links).

Every message is multipart: plain text and HTML, in the language of the person it goes to
(``Content-Language``). Its words come from a :class:`Composer` (the web layer's templates
and translations), so that the application decides who is told what, and in which
language, while pages and mails share one catalogue of translations.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)
DEFAULT_SENDER = "dialogue@localhost"


@dataclass(frozen=True)
class Message:
    """One e-mail to one person."""

    to: str
    subject: str
    text: str
    html: str
    language: str
    # Further headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: tuple[tuple[str, str], ...] = ()


class Composer(Protocol):
    def compose(self, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
        """``(subject, plain text, HTML)`` of message ``kind`` (``invitation``, ``reset``…) in ``language``."""
        ...


class Mailer(Protocol):
    def send(self, message: Message) -> None:
        """Send ``message``; raises :class:`MailError` when it cannot be handed over."""
        ...


class MailError(RuntimeError):
    """The mail server refused or could not be reached (the message names no address)."""


def build(message: Message, sender: str) -> EmailMessage:
    """The MIME message: ``multipart/alternative`` with the text part first, then HTML."""
    m = EmailMessage()
    m["From"] = sender
    m["To"] = message.to
    m["Subject"] = message.subject
    m["Date"] = formatdate(localtime=False)
    m["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or "localhost")
    m["Auto-Submitted"] = "auto-generated"
    for name, value in message.headers:
        m[name] = value
    m.set_content(message.text, charset="utf-8")
    m.add_alternative(message.html, subtype="html", charset="utf-8")
    m["Content-Language"] = message.language  # after the content: setting it clears Content-* headers
    return m


@dataclass
class SmtpMailer:
    """Sends through the SMTP server of ``DIALOGUE_SMTP_URL``."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: str = "auto"  # auto | require | no
    username: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER
    timeout: float = 20.0

    def send(self, message: Message) -> None:
        mime = build(message, self.sender)
        try:
            if self.implicit_tls:
                with smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()) as s:
                    self._deliver(s, mime)
            else:
                with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as s:
                    s.ehlo()
                    if self.starttls != "no" and s.has_extn("starttls"):
                        s.starttls(context=ssl.create_default_context())
                        s.ehlo()
                    elif self.starttls == "require":
                        raise MailError("The mail server does not offer STARTTLS, and DIALOGUE_SMTP_URL requires it.")
                    self._deliver(s, mime)
        except (OSError, smtplib.SMTPException) as e:
            log.warning("mail not sent: %s", type(e).__name__)
            raise MailError(f"The mail server could not take the message ({type(e).__name__}).") from e

    def _deliver(self, s: smtplib.SMTP, mime: EmailMessage) -> None:
        if self.username:
            s.login(self.username, self.password or "")
        s.send_message(mime)


class LogMailer:
    """Writes each message to the log instead of sending it (``DIALOGUE_SMTP_URL`` unset)."""

    def __init__(self, sender: str = DEFAULT_SENDER) -> None:
        self.sender = sender
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)
        log.warning(
            "DIALOGUE_SMTP_URL is not set: this message was not sent (development only).\nTo: %s\nSubject: %s\nLanguage: %s\n\n%s",
            message.to, message.subject, message.language, message.text,
        )


def mailer_from_url(url: str | None, sender: str | None = None) -> SmtpMailer | LogMailer:
    """The mailer ``DIALOGUE_SMTP_URL`` names (see the module's docstring).

    Raises:
        ValueError: a URL that is neither ``smtp://`` nor ``smtps://``, or has no host.
    """
    if not url:
        return LogMailer(sender or DEFAULT_SENDER)
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("DIALOGUE_SMTP_URL is smtp://[user:password@]host[:port] or smtps://…")
    query = parse_qs(parts.query)
    starttls = (query.get("starttls") or ["auto"])[0]
    if starttls not in ("auto", "require", "no"):
        raise ValueError("DIALOGUE_SMTP_URL's starttls is auto, require or no")
    implicit = parts.scheme == "smtps"
    return SmtpMailer(
        host=parts.hostname, port=parts.port or (465 if implicit else 25), implicit_tls=implicit, starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender or DEFAULT_SENDER,
    )
