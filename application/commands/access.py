"""Commands on access: granting and revoking roles, and reading the roles of an identity.

Grants are events of the :class:`domain.access.Access` aggregate; the roles that come from
the mechanism itself (membership, seats, nominations) are read from the working tables and
the Liaison Table (:mod:`application.roles`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from application.core import ApplicationCore
from application.roles import Identity, Roles, acting
from domain.access import ACCESS_ID, OPERATOR, Access
from domain.base import ADMINISTRATOR, PUBLIC, SECRETARIAT
from domain.endorsement import UN_SEATS
from domain.errors import InvalidTransitionError, NotAllowedError
from domain.ids import table_id
from domain.reference import table_objectives


class AccessCommands(ApplicationCore):
    """Grants of the secretariat, auditor and administrator roles; roles of an identity."""

    def access_record(self) -> Access | None:
        """The grants' aggregate (None before the first grant)."""
        try:
            agg: Any = self.repository.get(ACCESS_ID)
        except AggregateNotFoundError:
            return None
        return agg if isinstance(agg, Access) else None

    def grant_access(self, account_id: str, role: str, *, by: str = OPERATOR, actor: str = ADMINISTRATOR, command_id: str | None = None) -> None:
        """Grant ``role`` (secretariat, auditor, administrator) to an account, recorded with
        the account of the administrator who did it (``by``; ``operator`` from the command line).

        Raises:
            NotAllowedError: ``administrator_only``.  InvalidInputError: ``unknown_role``.
            RuleViolationError: ``already_granted``.
        """
        ctx = self.ctx(actor, command_id)
        record = self.access_record() or Access.start(ctx)
        record.grant(ctx, account=str(account_id), role=role, by=by)
        self._save(ctx, record)

    def revoke_access(
        self, account_id: str, role: str, *, by: str = OPERATOR, reason: str = "", actor: str = ADMINISTRATOR, command_id: str | None = None,
    ) -> None:
        """End an account's ``role`` from today.

        Raises:
            NotAllowedError: ``administrator_only``.  InvalidTransitionError: ``not_granted``.
            RuleViolationError: ``own_administrator_role``.
        """
        ctx = self.ctx(actor, command_id)
        record = self.access_record()
        if record is None:
            raise InvalidTransitionError(f"This account does not hold the {role} role.", code="not_granted", field="role")
        record.revoke(ctx, account=str(account_id), role=role, by=by, reason=reason)
        self._save(ctx, record)

    # ------------------------------------------------------------------ roles
    def roles_of(self, identity: Identity, on: date | None = None) -> Roles:
        """The roles of ``identity`` on ``on`` (default: today by the application's clock),
        read from the events: memberships, seats in term, UN focal points, grants."""
        day = on or self.clock.today()
        if identity.is_anonymous:
            return Roles(identity=identity, on=day)
        granted: frozenset[str] = frozenset()
        record = self.access_record()
        if record is not None and identity.account_id:
            granted = frozenset(record.roles_of(identity.account_id, day))
        tables: list[str] = []
        seats: list[str] = []
        un_seats: list[str] = []
        pid = identity.participant_id
        if pid:
            for code in sorted(table_objectives()):
                if not self._exists(table_id(code)):
                    continue
                t = self.table(code)
                if t.is_member(pid, day):
                    tables.append(code)
                seat = t.seat_of(pid, day)
                if seat is not None:
                    seats.append(seat)
            lt = self.liaison_table()
            if lt is not None:
                for seat in UN_SEATS:
                    n = lt.un_seat(seat, day)
                    if n is not None and str(n["focal_point"] or "") == pid:
                        un_seats.append(seat)
        return Roles(identity=identity, on=day, tables=tuple(tables), seats=tuple(seats), un_seats=tuple(un_seats), granted=granted)

    def roles_of_account(self, account_id: str, participant_id: str | None, on: date | None = None) -> Roles:
        return self.roles_of(Identity(account_id=account_id, participant_id=participant_id), on)

    def _authorise(self, actor: str, on: date) -> None:
        """Refuse a command whose ``actor`` the bound identity may not act as (nothing is
        checked when no identity is bound: the operator of the service)."""
        identity = acting()
        if identity is None or actor == PUBLIC:
            return  # the operator; or someone without an account, as anyone may act (issue 17)
        if identity.is_anonymous:
            raise NotAllowedError("Sign in to do this.", code="sign_in_required")
        if actor not in (SECRETARIAT, ADMINISTRATOR):
            if identity.participant_id is None or actor != identity.participant_id:
                raise NotAllowedError("You act only as yourself.", code="not_yourself")
            return
        if not self.roles_of(identity, on).may_act_as(actor):
            if actor == SECRETARIAT:
                raise NotAllowedError("Only the secretariat can do this.", code="secretariat_only")
            raise NotAllowedError("Only an administrator can do this.", code="administrator_only")
