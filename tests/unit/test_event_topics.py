"""Events are a stored contract: the topic of every event the mechanism stores (module and
class path) is the same as when it was first stored, and each resolves to its class.

The list below was taken from the code before the layout change of issue 9 (which moved
the proposal's commands into mixins and kept every event on its aggregate). An event class
that moves must register its old topic (``eventsourcing.utils.register_topic``) and keep
its line here.
"""

from __future__ import annotations

import inspect

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic, resolve_topic

import domain.access
import domain.commission
import domain.deliberation
import domain.discussion
import domain.election
import domain.endorsement
import domain.government_dialogue
import domain.join_request
import domain.liaison_table
import domain.open_call
import domain.organisation
import domain.participant
import domain.proposal
import domain.settings
import domain.working_table

STORED_TOPICS = [
    "domain.access:Access.AccessGranted",
    "domain.access:Access.AccessRevoked",
    "domain.access:Access.Started",
    "domain.commission:Commission.Established",
    "domain.commission:Commission.MemberAppointed",
    "domain.commission:Indicator.Defined",
    "domain.commission:Indicator.MeasurementRecorded",
    "domain.deliberation:TableDeliberation.AgendaItemAdded",
    "domain.deliberation:TableDeliberation.Closed",
    "domain.deliberation:TableDeliberation.DecisionRecorded",
    "domain.deliberation:TableDeliberation.Opened",
    "domain.deliberation:TableDeliberation.PositionRecorded",
    "domain.deliberation:TableDeliberation.Scheduled",
    "domain.discussion:Discussion.CommentEdited",
    "domain.discussion:Discussion.CommentHidden",
    "domain.discussion:Discussion.CommentPosted",
    "domain.discussion:Discussion.Started",
    "domain.election:Election.BallotCast",
    "domain.election:Election.CandidacyDeclared",
    "domain.election:Election.CandidacyWithdrawn",
    "domain.election:Election.Closed",
    "domain.election:Election.Opened",
    "domain.endorsement:LiaisonEndorsement.Closed",
    "domain.endorsement:LiaisonEndorsement.Opened",
    "domain.endorsement:LiaisonEndorsement.UnAdviceRecorded",
    "domain.endorsement:LiaisonEndorsement.VoteRecorded",
    "domain.government_dialogue:GovernmentDialogue.RecommendationPresented",
    "domain.government_dialogue:GovernmentDialogue.Scheduled",
    "domain.liaison_table:LiaisonTable.Constituted",
    "domain.liaison_table:LiaisonTable.UnAgencyNominated",
    "domain.liaison_table:LiaisonTable.UnSeatVacated",
    "domain.join_request:JoinRequests.RequestDecided",
    "domain.join_request:JoinRequests.RequestMade",
    "domain.join_request:JoinRequests.RequesterErased",
    "domain.join_request:JoinRequests.Started",
    "domain.open_call:OpenCall.Closed",
    "domain.open_call:OpenCall.ContributorErased",
    "domain.open_call:OpenCall.InputLinked",
    "domain.open_call:OpenCall.InputModerated",
    "domain.open_call:OpenCall.InputSubmitted",
    "domain.open_call:OpenCall.Opened",
    "domain.organisation:Organisation.Registered",
    "domain.participant:Participant.DetailsUpdated",
    "domain.participant:Participant.PersonalDataErased",
    "domain.participant:Participant.Registered",
    "domain.proposal:Proposal.Adopted",
    "domain.proposal:Proposal.AmendmentAccepted",
    "domain.proposal:Proposal.AmendmentProposed",
    "domain.proposal:Proposal.AmendmentRejected",
    "domain.proposal:Proposal.AmendmentWithdrawn",
    "domain.proposal:Proposal.CoAuthorAdded",
    "domain.proposal:Proposal.CoAuthorRemoved",
    "domain.proposal:Proposal.Drafted",
    "domain.proposal:Proposal.Endorsed",
    "domain.proposal:Proposal.FollowUpRecorded",
    "domain.proposal:Proposal.GovernmentResponseRecorded",
    "domain.proposal:Proposal.NotEndorsed",
    "domain.proposal:Proposal.PublishedToGovernments",
    "domain.proposal:Proposal.PutOnAgenda",
    "domain.proposal:Proposal.PutToLiaisonTable",
    "domain.proposal:Proposal.Rejected",
    "domain.proposal:Proposal.ReturnedForRevision",
    "domain.proposal:Proposal.Revised",
    "domain.proposal:Proposal.Submitted",
    "domain.proposal:Proposal.Withdrawn",
    "domain.settings:MechanismSettings.Defined",
    "domain.settings:MechanismSettings.SettingChanged",
    "domain.working_table:WorkingTable.MemberJoined",
    "domain.working_table:WorkingTable.MemberLeft",
    "domain.working_table:WorkingTable.Registered",
    "domain.working_table:WorkingTable.RepresentativeElected",
    "domain.working_table:WorkingTable.ProposalReferenceAssigned",
    "domain.working_table:WorkingTable.SeatVacated",
]
AGGREGATE_MODULES = (
    domain.access, domain.commission, domain.deliberation, domain.discussion, domain.election, domain.endorsement, domain.government_dialogue, domain.liaison_table,
    domain.join_request, domain.open_call, domain.organisation,
    domain.participant, domain.proposal, domain.settings, domain.working_table,
)


def event_topics() -> set[str]:
    """The topic of every event class declared on an aggregate of the domain."""
    topics = set()
    for module in AGGREGATE_MODULES:
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, Aggregate) and cls.__module__ == module.__name__:
                for name in dir(cls):
                    ev = getattr(cls, name)
                    if (inspect.isclass(ev) and issubclass(ev, Aggregate.Event) and name not in ("Event", "Created")
                            and ev.__qualname__.startswith(cls.__qualname__ + ".")):
                        topics.add(get_topic(ev))
    return topics


@pytest.mark.parametrize("topic", STORED_TOPICS)
def test_a_stored_topic_resolves_to_its_event_class(topic: str) -> None:
    assert get_topic(resolve_topic(topic)) == topic


def test_every_stored_topic_is_still_declared_on_its_aggregate() -> None:
    """New events may be added; none stored before may disappear or move."""
    assert sorted(set(STORED_TOPICS) - event_topics()) == []
