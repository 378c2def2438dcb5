"""A decision on a request to join a working table, with the invitation that follows an
acceptance (issue 17, "Requests to join the mechanism through a table": acceptance
"sends them an invitation to create their account").

:meth:`application.commands.join_requests.JoinRequestCommands.decide_join_request` records
the decision and, on acceptance, registers the person and their membership in one
transaction; the invitation then goes through the accounts' invitation mechanism
(:meth:`application.accounts.Accounts.invite`: an account for the new participant with the
request's contact address, and a link to choose a password, mailed in their language).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.bootstrap import Services
from domain.base import SECRETARIAT
from domain.errors import RuleViolationError

# Why an accepted person got no invitation: the request's address already belongs to an
# account (``email_taken``: another participant's; ``account_exists``: theirs, with a password).
ADDRESS_HAS_AN_ACCOUNT = frozenset({"email_taken", "account_exists"})


@dataclass(frozen=True)
class JoinDecision:
    """What a decision did: the new participant (None on a decline), whether an invitation
    went out, and if an acceptance sent none, why (a code of :data:`ADDRESS_HAS_AN_ACCOUNT`)."""

    participant_id: UUID | None
    invited: bool
    not_invited: str | None = None


def decide_join_request(
    services: Services, request_id: UUID | str, *, decision: str, reason: str = "", participant_reference: str | None = None,
    ground: str | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
) -> JoinDecision:
    """Decide a request; on acceptance, invite the new participant at the request's address.

    Raises:
        (every error of :meth:`JoinRequestCommands.decide_join_request`; of
        :meth:`Accounts.invite` once the decision is stored, except an address that already
        belongs to an account (``not_invited``): the decision stays, and the secretariat
        can invite the person again from the invitations page)
        application.mail.MailError: the invitation was not sent (the decision is stored).
    """
    pid, contact = services.app.decide_join_request(
        request_id, decision=decision, reason=reason, participant_reference=participant_reference, ground=ground,
        actor=actor, command_id=command_id,
    )
    if pid is None or not contact:
        return JoinDecision(participant_id=pid, invited=False)
    try:
        services.accounts.invite(pid, contact)
    except RuleViolationError as e:
        if e.code not in ADDRESS_HAS_AN_ACCOUNT:
            raise
        # The decision stands; saying "invited" would be untrue: the page says why not.
        return JoinDecision(participant_id=pid, invited=False, not_invited=e.code)
    return JoinDecision(participant_id=pid, invited=True)
