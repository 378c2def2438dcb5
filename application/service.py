"""DialogueApplication: one method per command of the mechanism, and the reads auditors need.

Each command method:

1. builds the command context (actor, effective date from the clock, command id);
2. loads the aggregates it needs and checks authorisation (here, never only in a page);
3. calls the domain, which checks the rules and raises :class:`~domain.errors.DomainError`;
4. saves every aggregate it touched in one atomic ``save`` with its command id.

A refused command changes nothing. Commands return the id of what they created or
changed; ``last_position`` is the notification id of the last event saved by this
object (read-your-writes for the web).
"""

from __future__ import annotations

from application.commands.access import AccessCommands
from application.commands.calls import CallCommands
from application.commands.commission import CommissionCommands
from application.commands.discussion import DiscussionCommands
from application.commands.elections import ElectionCommands
from application.commands.follow_up import FollowUpCommands
from application.commands.join_requests import JoinRequestCommands
from application.commands.liaison import LiaisonCommands
from application.commands.may_act import MayActChecks
from application.commands.people import PeopleCommands
from application.commands.proposals import ProposalCommands
from application.commands.representatives import RepresentativeCommands
from application.commands.sessions import SessionCommands
from application.persistence import APPLICATION_NAME


class DialogueApplication(
    PeopleCommands, ProposalCommands, SessionCommands, RepresentativeCommands, ElectionCommands, CommissionCommands,
    LiaisonCommands, FollowUpCommands, CallCommands, JoinRequestCommands, DiscussionCommands, AccessCommands, MayActChecks,
):
    """The dialogue service's application (event store name ``Dialogue``): every command of
    the mechanism, one mixin per area (``application/commands/``), on :class:`ApplicationCore`."""

    name = APPLICATION_NAME
