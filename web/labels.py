"""Labels of the codes people meet on the pages, in the reader's language.

Codes stay codes in URLs, filters, stored data and the raw event data of the audit pages;
what a person reads is a label: stakeholder groups, subregions and genders (participation),
decision rules, the kinds of aggregates and events (audit pages), the audit's terms.

Each table is a dict of lazy strings built once at import; a lookup is one dict read, so a
page with hundreds of rows costs nothing more per row than the rendering of the row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_datetime

from web.translate import lazy_gettext as _l

GROUP_LABELS = {
    "migrants": _l("migrants"),
    "migrant_organisation": _l("migrant organisation"),
    "diaspora_organisation": _l("diaspora organisation"),
    "migrant_womens_organisation": _l("migrant women's organisation"),
    "womens_rights_organisation": _l("women's rights organisation"),
    "faith_based": _l("faith-based organisation"),
    "private_sector": _l("private sector"),
    "trade_union": _l("trade union"),
    "nhri": _l("national human rights institution"),
    "academia": _l("academia"),
    "media": _l("media"),
    "local_authority": _l("local authority"),
    "other": _l("other"),
}

SUBREGION_LABELS = {
    "caribbean": _l("Caribbean"),
    "central_america": _l("Central America"),
    "south_america": _l("South America"),
}

GENDER_LABELS = {
    "woman": _l("woman"),
    "man": _l("man"),
    "non_binary": _l("non-binary"),
    "prefer_not_to_say": _l("prefers not to say"),
}

PARTICIPATION_LABELS = {
    **GROUP_LABELS, **SUBREGION_LABELS, **GENDER_LABELS, "suppressed": _l("suppressed"),
}

AGGREGATE_LABELS = {
    "Proposal": _l("Proposal"),
    "TableDeliberation": _l("Session"),
    "LiaisonEndorsement": _l("Endorsement round"),
    "WorkingTable": _l("Working table"),
    "LiaisonTable": _l("Liaison Table"),
    "GovernmentDialogue": _l("Dialogue with governments"),
    "Organisation": _l("Organisation"),
    "Participant": _l("Participant"),
    "MechanismSettings": _l("Settings of the mechanism"),
    "Access": _l("Roles granted"),
    "OpenCall": _l("Open call for input"),
    "JoinRequests": _l("Requests to join a table"),
    "Election": _l("Election of representatives"),
    "Commission": _l("Cross-cutting commission"),
    "Indicator": _l("Indicator"),
    "Discussion": _l("Discussion of a draft"),
}

EVENT_LABELS = {
    "Started": _l("started"),
    "AccessGranted": _l("role granted"),
    "AccessRevoked": _l("role revoked"),
    "AgendaItemAdded": _l("put on the agenda"),
    "Closed": _l("closed"),
    "DecisionRecorded": _l("decision recorded"),
    "Opened": _l("opened"),
    "PositionRecorded": _l("position recorded"),
    "Scheduled": _l("scheduled"),
    "UnAdviceRecorded": _l("UN agency's advice recorded"),
    "VoteRecorded": _l("vote recorded"),
    "RecommendationPresented": _l("recommendation presented"),
    "Constituted": _l("constituted"),
    "UnAgencyNominated": _l("UN agency nominated"),
    "UnSeatVacated": _l("UN seat vacated"),
    "Registered": _l("registered"),
    "DetailsUpdated": _l("details updated"),
    "PersonalDataErased": _l("personal data erased"),
    "Adopted": _l("adopted"),
    "AmendmentAccepted": _l("amendment accepted"),
    "AmendmentProposed": _l("amendment proposed"),
    "AmendmentRejected": _l("amendment rejected"),
    "AmendmentWithdrawn": _l("amendment withdrawn"),
    "CoAuthorAdded": _l("co-author added"),
    "CoAuthorRemoved": _l("co-author removed"),
    "Drafted": _l("drafted"),
    "Endorsed": _l("endorsed"),
    "FollowUpRecorded": _l("follow-up recorded"),
    "GovernmentResponseRecorded": _l("government response recorded"),
    "NotEndorsed": _l("not endorsed"),
    "PublishedToGovernments": _l("published to governments"),
    "PutOnAgenda": _l("put on the agenda"),
    "PutToLiaisonTable": _l("put to the Liaison Table"),
    "Rejected": _l("rejected"),
    "ReturnedForRevision": _l("returned for revision"),
    "Revised": _l("revised"),
    "Submitted": _l("submitted"),
    "Withdrawn": _l("withdrawn"),
    "Defined": _l("defined"),
    "SettingChanged": _l("setting changed"),
    "MemberJoined": _l("member joined"),
    "MemberLeft": _l("member left"),
    "RepresentativeElected": _l("representative elected"),
    "SeatVacated": _l("seat vacated"),
    "ProposalReferenceAssigned": _l("proposal reference assigned"),
    "InputSubmitted": _l("input received"),
    "InputModerated": _l("input moderated"),
    "InputLinked": _l("input linked to a proposal"),
    "ContributorErased": _l("contributor's contact erased"),
    "RequestMade": _l("request to join made"),
    "RequestDecided": _l("request to join decided"),
    "RequesterErased": _l("requester's data erased"),
    "CandidacyDeclared": _l("candidacy declared"),
    "CandidacyWithdrawn": _l("candidacy withdrawn"),
    "BallotCast": _l("ballot cast"),
    "Established": _l("established"),
    "MeasurementRecorded": _l("measurement recorded"),
    "MemberAppointed": _l("member appointed"),
    "CommentPosted": _l("comment posted"),
    "CommentEdited": _l("comment edited"),
    "CommentHidden": _l("comment hidden"),
}

# Why moderation rejected an input to an open call (issue 17, "Open calls").
CATEGORY_LABELS = {
    "spam": _l("spam"),
    "abusive": _l("abusive"),
    "off_topic": _l("off topic"),
    "personal_data": _l("personal data"),
    "duplicate": _l("duplicate"),
    "other": _l("other reason"),
}

PERSONAL_LABELS = {
    "decrypted": _l("decrypted"),
    "redacted": _l("redacted"),
    "erased": _l("erased"),
}

RULE_LABELS = {
    "simple_majority_of_positions": _l("simple majority of the positions stated"),
}


def participation_label(value: str) -> str:
    """A stakeholder group, subregion, gender or "suppressed" as the reader says it."""
    return str(PARTICIPATION_LABELS.get(value, value))


def category_label(code: str) -> str:
    """A category of rejection of an input as the reader says it."""
    return str(CATEGORY_LABELS.get(code, code))


def aggregate_label(kind: str) -> str:
    """The kind of an aggregate (``WorkingTable``) as the reader says it."""
    return str(AGGREGATE_LABELS.get(kind, kind))


def event_label(kind: str) -> str:
    """An event's type (``Organisation.Registered``, or only ``Registered``) as the reader
    says it: the aggregate's kind and what happened (``Organisation · registered``)."""
    aggregate, _, name = kind.rpartition(".")
    what = str(EVENT_LABELS.get(name, name))
    return f"{aggregate_label(aggregate)} · {what}" if aggregate else what


def moment(value: datetime | str | None) -> str:
    """A recorded time in the reader's locale (medium date and time); "?" when unknown."""
    if value is None or value == "":
        return "?"
    if isinstance(value, str):
        try:
            return str(format_datetime(datetime.fromisoformat(value), "medium"))
        except ValueError:
            return value
    return str(format_datetime(value, "medium"))


TEMPLATE_HELPERS: dict[str, Any] = {
    "participation_label": participation_label, "aggregate_label": aggregate_label, "event_label": event_label,
    "moment": moment, "personal_label": lambda v: str(PERSONAL_LABELS.get(v, v)),
    "rule_label": lambda v: str(RULE_LABELS.get(v, v)),
}


def tally(support: int, objecting: int, abstaining: int) -> str:
    """"3 in support, 1 objecting, 1 abstention": each count with its own plural form."""
    from web.translate import ngettext

    return ", ".join((
        ngettext("%(num)s in support", "%(num)s in support", support),
        ngettext("%(num)s objecting", "%(num)s objecting", objecting),
        ngettext("%(num)s abstention", "%(num)s abstentions", abstaining),
    ))


TEMPLATE_HELPERS["tally"] = tally
