"""Who is acting, and the roles the mechanism gives them on a date.

An :class:`Identity` is who a request is (an account, and the participant it belongs to):
the web's sign-in and a future API's tokens both end in one. :class:`Roles` are what the
mechanism makes of that identity on a date, read from its events by
:meth:`application.service.DialogueApplication.roles_of` (issue 10, "Roles come from the
mechanism"):

- member of a table: the table's membership events;
- facilitator of a table: that table's representatives in term;
- liaison representative: a seat of a table in term; UN agency: the focal point of a
  nominated UN seat;
- secretariat: the representatives in term (seed, "Architecture": those who make up the
  Liaison Table representing the working tables "will also carry out the secretariat
  role"), and staff granted the role;
- auditor, administrator: granted.

While an identity is bound (:func:`acting_as`), every command checks that its ``actor`` is
one this identity may act as on the command's date (``ApplicationCore.ctx``); the rules of
each aggregate then decide object by object (author of this proposal, member of this table,
holder of this seat on this date). Code that binds nothing (the command line, the scenario
loader, tests of the domain) acts as the operator of the service, as before accounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from domain.access import GRANTABLE_ROLES
from domain.base import ADMINISTRATOR, AUDITOR, PUBLIC, SECRETARIAT

__all__ = ["ANONYMOUS", "GRANTABLE_ROLES", "Identity", "Roles", "acting", "acting_as", "bind", "unbind"]


@dataclass(frozen=True)
class Identity:
    """Who a request is: nobody (``account_id`` None), or an account and its participant."""

    account_id: str | None = None
    participant_id: str | None = None
    demo: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.account_id is None


ANONYMOUS = Identity()


@dataclass(frozen=True)
class Roles:
    """The roles of one identity on date ``on`` (plain data: read once, asked many times)."""

    identity: Identity = ANONYMOUS
    on: date | None = None
    tables: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()
    un_seats: tuple[str, ...] = ()
    granted: frozenset[str] = field(default_factory=frozenset)

    @property
    def participant_id(self) -> str | None:
        return self.identity.participant_id

    @property
    def is_member_of_any(self) -> bool:
        return bool(self.tables)

    def is_member(self, table: str) -> bool:
        return table in self.tables

    def facilitates(self, table: str) -> bool:
        """A representative of ``table`` in term facilitates its sessions."""
        return any(seat.split("-")[1] == table for seat in self.seats)

    @property
    def is_representative(self) -> bool:
        return bool(self.seats)

    @property
    def is_un_agency(self) -> bool:
        return bool(self.un_seats)

    @property
    def is_secretariat(self) -> bool:
        return SECRETARIAT in self.granted or bool(self.seats)

    @property
    def is_auditor(self) -> bool:
        return AUDITOR in self.granted

    @property
    def is_administrator(self) -> bool:
        return ADMINISTRATOR in self.granted

    @property
    def holds_power(self) -> bool:
        """Acts as the secretariat, audits or administers: such accounts use a second factor."""
        return self.is_secretariat or self.is_auditor or self.is_administrator

    def may_act_as(self, actor: str) -> bool:
        """Whether this identity may run a command whose ``actor`` is ``actor``: anyone,
        signed in or not, may act as ``public`` (someone without an account, issue 17)."""
        if actor == PUBLIC:
            return True
        if self.identity.is_anonymous:
            return False
        if actor == SECRETARIAT:
            return self.is_secretariat
        if actor == ADMINISTRATOR:
            return self.is_administrator
        return self.participant_id is not None and actor == self.participant_id


_acting: ContextVar[Identity | None] = ContextVar("dialogue_acting_identity", default=None)


@contextmanager
def acting_as(identity: Identity) -> Iterator[Identity]:
    """Bind ``identity`` to the commands run inside the block (a request, an API call)."""
    token = _acting.set(identity)
    try:
        yield identity
    finally:
        _acting.reset(token)


def bind(identity: Identity) -> object:
    """Bind ``identity`` until :func:`unbind` with the returned token (a web request's
    ``before_request`` / ``teardown_request``)."""
    return _acting.set(identity)


def unbind(token: object) -> None:
    _acting.reset(token)  # type: ignore[arg-type]


def acting() -> Identity | None:
    """The identity bound to this context, or None (the operator: CLI, scenario loader)."""
    return _acting.get()
