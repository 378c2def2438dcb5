"""Words of open calls for input, requests to join a table and the discussion on drafts
(issue 17) in the reader's language: refusals of their rules, merged into :data:`web.i18n.ERROR_MESSAGES`."""

from __future__ import annotations

from web.translate import lazy_gettext as _l

CALL_ERROR_MESSAGES = {
    "outside_call_dates": _l("This call does not take inputs on this date: see its opening and closing dates."),
    "language_not_accepted": _l("This call does not take inputs in this language."),
    "call_closed": _l("This call is closed."),
    "one_input_per_contact": _l("One input per contact address (or participant) per call, unless moderation allows more."),
    "duplicate_input": _l("An input with this id already exists."),
    "no_language": _l("A call takes inputs in at least one language."),
    "closes_before_opens": _l("A call closes on or after the day it opens."),
    "call_closes_in_past": _l("A call closes today or later."),
    "already_moderated": _l("This input was already moderated."),
    "unknown_moderation_decision": _l("An input is accepted or rejected."),
    "category_required": _l("A rejection names its category."),
    "unknown_category": _l("Only a rejection has a category: spam, abusive, off topic, personal data, duplicate or other."),
    "reason_required": _l("A rejection gives its reason."),
    "not_a_moderator": _l("Only the secretariat, or the facilitators of the call's table, moderate inputs."),
    "input_not_accepted": _l("Only accepted inputs feed proposals."),
    "already_linked": _l("This proposal already draws on this input."),
    "not_a_contributor": _l("This input was sent by a participant: erase the participant instead."),
    # requests to join a table
    "request_pending": _l("A request from this address to join this table is already pending."),
    "duplicate_request": _l("A request with this id already exists."),
    "request_decided": _l("This request was already decided."),
    "unknown_join_decision": _l("A request is accepted or declined."),
    "ground_required": _l("A decline names its ground: not a stakeholder, duplicate or unverifiable."),
    "unknown_ground": _l("The ground of a decline is: not a stakeholder, duplicate or unverifiable."),
    "not_a_representative": _l("Only the table's representatives in term, or the secretariat, decide on requests to join it."),
    # discussion on drafts
    "discussion_closed": _l("The discussion is closed: comments are taken while the proposal is a draft, submitted, on the agenda or returned for revision."),
    "reply_too_deep": _l("A reply answers a comment, not another reply."),
    "comment_hidden": _l("This comment is hidden: it cannot be edited."),
    "duplicate_comment": _l("A comment with this id already exists."),
    "not_the_comment_author": _l("Only the author of a comment edits it."),
    "already_hidden": _l("This comment is already hidden."),
    "hide_reason_required": _l("Hiding a comment gives its reason."),
}
