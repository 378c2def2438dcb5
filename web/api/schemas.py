"""The API's marshmallow schemas for reading: what each resource looks like when dumped.

Load schemas (what a client sends) live apart, in :mod:`web.api.inputs`: schemas check
shape, the aggregates check the rules. Names are the field's words (proposal, working
table, representative, recommendation, government response).

Personal data (``docs/privacy.md``): people appear as ``{"id", "name"}`` only to readers
who may see names (participants, the secretariat, auditors); for the public those fields
are ``null`` and only counts are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from domain.reference import objectives, table_objectives
from projections.proposals import ADOPTED_OR_LATER, DRAFT_STATUSES
from projections.sessions import CLOSED, IN_PROGRESS, UPCOMING

TABLE_CODES = tuple(sorted(table_objectives()))


class Choice(fields.String):
    """A list filter's value among ``choices``, matched whatever its case and the spaces
    around it, as the pages' filters match it (``?table=rt1`` is RT1), and given as the list
    writes it; any other value is refused by the ``OneOf`` the document shows as its enum."""

    def __init__(self, choices: Sequence[str], **kwargs: Any) -> None:
        self.choices = tuple(choices)
        super().__init__(validate=validate.OneOf(self.choices), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        exact = text if text in self.choices else None
        return exact or next((c for c in self.choices if c.casefold() == text.casefold()), text)
STATUSES = (*DRAFT_STATUSES, *ADOPTED_OR_LATER, "rejected", "withdrawn")


class PersonSchema(ma.Schema):
    """A participant named for a reader who may see names."""

    id = fields.String(required=True, metadata={"description": "The participant's id (UUID)."})
    name = fields.String(required=True, allow_none=True, metadata={"description": "Their name in the directory (a pseudonym once erased)."})


class AuthorSchema(PersonSchema):
    role = fields.String(required=True, validate=validate.OneOf(("author", "co_author")))


class ProposalSchema(ma.Schema):
    """A proposal as the board shows it (``version`` is its aggregate version, also its ETag)."""

    id = fields.UUID(required=True)
    reference = fields.String(required=True)
    table = fields.String(required=True, validate=validate.OneOf(TABLE_CODES), metadata={"description": "Working table RT1–RT4."})
    title = fields.String(required=True)
    problem = fields.String(required=True)
    recommendation = fields.String(required=True)
    rationale = fields.String(required=True)
    objectives = fields.List(fields.Integer(), required=True, metadata={"description": "GCM objectives (1–23)."})
    targets = fields.List(fields.String(), required=True, metadata={"description": "Addressees: LAC state codes or 'all governments of the region'."})
    language = fields.String(required=True)
    source = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    version = fields.Integer(required=True, metadata={"description": "Aggregate version (the ETag)."})
    content_version = fields.Integer(required=True, metadata={"description": "Version of the text (1 = as drafted)."})
    submitted_version = fields.Integer(required=True, allow_none=True)
    decided_version = fields.Integer(required=True, allow_none=True)
    session_id = fields.UUID(required=True, allow_none=True, metadata={"description": "The session whose agenda holds it."})
    adopted_session_id = fields.UUID(required=True, allow_none=True)
    adopted_on = fields.Date(required=True, allow_none=True)
    endorsement_id = fields.UUID(required=True, allow_none=True, metadata={"description": "The Liaison Table's endorsement round."})
    endorsement_tally = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, allow_none=True)
    endorsed_on = fields.Date(required=True, allow_none=True)
    recipients = fields.List(fields.String(), required=True, allow_none=True, metadata={"description": "Addressees it was published to."})
    published_on = fields.Date(required=True, allow_none=True)
    drafted_on = fields.Date(required=True)
    updated_on = fields.Date(required=True)
    authors = fields.List(
        fields.Nested(AuthorSchema), required=True, allow_none=True,
        metadata={"description": "Author and co-authors; null for readers who may not see names."},
    )


class CoAuthorsSchema(ma.Schema):
    """A proposal's co-authors (``version``: the proposal's, the ETag)."""

    proposal_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    count = fields.Integer(required=True)
    co_authors = fields.List(fields.Nested(PersonSchema), required=True, allow_none=True,
                             metadata={"description": "Null for readers who may not see names."})


class AmendmentSchema(ma.Schema):
    """An amendment proposed to a proposal by a member of its table."""

    reference = fields.String(required=True)
    field = fields.String(required=True, validate=validate.OneOf(("title", "problem", "recommendation", "rationale")))
    operation = fields.String(required=True, validate=validate.OneOf(("append", "replace")))
    text = fields.String(required=True)
    replaces = fields.String(required=True, allow_none=True)
    justification = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, accepted, rejected or withdrawn."})
    reason = fields.String(required=True, metadata={"description": "The authors' reason of a rejection."})
    proposed_on = fields.Date(required=True)
    amender = fields.Nested(PersonSchema, required=True, allow_none=True, metadata={"description": "Null for readers who may not see names."})


class GovernmentResponseSchema(ma.Schema):
    country = fields.String(required=True, metadata={"description": "ISO code of the LAC state."})
    status = fields.String(required=True, validate=validate.OneOf(("accepted", "partially_accepted", "noted", "rejected")))
    response = fields.String(required=True)
    language = fields.String(required=True)
    responding_entity = fields.String(required=True)
    response_date = fields.Date(required=True)


class EndorsementRoundSchema(ma.Schema):
    id = fields.UUID(required=True)
    opened_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    closed_on = fields.Date(required=True, allow_none=True)
    outcome = fields.String(required=True, allow_none=True, metadata={"description": "endorsed, not_endorsed, or null while open."})
    tally = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, allow_none=True)


class SessionRefSchema(ma.Schema):
    id = fields.UUID(required=True)
    reference = fields.String(required=True)
    date = fields.Date(required=True)


class RecommendationSchema(ProposalSchema):
    """An adopted recommendation with its provenance: the session that adopted it, the
    Liaison Table's rounds and the governments' responses."""

    adopted_in = fields.Nested(SessionRefSchema, required=True, allow_none=True, metadata={"description": "The session that adopted it."})
    endorsement_rounds = fields.List(fields.Nested(EndorsementRoundSchema), required=True)
    government_responses = fields.List(fields.Nested(GovernmentResponseSchema), required=True)


class RepresentativeSchema(ma.Schema):
    """One term of a Liaison Table seat of a working table."""

    seat = fields.String(required=True, metadata={"description": "LT-RTn-A or LT-RTn-B."})
    term_start = fields.Date(required=True)
    term_end = fields.Date(required=True)
    vacated_on = fields.Date(required=True, allow_none=True)
    by_election = fields.Boolean(required=True)
    parity_check = fields.String(required=True)
    in_term = fields.Boolean(required=True, metadata={"description": "Holds the seat today."})
    representative = fields.Nested(PersonSchema, required=True, allow_none=True, metadata={"description": "Null for readers who may not see names."})


class MemberSchema(PersonSchema):
    joined_on = fields.Date(required=True)


class WorkingTableSchema(ma.Schema):
    """A working table: its GCM objectives, members and representatives."""

    code = fields.String(required=True, validate=validate.OneOf(TABLE_CODES))
    objectives = fields.List(fields.Integer(validate=validate.Range(1, len(objectives()))), required=True)
    member_count = fields.Integer(required=True)
    members = fields.List(fields.Nested(MemberSchema), required=True, allow_none=True, metadata={"description": "Null for readers who may not see names."})
    representatives = fields.List(fields.Nested(RepresentativeSchema), required=True, metadata={"description": "Terms in force today."})


class CountsSchema(ma.Schema):
    support = fields.Integer(required=True)
    object = fields.Integer(required=True)
    abstain = fields.Integer(required=True)


class AgendaItemSchema(ma.Schema):
    """An item of a session's agenda: counts of positions for everyone (who said what is
    for the table's members and auditors, on the pages)."""

    proposal_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The proposal's version put on the agenda."})
    counts = fields.Nested(CountsSchema, required=True)
    decision = fields.String(required=True, allow_none=True)
    decided_on = fields.Date(required=True, allow_none=True)


class SessionSchema(ma.Schema):
    """A session of a working table (``version`` is its aggregate version, the ETag)."""

    id = fields.UUID(required=True)
    reference = fields.String(required=True)
    table = fields.String(required=True)
    quarter = fields.String(required=True)
    date = fields.Date(required=True)
    mode = fields.String(required=True)
    closed = fields.Boolean(required=True)
    opened_on = fields.Date(required=True, allow_none=True, metadata={"description": "The day its meeting was opened (null until then)."})
    stage = fields.String(required=True, validate=validate.OneOf((UPCOMING, IN_PROGRESS, CLOSED)),
                          metadata={"description": "Today: upcoming, in progress (opened or its date has come) or closed."})
    version = fields.Integer(required=True, allow_none=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema), required=True)


class EndorsementVotesSchema(ma.Schema):
    endorse = fields.Integer(required=True)
    object = fields.Integer(required=True)


class EndorsementSchema(ma.Schema):
    """The Liaison Table's current endorsement round of a proposal (``version`` is the
    round's aggregate version, the ETag of closing)."""

    id = fields.UUID(required=True)
    proposal_id = fields.UUID(required=True)
    version = fields.Integer(required=True, allow_none=True)
    opened_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    closed_on = fields.Date(required=True, allow_none=True)
    outcome = fields.String(required=True, allow_none=True)
    tally = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, allow_none=True)
    counts = fields.Nested(EndorsementVotesSchema, required=True)


class CommentSchema(ma.Schema):
    """A comment on a proposal by a member of its table (issue 17, "Discussion on drafts")."""

    id = fields.UUID(required=True)
    proposal_id = fields.UUID(required=True)
    table = fields.String(required=True, validate=validate.OneOf(TABLE_CODES))
    author = fields.Nested(PersonSchema, required=True, allow_none=True, metadata={"description": "Null for readers who may not see names."})
    reply_to = fields.UUID(required=True, allow_none=True, metadata={"description": "The comment this one replies to (threads are one level deep)."})
    text = fields.String(required=True, allow_none=True, metadata={"description": "Markdown; null for a hidden comment (auditors read it)."})
    posted_on = fields.Date(required=True)
    edited_on = fields.Date(required=True, allow_none=True)
    edits = fields.Integer(required=True, metadata={"description": "How many times its author changed it (earlier texts stay in the log)."})
    hidden = fields.Boolean(required=True)
    hidden_by = fields.String(required=True, allow_none=True, validate=validate.OneOf(("secretariat", "facilitator")))
    hide_reason = fields.String(required=True, allow_none=True, metadata={"description": "Why it is hidden, shown in its place."})
