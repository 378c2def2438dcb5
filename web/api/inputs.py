"""What clients send to the API (load schemas), apart from what it answers
(:mod:`web.api.schemas`). They check the request's shape only: types, required fields,
unknown fields refused, text a database can store (no NUL or other control characters but
tab and line breaks, no lone surrogates). The mechanism's rules (lengths, GCM objectives of
the table, addressees, who may act) are the aggregates', answered with their codes.

Each text field's ``maxLength`` in the document is the domain's own limit for it (its
constant: a proposal's title 300 characters, its texts 20 000, a comment 5 000, any other
stored text ``MAX_FIELD_CHARS``; :mod:`application.limits`): the document says what the service
accepts, and the aggregate refuses a longer text with ``text_too_long`` (one source of truth,
no second bound here). A text's CRLF line ends are read as LF first, as the forms read them
(:mod:`web.typed_text`).
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from application.limits import (
    DIALOGUE_TITLE,
    MAX_COMMENT,
    MAX_FIELD_CHARS,
    PROPOSAL_TEXT,
    PROPOSAL_TITLE,
)
from web.api.schemas import TABLE_CODES
from web.i18n import local_number
from web.typed_text import lf

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
MAX_TEXT = MAX_FIELD_CHARS  # any stored text (every event's strings are checked against it)


def _storable(value: str) -> None:
    if _UNSTORABLE.search(value):
        raise ma.ValidationError("Text may not hold control characters (other than tab and line breaks) or lone surrogates.")


class Length(validate.Length):
    """marshmallow's ``Length`` whose message writes its limits as the reader does
    (4.000, 4 000, 4,000: :func:`web.i18n.local_number`)."""

    def _format_error(self, value: Any, message: str) -> str:
        return (self.error or message).format(
            input=value, min=local_number(self.min), max=local_number(self.max), equal=local_number(self.equal),
        )


class TypedText(fields.String):
    """A text read as the forms read it (:func:`web.typed_text.lf`: CRLF line ends as LF)
    before anything counts it, so that a text is accepted or refused alike through a form
    and through the API."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return str(lf(super()._deserialize(value, attr, data, **kwargs)))


def Text(required: bool = True, max_length: int = MAX_TEXT, **kwargs: Any) -> fields.String:  # noqa: N802 - a field factory
    """A text of at most ``max_length`` characters, the domain's limit for it: declared in
    the document (``maxLength``, counted with LF line ends) and checked by the aggregate
    (``text_too_long``), after its line ends are read as the forms read them."""
    metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
    return TypedText(required=required, validate=[_storable], metadata=metadata, **kwargs)


def Code(max_length: int, **kwargs: Any) -> fields.String:  # noqa: N802 - a field factory
    """A short code or query (a language, a reference, the words searched): its length is
    part of its shape, refused here (422) beyond ``max_length``."""
    return fields.String(validate=[Length(max=max_length), _storable], **kwargs)


class Input(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class DraftInput(Input):
    """A new proposal (``POST /proposals``)."""

    table = fields.String(required=True, metadata={"description": "Working table RT1–RT4.", "enum": list(TABLE_CODES)})
    title = Text(max_length=PROPOSAL_TITLE)
    problem = Text(max_length=PROPOSAL_TEXT)
    recommendation = Text(max_length=PROPOSAL_TEXT)
    rationale = Text(max_length=PROPOSAL_TEXT)
    objectives = fields.List(fields.Integer(strict=True, validate=validate.Range(-(2**31), 2**31 - 1)), required=True, validate=Length(max=100))
    targets = fields.List(Text(), required=True, validate=Length(max=100))
    language = Code(16, required=True)
    source = Text(required=False)
    reference = Code(100, required=False)


class RevisionChanges(Input):
    title = Text(required=False, max_length=PROPOSAL_TITLE)
    problem = Text(required=False, max_length=PROPOSAL_TEXT)
    recommendation = Text(required=False, max_length=PROPOSAL_TEXT)
    rationale = Text(required=False, max_length=PROPOSAL_TEXT)
    objectives = fields.List(fields.Integer(strict=True, validate=validate.Range(-(2**31), 2**31 - 1)), validate=Length(max=100))
    targets = fields.List(Text(), validate=Length(max=100))
    language = Code(16, required=False)


class RevisionInput(Input):
    """A revision by the proposal's authors: the fields that change, and a note."""

    changes = fields.Nested(RevisionChanges, required=True)
    note = Text(required=False)


class ReasonInput(Input):
    reason = Text(required=False)


class AmendmentInput(Input):
    """An amendment by a member of the table who is not an author."""

    field = fields.String(required=True, validate=validate.OneOf(("title", "problem", "recommendation", "rationale")))
    operation = fields.String(required=True, validate=validate.OneOf(("append", "replace")))
    text = Text(max_length=PROPOSAL_TEXT, metadata={
        "description": f"The amended field may hold at most {PROPOSAL_TEXT} characters, a title {PROPOSAL_TITLE} (amended_text_too_long).",
    })
    replaces = Text(required=False, allow_none=True, max_length=PROPOSAL_TEXT)
    justification = Text(required=False)


class CoAuthorInput(Input):
    co_author = fields.UUID(required=True, metadata={"description": "The participant id of a member of the table."})


class PositionInput(Input):
    """A member's position on an item of the session's agenda."""

    proposal_id = fields.UUID(required=True)
    position = fields.String(required=True, validate=validate.OneOf(("support", "object", "abstain")))
    reason = Text(required=False)


MODES = ("virtual", "in_person", "hybrid")


class ScheduleSessionInput(Input):
    """A session of a working table (the secretariat): its quarter follows from the date."""

    table = fields.String(required=True, metadata={"description": "Working table RT1–RT4.", "enum": list(TABLE_CODES)})
    date = fields.Date(required=True)
    mode = fields.String(load_default="virtual", validate=validate.OneOf(MODES))
    quarter = fields.String(validate=Length(max=16), metadata={"description": "YYYY-Qn, holding the date (default: the date's)."})


class AgendaInput(Input):
    proposal_id = fields.UUID(required=True, metadata={"description": "A proposal of the session's table, submitted."})


class DecisionInput(Input):
    proposal_id = fields.UUID(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(("adopt", "return_for_revision", "reject")))


class CloseSessionInput(Input):
    minutes = Text()


class VoteInput(Input):
    """A Liaison Table seat's vote in the proposal's endorsement round."""

    seat = fields.String(required=True, validate=Length(max=16), metadata={"description": "LT-RTn-A or LT-RTn-B (or a UN seat, when they vote)."})
    vote = fields.String(required=True, validate=validate.OneOf(("endorse", "object")))
    reason = Text(required=False)


class AdviceInput(Input):
    seat = fields.String(required=True, validate=validate.OneOf(("LT-UN-1", "LT-UN-2")))
    advice = Text()
    agency = Text(required=False)


class OpenRoundInput(Input):
    """An endorsement round on an adopted recommendation (the secretariat)."""

    closes_on = fields.Date(required=True, metadata={"description": "The round's last day."})


class PublicationInput(Input):
    recipients = fields.List(Text(), validate=Length(max=100),
                             metadata={"description": "Addressees (default: the adopted text's targets)."})


class GovernmentResponseInput(Input):
    country = fields.String(required=True, validate=Length(equal=2), metadata={"description": "ISO code of the LAC state."})
    status = fields.String(required=True, validate=validate.OneOf(("accepted", "partially_accepted", "noted", "rejected")))
    response = Text()
    language = fields.String(load_default="es", validate=Length(max=16))
    responding_entity = Text(required=False)
    response_date = fields.Date(required=False)


class FollowUpInput(Input):
    country = fields.String(required=True, validate=Length(equal=2))
    progress = fields.String(required=True, validate=validate.OneOf(("not_started", "in_progress", "partially_implemented", "implemented", "stalled")))
    note = Text()
    on = fields.Date(required=False)


class DialogueInput(Input):
    """The dialogue with governments of one half-year (the secretariat)."""

    period = fields.String(required=True, validate=Length(max=8), metadata={"description": "YYYY-H1 or YYYY-H2."})
    date = fields.Date(required=True)
    title = Text(max_length=DIALOGUE_TITLE)
    governments = fields.List(fields.String(validate=Length(max=64)), required=True, validate=Length(max=100),
                              metadata={"description": "LAC state codes invited, or 'all governments of the region'."})
    mode = fields.String(load_default="virtual", validate=validate.OneOf(MODES))


class PresentationInput(Input):
    """An endorsed recommendation presented at the dialogue (the secretariat)."""

    proposal_id = fields.UUID(required=True)
    note = Text(required=False)


class VotesInput(Input):
    for_ = fields.Integer(required=True, data_key="for", validate=validate.Range(0, 100_000))
    against = fields.Integer(required=True, validate=validate.Range(0, 100_000))
    abstain = fields.Integer(required=True, validate=validate.Range(0, 100_000))


class ElectionInput(Input):
    """The table's election of a representative (the secretariat): by ``votes`` counted
    against the quorum, and/or in a session of the table that is not closed."""

    seat = fields.String(required=True, validate=Length(max=16), metadata={"description": "LT-RTn-A or LT-RTn-B."})
    participant_id = fields.UUID(required=True, metadata={"description": "A member of the table."})
    term_start = fields.Date(required=True)
    session_id = fields.UUID(required=False, allow_none=True)
    votes = fields.Nested(VotesInput, required=False, allow_none=True)


class VacateInput(Input):
    """A seat of the table vacated (the secretariat, or its holder resigning)."""

    seat = fields.String(required=True, validate=Length(max=16))
    reason = Text(required=False)


class CommentInput(Input):
    """A comment on a proposal, or a reply to one of its comments (a member of its table)."""

    text = Text(max_length=MAX_COMMENT, metadata={"description": "Markdown, up to 5,000 characters (the rule's bound)."})
    reply_to = fields.UUID(required=False, allow_none=True, metadata={"description": "The comment replied to (not itself a reply)."})
