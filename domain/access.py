"""Access: the roles the mechanism's own events do not give, granted and revoked as events.

``docs/design.md``, "Later aggregates" (Access), and issue 10 ("Roles come from the
mechanism"): most roles follow from the mechanism's own events (members from membership
events, facilitators and the Liaison Table's representatives from elections, UN agencies
from nominations, the secretariat from the representatives in term). Three are granted:

- ``secretariat``: staff the Liaison Table designates to act as its secretariat;
- ``auditor``: reads and replays the whole history;
- ``administrator``: creates accounts and grants these roles.

Only an administrator grants or revokes. Each grant or revocation is an event of this one
aggregate (id :data:`ACCESS_ID`), so its history answers "who held power when": the account
(``account``: an account id, pseudonymous), the role, the date it takes effect, the
account of the administrator who did it (``by``; ``operator`` from the command line).
Credentials never appear here: accounts, password hashes and second-factor secrets live in
tables of their own, deleted with the person.

A grant holds from its effective date; a revocation ends it from its effective date (a
grant and a revocation on the same day leave the role never held).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import ADMINISTRATOR, AUDITOR, SECRETARIAT, Ctx, DialogueAggregate
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)

ACCESS_ID = uuid5(NAMESPACE_URL, "urn:dialogue:access")
GRANTABLE_ROLES = (SECRETARIAT, AUDITOR, ADMINISTRATOR)
OPERATOR = "operator"  # ``by`` of a grant made from the command line (shell access to the server)


class Access(DialogueAggregate):
    """Every grant of the secretariat, auditor and administrator roles (one per mechanism)."""

    @event("Started")
    def __init__(self, *, id: UUID, actor: str, effective_date: date, command_id: str) -> None:
        self.grants: list[dict[str, Any]] = []

    @classmethod
    def start(cls, ctx: Ctx) -> Access:
        """Start the record of grants (an administrator; once per mechanism).

        Raises:
            NotAllowedError: ``administrator_only``.
        """
        _require_administrator(ctx)
        return cls(id=ACCESS_ID, **ctx.stamp())

    # ------------------------------------------------------------------ queries
    def holds(self, account: str, role: str, on: date) -> bool:
        """Whether ``account`` holds ``role`` on date ``on``."""
        return any(g["account"] == account and g["role"] == role and _in_force(g, on) for g in self.grants)

    def roles_of(self, account: str, on: date) -> set[str]:
        """The granted roles ``account`` holds on date ``on``."""
        return {g["role"] for g in self.grants if g["account"] == account and _in_force(g, on)}

    def holders(self, role: str, on: date) -> list[str]:
        """Accounts holding ``role`` on date ``on``, in order of their grants."""
        return [g["account"] for g in self.grants if g["role"] == role and _in_force(g, on)]

    def _open_grant(self, account: str, role: str) -> bool:
        return any(g["account"] == account and g["role"] == role and g["revoked_on"] is None for g in self.grants)

    def history(self) -> list[dict[str, Any]]:
        """Every grant: ``{account, role, granted_on, granted_by, revoked_on, revoked_by}``."""
        return [dict(g) for g in self.grants]

    # ------------------------------------------------------------------ commands
    def grant(self, ctx: Ctx, *, account: str, role: str, by: str) -> None:
        """Grant ``role`` to ``account`` from the command's date (an administrator).

        Raises:
            NotAllowedError: ``administrator_only``.
            InvalidInputError: ``unknown_role``, ``invalid_id``.
            RuleViolationError: ``already_granted``.
        """
        _require_administrator(ctx)
        _check(role, account)
        if self._open_grant(account, role):
            raise RuleViolationError(f"This account already holds the {role} role.", code="already_granted", field="role")
        self._granted(account=account, role=role, by=by, **ctx.stamp())

    @event("AccessGranted")
    def _granted(self, account: str, role: str, by: str, actor: str, effective_date: date, command_id: str) -> None:
        self.grants.append({
            "account": account, "role": role, "granted_on": effective_date, "granted_by": by,
            "revoked_on": None, "revoked_by": None,
        })

    def revoke(self, ctx: Ctx, *, account: str, role: str, by: str, reason: str = "") -> None:
        """End ``account``'s ``role`` from the command's date (an administrator). An
        administrator cannot revoke their own administrator role (someone must be left
        able to grant it back).

        Raises:
            NotAllowedError: ``administrator_only``.
            InvalidInputError: ``unknown_role``, ``invalid_id``.
            InvalidTransitionError: ``not_granted``.
            RuleViolationError: ``own_administrator_role``.
        """
        _require_administrator(ctx)
        _check(role, account)
        if not self._open_grant(account, role):
            raise InvalidTransitionError(f"This account does not hold the {role} role.", code="not_granted", field="role")
        if role == ADMINISTRATOR and by == account:
            raise RuleViolationError("An administrator does not revoke their own administrator role.", code="own_administrator_role")
        self._revoked(account=account, role=role, by=by, reason=reason, **ctx.stamp())

    @event("AccessRevoked")
    def _revoked(self, account: str, role: str, by: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        for g in self.grants:
            if g["account"] == account and g["role"] == role and g["revoked_on"] is None:
                g["revoked_on"] = effective_date
                g["revoked_by"] = by


def _in_force(grant: dict[str, Any], on: date) -> bool:
    return bool(grant["granted_on"] <= on and (grant["revoked_on"] is None or on < grant["revoked_on"]))


def _require_administrator(ctx: Ctx) -> None:
    if ctx.actor != ADMINISTRATOR:
        raise NotAllowedError("Only an administrator grants or revokes roles.", code="administrator_only")


def _check(role: str, account: str) -> None:
    if role not in GRANTABLE_ROLES:
        raise InvalidInputError(f"A granted role is one of {list(GRANTABLE_ROLES)}.", code="unknown_role", field="role")
    try:
        UUID(account)
    except ValueError as e:
        raise InvalidInputError("The account is not a valid id.", code="invalid_id", field="account") from e
