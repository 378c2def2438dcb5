"""People sign in as themselves: accounts, invitations, sign-in, second factor, security log.

:class:`Accounts` gathers the parts, one module each:

- :mod:`~application.accounts.records`: creating and reading accounts, passwords, language;
- :mod:`~application.accounts.links`: invitations and resets (signed, single-use, 7 days);
- :mod:`~application.accounts.second_factor`: TOTP and recovery codes;
- :mod:`~application.accounts.signin`: signing in, server-side sessions, throttling;
- :mod:`~application.accounts.security_log`: the security log (180 days);
- :mod:`~application.accounts.tokens`: personal access tokens of the JSON API;
- :mod:`~application.accounts.tables`: their tables (never events).

Roles are not stored here: they come from the mechanism's events and the grants
(:meth:`application.service.DialogueApplication.roles_of_account`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from application.accounts.common import utc_now
from application.accounts.links import INVITATION, RESET, LinkRefusedError, Links
from application.accounts.records import PARTICIPANT, STAFF, Account
from application.accounts.signin import (
    ENROL,
    REFUSED,
    SECOND_FACTOR,
    SIGNED_IN,
    THROTTLED,
    Attempt,
    SessionInfo,
    SignIn,
)
from application.accounts.throttle import Throttle
from application.accounts.tokens import READ, SCOPES, WRITE, TokenInfo, Tokens
from application.keys import KeyStore
from application.mail import Composer, Mailer, mailer_from_url

if TYPE_CHECKING:
    from application.service import DialogueApplication

__all__ = [
    "ENROL", "INVITATION", "PARTICIPANT", "READ", "REFUSED", "RESET", "SCOPES", "SECOND_FACTOR", "SIGNED_IN", "STAFF",
    "THROTTLED", "WRITE", "Account", "Accounts", "Attempt", "LinkRefusedError", "SessionInfo", "TokenInfo",
]


class Accounts(Links, SignIn, Tokens):
    """Every account operation, on the event store's database (see the module docstring).

    ``now`` gives UTC instants (tests move it; no rule here reads the wall clock directly);
    ``public_url`` starts the links that mails carry; ``demo_mode`` exempts demo accounts
    from the second factor and lets the demo banner switch between them.
    """

    def __init__(
        self, keys: KeyStore, app: DialogueApplication, *, mailer: Mailer | None = None, composer: Composer | None = None,
        public_url: str = "http://127.0.0.1:5000", demo_mode: bool = False, now: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(keys.engine, keys, app, now=now)
        self.mailer = mailer or mailer_from_url(None)
        self.composer = composer or PlainComposer()
        self.public_url = public_url
        self.demo_mode = demo_mode
        self.throttle = Throttle(keys.engine, lambda: self.now())


class PlainComposer:
    """Words of last resort (English, no template) until the web layer gives its composer."""

    def compose(self, kind: str, language: str, context: dict[str, object]) -> tuple[str, str, str]:
        link = str(context.get("link", ""))
        subject = {"invitation": "Your invitation to the dialogue mechanism", "reset": "Choose a new password"}.get(kind, kind)
        text = f"{subject}\n\n{link}\n\nThis link works once, for {context.get('days', 7)} days.\n"
        from html import escape

        html = f"<p>{escape(subject)}</p><p><a href=\"{escape(link)}\">{escape(link)}</a></p>"
        return subject, text, html
