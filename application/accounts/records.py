"""Account records: creating accounts, finding them by address, passwords and language.

An account belongs to one participant (``kind`` ``participant``) or is a staff account
(``staff``: created with a granted role, secretariat, auditor or administrator). Its e-mail
address is sealed with its owner's key (the participant's, or a key of the staff account's
own) and found through a blind index, a keyed HMAC of the normalised address whose key is
derived from the master key (:meth:`application.persistence.KeyStore.derive`); rotating
the master key computes every index again in the rotation's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, Engine, delete, insert, select, update

from application.accounts.common import aware, blind_index, normalise_email, seal, unseal
from application.accounts.passwords import (
    check_password,
    hash_password,
    policy_problems,
    verify_password,
)
from application.accounts.security_log import SecurityLog
from application.accounts.tables import accounts, links, sign_ins
from application.keys import KeyStore
from application.notifications.cursors import start_at_log_end
from application.tables import keys_table
from domain.access import OPERATOR
from domain.base import ADMINISTRATOR
from domain.errors import InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError
from domain.participant import LANGUAGES
from projections.reads import read_one_statement

if TYPE_CHECKING:
    from application.service import DialogueApplication

PARTICIPANT, STAFF = "participant", "staff"
BLIND_INDEX_PURPOSE = "email-blind-index"


@dataclass(frozen=True)
class Account:
    """An account as the application reads it (the address decrypted; None once erased)."""

    id: str
    kind: str
    participant_id: str | None
    email: str | None
    language: str
    has_password: bool
    second_factor: bool
    demo: bool
    created_at: datetime
    password_changed_at: datetime | None
    erasure_requested_at: datetime | None


class AccountRecords:
    """Creating and reading accounts (see :class:`application.accounts.Accounts`)."""

    def __init__(self, engine: Engine, keys: KeyStore, app: DialogueApplication, *, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self.keys = keys
        self.app = app
        self.now = now
        self.log = SecurityLog(engine, lambda: self.now())  # tests move ``self.now``
        self._index_key = keys.derive(BLIND_INDEX_PURPOSE)
        keys.rotation_hooks.append(self._reindex)

    # ------------------------------------------------------------------ reading
    def email_index(self, email: str) -> str:
        """The blind index of ``email``.

        Raises:
            InvalidInputError: ``invalid_email``.
        """
        return blind_index(self._index_key, email)

    def _account(self, row: Any, connection: Connection | None = None) -> Account:
        key = self.keys.get_in(connection, row.key_owner) if connection is not None else self.keys.get(row.key_owner)
        return Account(
            id=row.id, kind=row.kind, participant_id=row.participant_id,
            email=unseal(key, row.email_sealed, f"account-email:{row.id}"), language=row.language,
            has_password=row.password_hash is not None, second_factor=row.totp_confirmed_at is not None,
            demo=bool(row.demo), created_at=aware(row.created_at),
            password_changed_at=aware(row.password_changed_at) if row.password_changed_at else None,
            erasure_requested_at=aware(row.erasure_requested_at) if row.erasure_requested_at else None,
        )

    def _row(self, where: Any) -> Any:
        # One statement without a transaction, made again on a connection found closed (it is
        # read on every signed-in request: :func:`projections.reads.read_one_statement`).
        return read_one_statement(self.engine, lambda c: c.execute(select(accounts).where(where)).first())

    def get(self, account_id: str) -> Account | None:
        try:
            UUID(str(account_id))
        except ValueError:
            return None
        row = self._row(accounts.c.id == str(account_id))
        return None if row is None else self._account(row)

    def require(self, account_id: str) -> Account:
        """Raises: NotFoundError ``unknown_account``."""
        found = self.get(account_id)
        if found is None:
            raise NotFoundError("No such account.", code="unknown_account", field="account")
        return found

    def find(self, email: str) -> Account | None:
        """The account of ``email`` (None for an address no account has, or a malformed one)."""
        try:
            index = self.email_index(email)
        except InvalidInputError:
            return None
        row = self._row(accounts.c.email_index == index)
        return None if row is None else self._account(row)

    def of_participant(self, participant_id: str) -> Account | None:
        row = self._row(accounts.c.participant_id == str(participant_id))
        return None if row is None else self._account(row)

    def all(self) -> list[Account]:
        """Every account, oldest first."""
        with self.engine.connect() as c:
            rows = c.execute(select(accounts).order_by(accounts.c.created_at, accounts.c.id)).all()
        return [self._account(r) for r in rows]

    def erasure_requests(self) -> list[Account]:
        """Accounts whose holder asked for the erasure of their data, oldest request first."""
        with self.engine.connect() as c:
            rows = c.execute(select(accounts).where(accounts.c.erasure_requested_at.is_not(None)).order_by(accounts.c.erasure_requested_at)).all()
        return [self._account(r) for r in rows]

    # ------------------------------------------------------------------ creating
    def create_participant_account(
        self, participant_id: UUID | str, email: str, *, password: str | None = None, demo: bool = False, by: str = OPERATOR,
    ) -> Account:
        """An account for a registered participant (their language from their details).

        Raises:
            NotFoundError: no such participant.  RuleViolationError: ``participant_erased``,
            ``account_exists`` (this participant has one), ``email_taken``.
            InvalidInputError: ``invalid_email`` and the password policy's codes.
        """
        person = self.app.participant(participant_id)
        pid = str(person.id)
        if person.erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased", field="participant")
        if self.of_participant(pid) is not None:
            raise RuleViolationError("This participant already has an account.", code="account_exists", field="participant")
        language = person.preferred_language if person.preferred_language in LANGUAGES else "es"
        return self._insert(PARTICIPANT, email, owner=pid, participant_id=pid, password=password, language=language, demo=demo, by=by)

    def create_staff_account(
        self, email: str, role: str, *, password: str | None = None, language: str = "es", demo: bool = False, by: str = OPERATOR,
    ) -> Account:
        """A staff account holding ``role`` (granted now, as an administrator, by ``by``).

        Raises:
            RuleViolationError: ``email_taken``.  InvalidInputError: ``invalid_email``,
            ``unknown_role``, ``unknown_language`` and the password policy's codes.
        """
        from domain.access import GRANTABLE_ROLES

        if role not in GRANTABLE_ROLES:
            raise InvalidInputError(f"A staff role is one of {list(GRANTABLE_ROLES)}.", code="unknown_role", field="role")
        if language not in LANGUAGES:
            raise InvalidInputError(f"Language is one of {list(LANGUAGES)}.", code="unknown_language", field="language")
        account_id = str(uuid4())
        created = self._insert(STAFF, email, owner=account_id, participant_id=None, password=password, language=language, demo=demo,
                               by=by, account_id=account_id)
        try:
            self.grant_role(account_id, role, by=by)
        except Exception:
            self._delete_owner(account_id)
            raise
        return created

    def _insert(
        self, kind: str, email: str, *, owner: str, participant_id: str | None, password: str | None, language: str,
        demo: bool, by: str, account_id: str | None = None,
    ) -> Account:
        address = normalise_email(email)
        if password is not None:
            check_password(password, address)
        index = self.email_index(address)
        account_id = account_id or str(uuid4())
        now = self.now()
        with self.engine.begin() as c:
            if c.execute(select(accounts.c.id).where(accounts.c.email_index == index)).first() is not None:
                raise RuleViolationError("Another account already uses this address.", code="email_taken", field="email")
            key = self.keys.create(owner, c) if kind == STAFF else self.keys.get_in(c, owner)
            if key is None:
                raise RuleViolationError("This person's data was erased.", code="participant_erased", field="participant")
            c.execute(insert(accounts).values(
                id=account_id, kind=kind, participant_id=participant_id, key_owner=owner, email_index=index,
                email_sealed=seal(key, address, f"account-email:{account_id}"),
                password_hash=hash_password(password) if password is not None else None,
                password_changed_at=now if password is not None else None, language=language, demo=demo, created_at=now,
            ))
            start_at_log_end(c, account_id)  # its notifications start now: what came before is history
            self.log.record("account_created", account_id, kind, by=None if by == OPERATOR else by, connection=c)
            row = c.execute(select(accounts).where(accounts.c.id == account_id)).one()
            return self._account(row, c)

    # ------------------------------------------------------------------ changing
    def new_password_problems(
        self, account_id: str, password: str, *, current: str | None = None, confirm: str | None = None,
    ) -> list[InvalidInputError | NotAllowedError]:
        """Every fault of a new password at once, without changing anything: the current
        password not right (with ``current``), the policy's (:func:`policy_problems`), the
        same as the present password (``password_unchanged``), and a confirmation that
        differs (``passwords_differ``, with ``confirm``); in the order of the form.

        Raises:
            NotFoundError: ``unknown_account``.
        """
        account = self.require(account_id)
        stored = self._row(accounts.c.id == account.id).password_hash
        found: list[InvalidInputError | NotAllowedError] = []
        right = current is None or verify_password(stored, current)
        if not right:
            found.append(NotAllowedError("The current password is not right.", code="wrong_password", field="current_password"))
        found.extend(policy_problems(password, account.email or ""))
        if right and self._same_as_stored(stored, password, current):
            found.append(_unchanged())
        if confirm is not None and confirm != password:
            found.append(InvalidInputError("The two passwords are not the same.", code="passwords_differ", field="confirm"))
        return found

    @staticmethod
    def _same_as_stored(stored: str | None, password: str, current: str | None) -> bool:
        """Whether ``password`` is the account's present one, known only when ``current``
        was given and checked. A reset or invitation link's choice is never compared with
        the stored password: its answer would let whoever holds a link test guesses of the
        present password without using the link."""
        return current is not None and password == current

    def set_password(self, account_id: str, password: str, *, current: str | None = None, event: str = "password_changed") -> None:
        """Set a new password; every sign-in session of the account ends and every open
        invitation or reset link stops working (a stolen cookie or link is worth nothing).
        With ``current``, it must be the present password.

        Raises:
            NotAllowedError: ``wrong_password``.  NotFoundError: ``unknown_account``.
            InvalidInputError: the password policy's codes.
        """
        account = self.require(account_id)
        stored = self._row(accounts.c.id == account.id).password_hash
        if current is not None and not verify_password(stored, current):
            raise NotAllowedError("The current password is not right.", code="wrong_password", field="current_password")
        check_password(password, account.email or "")
        if self._same_as_stored(stored, password, current):
            raise _unchanged()
        now = self.now()
        with self.engine.begin() as c:
            c.execute(update(accounts).where(accounts.c.id == account.id).values(password_hash=hash_password(password), password_changed_at=now))
            c.execute(update(sign_ins).where((sign_ins.c.account_id == account.id) & sign_ins.c.ended_at.is_(None)).values(
                ended_at=now, ended_why="password_changed"))
            c.execute(update(links).where((links.c.account_id == account.id) & links.c.used_at.is_(None)).values(used_at=now))
            self.log.record(event, account.id, connection=c)

    def grant_role(self, account_id: str, role: str, *, by: str = OPERATOR, command_id: str | None = None) -> None:
        """Grant ``role`` to an existing account (an ``AccessGranted`` event, and an entry
        of the security log).

        Raises:
            NotFoundError: ``unknown_account``.  (and every error of ``grant_access``)
        """
        account = self.require(account_id)
        self.app.grant_access(account.id, role, by=by, actor=ADMINISTRATOR, command_id=command_id)
        self.log.record("access_granted", account.id, role, by=None if by == OPERATOR else by)

    def revoke_role(self, account_id: str, role: str, *, by: str = OPERATOR, reason: str = "", command_id: str | None = None) -> None:
        """End an account's ``role`` (an ``AccessRevoked`` event, and a security log entry).

        Raises:
            NotFoundError: ``unknown_account``.  (and every error of ``revoke_access``)
        """
        account = self.require(account_id)
        self.app.revoke_access(account.id, role, by=by, reason=reason, actor=ADMINISTRATOR, command_id=command_id)
        self.log.record("access_revoked", account.id, role, by=None if by == OPERATOR else by)

    def set_language(self, account_id: str, language: str) -> None:
        """The language of the account's pages and e-mails.

        Raises:
            InvalidInputError: ``unknown_language``.
        """
        if language not in LANGUAGES:
            raise InvalidInputError(f"Language is one of {list(LANGUAGES)}.", code="unknown_language", field="language")
        with self.engine.begin() as c:
            c.execute(update(accounts).where(accounts.c.id == str(account_id)).values(language=language))
            self.log.record("language_changed", str(account_id), language, connection=c)

    def request_erasure(self, account_id: str) -> None:
        """Record the holder's request that their personal data be erased (the secretariat
        sees it among what waits for it; an administrator erases)."""
        with self.engine.begin() as c:
            c.execute(update(accounts).where((accounts.c.id == str(account_id)) & accounts.c.erasure_requested_at.is_(None)).values(
                erasure_requested_at=self.now()))
            self.log.record("erasure_requested", str(account_id), connection=c)

    def delete_staff_account(self, account_id: str, *, by: str = OPERATOR) -> None:
        """Delete a staff account and its key: its address can no longer be read, from
        this database or a backup of it. (A participant's account goes with the erasure
        of their data.)

        Raises:
            NotFoundError: ``unknown_account``.  RuleViolationError: ``participant_account``.
        """
        account = self.require(account_id)
        if account.kind != STAFF:
            raise RuleViolationError("A participant's account is deleted by erasing their data.", code="participant_account")
        self._delete_owner(account.id)
        self.log.record("account_deleted", account.id, by=None if by == OPERATOR else by)

    def _delete_owner(self, owner: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(keys_table).where(keys_table.c.participant_id == owner))

    def _reindex(self, connection: Connection, old: KeyStore, new: KeyStore) -> None:
        """Rotation hook: every blind index computed again with the new master key (the
        people's own keys are the same; the rotation has re-wrapped them with the new one)."""
        new_key = new.derive(BLIND_INDEX_PURPOSE)
        for row in connection.execute(select(accounts.c.id, accounts.c.key_owner, accounts.c.email_sealed)).all():
            email = unseal(new.get_in(connection, row.key_owner), row.email_sealed, f"account-email:{row.id}")
            if email is not None:
                connection.execute(update(accounts).where(accounts.c.id == row.id).values(email_index=blind_index(new_key, email)))
        self._index_key = new_key


def _unchanged() -> InvalidInputError:
    return InvalidInputError("The new password is the same as the present one; choose another.", code="password_unchanged", field="password")
