"""Invitations and password resets: signed, single-use links valid :data:`LINK_DAYS` days.

A link carries a random token signed with a key derived from the master key (so every web
worker checks it alike, and a link made before a master-key rotation stops working); the
database keeps only the token's SHA-256, with its account, purpose, expiry and the time it
was used. A new link of the same purpose replaces the older ones, and a password change
ends them all. Whatever is wrong with a link (a bad signature, unknown, used, replaced,
expired) is one refusal, ``link_invalid``, that tells nothing more.

Messages go through the :class:`application.mail.Mailer` in the account's language, their
words from the :class:`application.mail.Composer`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from uuid import UUID

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import insert, select, update

from application.accounts.common import aware, normalise_email, seal, sha256_hex
from application.accounts.passwords import check_password
from application.accounts.records import Account, AccountRecords
from application.accounts.tables import accounts, links
from application.mail import Composer, Mailer, Message
from application.roles import acting
from domain.access import OPERATOR
from domain.errors import InvalidTransitionError, NotAllowedError, RuleViolationError

LINK_DAYS = 7
INVITATION, RESET = "invitation", "reset"
PURPOSES = (INVITATION, RESET)


class LinkRefusedError(InvalidTransitionError):
    """The link is not valid (any reason: the refusal does not tell which)."""

    code = "link_invalid"


class Links(AccountRecords):
    """Invitations and password resets (a part of :class:`application.accounts.Accounts`)."""

    mailer: Mailer
    composer: Composer
    public_url: str

    def _signer(self, purpose: str) -> URLSafeSerializer:
        return URLSafeSerializer(self.keys.derive("account-links"), salt=f"dialogue-{purpose}")

    def link_url(self, purpose: str, token: str) -> str:
        """The address a person opens: ``<public URL>/account/invitation/<token>`` or ``…/reset/<token>``."""
        return f"{self.public_url.rstrip('/')}/account/{purpose}/{token}"

    def issue_link(self, account_id: str, purpose: str) -> str:
        """A new signed link token for ``account_id``; older unused ones of the purpose end."""
        assert purpose in PURPOSES
        raw = secrets.token_urlsafe(32)
        now = self.now()
        with self.engine.begin() as c:
            c.execute(update(links).where(
                (links.c.account_id == account_id) & (links.c.purpose == purpose) & links.c.used_at.is_(None)).values(used_at=now))
            c.execute(insert(links).values(
                token_hash=sha256_hex(raw), account_id=account_id, purpose=purpose, created_at=now,
                expires_at=now + timedelta(days=LINK_DAYS),
            ))
        return str(self._signer(purpose).dumps(raw))

    def link_account(self, token: str, purpose: str) -> Account:
        """The account a valid, unused, unexpired link is for (nothing is changed).

        Raises:
            LinkRefusedError: ``link_invalid``.
        """
        row = self._link_row(token, purpose)
        account = self.get(row.account_id)
        if account is None:
            raise LinkRefusedError("This link is no longer valid.")
        return account

    def _link_row(self, token: str, purpose: str) -> Any:
        try:
            raw = self._signer(purpose).loads(token)
        except BadSignature as e:
            raise LinkRefusedError("This link is no longer valid.") from e
        with self.engine.connect() as c:
            row = c.execute(select(links).where((links.c.token_hash == sha256_hex(str(raw))) & (links.c.purpose == purpose))).first()
        if row is None or row.used_at is not None or aware(row.expires_at) <= self.now():
            raise LinkRefusedError("This link is no longer valid.")
        return row

    def use_link(self, token: str, purpose: str, password: str) -> Account:
        """Choose a password through a link, which is then used up; every session of the
        account ends (:meth:`set_password`).

        Raises:
            LinkRefusedError: ``link_invalid``.  InvalidInputError: the password policy's codes.
        """
        row = self._link_row(token, purpose)
        account = self.require(row.account_id)
        check_password(password, account.email or "")  # a refused password leaves the link usable
        with self.engine.begin() as c:
            used = c.execute(update(links).where((links.c.token_hash == row.token_hash) & links.c.used_at.is_(None)).values(used_at=self.now()))
            if used.rowcount != 1:  # used at the same moment by another request
                raise LinkRefusedError("This link is no longer valid.")
        self.set_password(account.id, password, event="password_set" if purpose == INVITATION else "password_changed")
        return self.require(account.id)

    # ------------------------------------------------------------------ messages
    def invite(self, participant_id: UUID | str, email: str, *, by: str = OPERATOR) -> Account:
        """Invite a participant by e-mail: their account (created now, or the one they have
        without a password yet, its address replaced by ``email``), then a link to choose
        a password, mailed in their language.

        Raises:
            RuleViolationError: ``account_exists`` (they already chose a password: they can
            reset it), ``email_taken``, ``participant_erased``.  NotFoundError: no such participant.
            InvalidInputError: ``invalid_email``.  application.mail.MailError: not sent.
        """
        identity = acting()
        if identity is not None:
            roles = self.app.roles_of(identity)
            if not (roles.is_secretariat or roles.is_administrator):
                raise NotAllowedError("Only the secretariat invites participants.", code="secretariat_only")
        address = normalise_email(email)
        account = self.of_participant(str(participant_id))
        if account is None:
            account = self.create_participant_account(participant_id, address, by=by)
        elif account.has_password:
            raise RuleViolationError("This participant already has an account; they can reset their password.", code="account_exists", field="participant")
        elif account.email != address:
            account = self._readdress(account, address)
        return self.send_invitation(account.id, by=by)

    def send_invitation(self, account_id: str, *, by: str = OPERATOR) -> Account:
        """Mail an account that has no password yet (a participant's, or a staff account
        created without one) a link to choose it.

        Raises:
            NotFoundError: ``unknown_account``.  RuleViolationError: ``account_exists``.
            application.mail.MailError: not sent.
        """
        account = self.require(account_id)
        if account.has_password:
            raise RuleViolationError("This account already has a password; its holder can reset it.", code="account_exists")
        assert account.email is not None
        token = self.issue_link(account.id, INVITATION)
        self._mail(account, account.email, INVITATION, token)
        self.log.record("invitation_sent", account.id, by=None if by == OPERATOR else by)
        return account

    def send_reset(self, account_id: str) -> Account:
        """Mail an account a reset link (the command line's ``reset-password``).

        Raises:
            NotFoundError: ``unknown_account``.  application.mail.MailError: not sent.
        """
        account = self.require(account_id)
        assert account.email is not None
        token = self.issue_link(account.id, RESET)
        self._mail(account, account.email, RESET, token)
        self.log.record("reset_requested", account.id)
        return account

    def _readdress(self, account: Account, address: str) -> Account:
        index = self.email_index(address)
        with self.engine.begin() as c:
            if c.execute(select(accounts.c.id).where(accounts.c.email_index == index)).first() is not None:
                raise RuleViolationError("Another account already uses this address.", code="email_taken", field="email")
            owner = c.execute(select(accounts.c.key_owner).where(accounts.c.id == account.id)).scalar_one()
            key = self.keys.get_in(c, owner)
            if key is None:
                raise RuleViolationError("This person's data was erased.", code="participant_erased", field="participant")
            c.execute(update(accounts).where(accounts.c.id == account.id).values(
                email_index=index, email_sealed=seal(key, address, f"account-email:{account.id}")))
        return self.require(account.id)

    def request_reset(self, email: str) -> None:
        """Mail a reset link when an account has this address; otherwise do nothing. The
        caller answers the same either way for a well-formed address (messages never tell
        whether an address has an account).

        Raises:
            InvalidInputError: ``invalid_email`` (``field`` ``email``): what was typed is not
                an e-mail address at all, which tells nothing about any account.
        """
        normalise_email(email)
        account = self.find(email)
        if account is None or account.email is None:
            return
        token = self.issue_link(account.id, RESET)
        self._mail(account, account.email, RESET, token)
        self.log.record("reset_requested", account.id)

    def _mail(self, account: Account, address: str, purpose: str, token: str) -> None:
        context = {"link": self.link_url(purpose, token), "days": LINK_DAYS, "public_url": self.public_url}
        subject, text, html = self.composer.compose(purpose, account.language, context)
        self.mailer.send(Message(to=address, subject=subject, text=text, html=html, language=account.language))
