"""Languages of the web pages: Spanish first, with English, Portuguese and French.

The locale of a request is chosen, in order, by the ``?lang=`` query argument (which
also sets the ``lang`` cookie for the next pages), the ``lang`` cookie, the browser's
``Accept-Language`` header, and Spanish by default. Message ids are English; the
catalogues live in ``web/translations/<lang>/LC_MESSAGES/messages.po`` (compiled ``.mo``
beside them).

Codes stay codes: statuses, decisions and error codes are kept in URLs, filters and
stored data; only their labels are translated here.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import (
    Babel,
    format_date,
    format_decimal,
    format_number,
    format_scientific,
    get_locale,
)
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from application.limits import (
    INDICATOR_DECIMALS,
    INDICATOR_DIGITS,
    INDICATOR_MAGNITUDE,
    INDICATOR_SIGNIFICANT,
)
from domain.errors import DomainError
from domain.reference import ALL_GOVERNMENTS, addressee_name, lac_states, objectives
from web import translate
from web.i18n_accounts import ACCOUNT_ERROR_MESSAGES, security_event
from web.i18n_calls import CALL_ERROR_MESSAGES
from web.translate import lazy_gettext as _l
from web.typed_text import one_line, shorten

LANGUAGES = ("es", "en", "pt", "fr")
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

STATUS_LABELS = {
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "on_agenda": _l("on the agenda"),
    "returned_for_revision": _l("returned for revision"),
    "adopted": _l("adopted"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
    "under_liaison_review": _l("under Liaison Table review"),
    "endorsed": _l("endorsed"),
    "not_endorsed": _l("not endorsed"),
    "published": _l("published"),
}

WORD_LABELS = {
    # positions, decisions, votes, amendment states, response statuses, text fields
    "support": _l("support"),
    "object": _l("object"),
    "abstain": _l("abstain"),
    "adopt": _l("adopt"),
    "return_for_revision": _l("return for revision"),
    "reject": _l("reject"),
    "endorse": _l("endorse"),
    "pending": _l("pending"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "partially_accepted": _l("partially accepted"),
    "noted": _l("noted"),
    "append": _l("append"),
    "replace": _l("replace"),
    "title": _l("Title"),
    "problem": _l("Problem"),
    "recommendation": _l("Recommendation"),
    "rationale": _l("Rationale"),
    "drafted": _l("drafted"),
    "revised": _l("revised"),
    "amendment_accepted": _l("amendment accepted"),
    "virtual": _l("virtual"),
    "in_person": _l("in person"),
    "hybrid": _l("hybrid"),
    "endorsed": _l("endorsed"),
    "not_endorsed": _l("not endorsed"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
    # where a session stands ("in_progress" below serves it too)
    "upcoming": _l("upcoming"),
    "closed": _l("closed"),
    # follow-up progress, parity check outcomes, decision rules
    "not_started": _l("not started"),
    "in_progress": _l("in progress"),
    "partially_implemented": _l("partially implemented"),
    "implemented": _l("implemented"),
    "stalled": _l("stalled"),
    "passed": _l("passed"),
    "not_applicable": _l("not applicable (the other seat is vacant)"),
    "simple_majority_of_positions": _l("simple majority of the positions stated"),
}

# The rule each refusal code names, in the reader's language. Codes not listed fall back
# to the message of their error class below, then to the domain's own (English) message.
ERROR_MESSAGES = {
    "objective_not_in_table": _l("The GCM objectives chosen must belong to the working table."),  # a proposal's or a call's
    "no_objective": _l("A proposal names at least one GCM objective."),
    "unknown_objective": _l("GCM objectives are numbered 1 to 23."),
    "no_target": _l("A recommendation names at least one addressee."),
    "unknown_target": _l("An addressee is not in the reference lists."),
    "empty_text": _l("This text cannot be empty."),
    "text_too_long": _l("This text is too long (titles up to 300 characters, other texts up to 20,000)."),
    "unknown_language": _l("Choose one of the languages es, en, pt, fr."),
    "unknown_table": _l("Unknown working table."),
    "unknown_notification_kind": _l("There is no such kind of notification."),
    "unknown_frequency": _l("Choose immediately, daily digest, weekly digest or never."),
    "unsubscribe_link_invalid": _l("This link to stop e-mails is not valid or has expired: choose what reaches you on your notifications page."),
    "not_a_member": _l("Only members of the working table can do this."),
    "not_an_author": _l("Only the proposal's authors can do this."),
    "author_cannot_amend": _l("Authors revise their proposal directly; amendments come from other members of the table."),
    "author_is_co_author": _l("The author is not also a co-author."),
    "already_an_author": _l("This person is already an author of the proposal."),
    "not_a_co_author": _l("This person is not a co-author of the proposal."),
    "empty_revision": _l("The revision changes nothing."),
    "field_not_revisable": _l("This field cannot be revised."),
    "pending_amendments": _l("Decide on the pending amendments before submitting."),
    "amendment_conflict": _l("The text this amendment replaces is no longer in the proposal."),
    "replaced_text_not_found": _l("The text to replace is not in the current text of that field."),
    "replaced_text_empty": _l("Write the text this amendment replaces."),
    "amended_text_too_long": _l("With this amendment the text would be too long."),
    "amendment_not_pending": _l("This amendment was already decided."),
    "not_the_amender": _l("Only the amender may withdraw an amendment."),
    "quorum_not_reached": _l("Quorum not reached: not enough members of the table took part."),
    "decision_not_permitted": _l("The positions stated do not permit this decision (adopt needs more support than objections; reject needs more objections than support)."),
    "already_decided": _l("The table already decided on this item."),
    "session_closed": _l("This session is closed and takes nothing more."),
    "not_on_agenda": _l("This proposal is not on the session's agenda."),
    "already_on_agenda": _l("The proposal is already on the agenda."),
    "proposal_of_another_table": _l("The proposal belongs to another working table."),
    "unknown_position": _l("A position is support, object or abstain."),
    "unknown_decision": _l("A decision is adopt, return for revision or reject."),
    "secretariat_only": _l("Only the secretariat can do this."),
    "not_the_seat_holder": _l("Only the holder of this Liaison Table seat, during their term, votes for it."),
    "own_proposal": _l("A representative does not vote on a proposal they authored or co-authored."),
    "round_closed": _l("This endorsement round is closed."),
    "round_past_deadline": _l("The endorsement round is past its closing date."),
    "round_not_due": _l("The endorsement round stays open until its closing date."),
    "closes_in_past": _l("A round closes today or later."),
    "no_endorsement_round": _l("No endorsement round was opened on this proposal."),
    "not_an_addressee": _l("This state was not an addressee of the recommendation."),
    "unknown_country": _l("Not a LAC state code."),
    "unknown_response_status": _l("A response is accepted, partially accepted, noted or rejected."),
    "bad_quarter": _l("A quarter reads YYYY-Qn, e.g. 2026-Q1."),
    "session_date_outside_quarter": _l("The session's date is not in its quarter."),
    "session_date_in_past": _l("A session is scheduled for today or a later date."),
    "stale_version": _l("Someone changed this proposal since you opened it. Your text is kept below: compare it with the current version and submit again."),
    "version_mismatch": _l("This changed since you read it; read it again before acting."),
    "invalid_id": _l("This is not a valid id."),
    "participant_erased": _l("This person's data was erased."),
    # error classes and the application (docs/rules.md, "Error classes")
    "domain_error": _l("This is not possible."),
    "not_found": _l("Not found."),
    "not_allowed": _l("You are not allowed to do this."),
    "invalid_transition": _l("This is not possible in the current status."),
    "invalid_input": _l("This input is not valid."),
    "rule_violation": _l("A rule of the mechanism does not allow this."),
    "command_already_applied": _l("This was already done; nothing changed again."),
    # proposals
    "already_registered": _l("This is already registered."),
    "reference_taken": _l("This reference was already given to a proposal."),
    "reference_of_another_table": _l("This reference names another working table."),
    "date_out_of_range": _l("This date is out of range: it must fall between 2000 and 2199."),
    "not_one_line": _l("This field is one line: remove its line breaks, tabs and invisible control characters."),
    "control_character": _l("This text holds an invisible control character; remove it (tabs and line breaks are fine)."),
    "proposal_not_editable": _l("A proposal is changed only while it is a draft or returned for revision."),
    "field_not_amendable": _l("An amendment changes the title, the problem, the recommendation or the rationale."),
    "unknown_operation": _l("An amendment adds text at the end or replaces a passage."),
    "duplicate_amendment": _l("An amendment with this reference already exists."),
    "unknown_amendment": _l("This proposal has no such amendment."),
    "proposal_not_withdrawable": _l("A proposal is withdrawn only before the table's decision."),
    "proposal_not_submitted": _l("Only a submitted proposal goes on an agenda."),
    "not_on_this_agenda": _l("The proposal is on the agenda of another session."),
    "proposal_not_on_agenda": _l("The proposal is not on the agenda of this session."),
    "not_the_submitted_version": _l("A decision refers to the version that was submitted."),
    "proposal_not_adopted": _l("Only a recommendation adopted by its table goes to the Liaison Table."),
    "proposal_not_under_review": _l("The proposal is not under Liaison Table review."),
    "proposal_not_endorsed": _l("Only a recommendation endorsed by the Liaison Table is published to governments."),
    "recipient_not_a_target": _l("A recommendation is published only to addressees of the adopted text."),
    # sessions
    "not_a_facilitator": _l("Only the secretariat or the table's facilitators (its representatives) can do this."),
    "session_already_open": _l("This session's meeting was already opened."),
    "session_not_due": _l("A session's meeting is opened on its date or later."),
    "proposal_withdrawn": _l("The authors withdrew this proposal; it takes no more positions."),
    "minutes_required": _l("A session closes with its minutes: write them before closing."),
    # working tables and representatives
    "already_a_member": _l("This person is already a member of the working table."),
    "representative_must_vacate": _l("A representative's seat is vacated before they leave the table."),
    "unknown_seat": _l("Unknown Liaison Table seat."),
    "election_not_decided_by_table": _l("An election is decided by the table's members: give the session where the table decided, or its votes."),
    "session_of_another_table": _l("That session belongs to another working table; each table elects its own representatives."),
    "invalid_votes": _l("Election votes are counts (0 or more) of votes for, against and abstentions; the votes for are required."),
    "more_votes_than_members": _l("More votes were counted than the table has members."),
    "election_not_won": _l("A representative is elected with more votes for than against."),
    "term_starts_in_past": _l("A term starts on the day of the election or later."),
    "term_ends_before_start": _l("A term ends on or after its start."),
    "term_longer_than_a_year": _l("A term lasts one year."),
    "term_shorter_than_a_year": _l("A term lasts one year; only a by-election fills less."),
    "by_election_beyond_term": _l("A by-election fills the rest of the vacated term, never beyond."),
    "seat_occupied": _l("This seat is held during that time; vacate it first."),
    "election_already_open": _l("An election of this table for this seat is still open; close it before opening another."),
    "already_a_representative": _l("One person holds one Liaison Table seat at a time."),
    "gender_parity": _l("Gender parity: the two representatives of a table differ in gender and at least one is a woman."),
    "third_consecutive_term": _l("A representative may be re-elected once immediately, never for a third consecutive term."),
    "seat_not_held": _l("This seat is vacant: there is no term or nomination to end."),
    # elections of representatives
    "table_not_registered": _l("This working table is not registered yet: register the table before opening its elections."),
    "no_seats": _l("An election is for at least one of the table's seats."),
    "duplicate_seat": _l("Name each seat once."),
    "nominations_close_in_past": _l("Nominations close today or later."),
    "voting_closes_before_nominations": _l("Voting opens when nominations close, so it closes on a later day."),
    "term_starts_before_voting_closes": _l("The term starts on or after the day voting closes."),
    "nominations_closed": _l("Nominations are closed: candidacies are declared and withdrawn before voting opens."),
    "already_a_candidate": _l("This person is already a candidate in this election."),
    "invalid_criteria": _l("Answer every criterion: networks and organisations, coordination, availability, levels of advocacy experience, subregion and sector."),
    "not_a_candidate": _l("This person is not a candidate in this election."),
    "outside_voting_period": _l("Ballots are cast from the day after nominations close until voting closes."),
    "too_many_choices": _l("A ballot names at most as many candidates as there are seats."),
    "duplicate_choice": _l("A ballot names each candidate once."),
    "voting_not_over": _l("The election is closed on or after the day voting closes."),
    "election_closed": _l("This election is closed."),
    # the cross-cutting commission and its indicators
    "commission_already_established": _l("The cross-cutting commission is already established."),
    "already_a_commission_member": _l("This person is already a member of the cross-cutting commission."),
    "no_members": _l("Appoint at least one member."),
    "no_commission": _l("The cross-cutting commission is not established yet."),
    "not_a_commission_member": _l("Only members of the cross-cutting commission define indicators and record measurements."),
    "no_recommendation": _l("An indicator follows at least one recommendation."),
    "not_a_published_recommendation": _l("Indicators follow published recommendations only."),
    "not_a_number": _l("Give a number."),
    "number_out_of_range": _l("Give a number with at most %(digits)s digits before the decimal point, %(decimals)s after it "
                              "and %(significant)s in all.",
                              digits=INDICATOR_DIGITS, decimals=INDICATOR_DECIMALS, significant=INDICATOR_SIGNIFICANT),
    "target_before_baseline": _l("The target's date comes after the baseline's date."),
    "unknown_disaggregation": _l("Disaggregations are by sex, age or migratory status, as the indicator defines."),
    "bad_disaggregation": _l("A breakdown lists each category (up to 100 characters) with its number."),
    "no_state": _l("An indicator applies to at least one state."),
    "unknown_state": _l("States are those of Latin America and the Caribbean."),
    "state_not_covered": _l("This indicator does not cover that state."),
    "missing_date": _l("Give the date."),
    "bad_measurement_period": _l("A period reads YYYY or YYYY-Qn, e.g. 2026 or 2026-Q3."),
    "bad_source": _l("Name the public source with a title and a link starting with http:// or https://."),
    # Liaison Table and UN agencies
    "no_wgcs_consensus": _l("A UN agency is nominated by consensus of the Working Group on Civil Society: no member objects."),
    "agency_already_seated": _l("This UN agency already holds the other UN seat."),
    "agency_not_on_seat": _l("This UN agency does not hold that UN seat."),
    "un_seat_vacant": _l("No UN agency holds this seat today."),
    "un_agency_advises": _l("UN agencies advise the Liaison Table and do not vote."),
    "unknown_vote": _l("A vote is endorse or object."),
    # settings
    "unknown_setting": _l("Unknown setting: the settings are the quorum, the decision rule, the endorsement threshold and whether UN agencies vote."),
    "invalid_setting": _l("This value is not allowed for this setting (quorum 1 to 100 members, endorsement threshold 1 to 10 seats, UN agencies vote yes or no)."),
    "setting_unchanged": _l("The setting already has this value."),
    # follow-up and dialogues with governments
    "proposal_not_published": _l("Government responses and follow-up are recorded for published recommendations only."),
    "response_in_future": _l("A response is recorded once received, not with a future date."),
    "response_before_publication": _l("A response cannot be dated before the publication it answers."),
    "response_already_recorded": _l("This response is already recorded, with the same state, kind of response, date and text."),
    "no_government_response": _l("Follow-up comes after a government response, and this state has not responded."),
    "unknown_follow_up_progress": _l("Progress is not started, in progress, partially implemented, implemented or stalled."),
    "follow_up_in_future": _l("A follow-up entry records progress already observed, not a future date."),
    "follow_up_before_response": _l("A follow-up entry is dated on or after that state's response."),
    "bad_period": _l("A half-year reads YYYY-H1 or YYYY-H2, e.g. 2026-H1."),
    "dialogue_date_outside_period": _l("The dialogue's date is not in its half-year."),
    "dialogue_date_in_past": _l("A dialogue with governments is scheduled for today or a later date."),
    "dialogue_already_scheduled": _l("The dialogue with governments of this half-year is already scheduled (one per half-year)."),
    "no_government": _l("Invite at least one government."),
    "unknown_government": _l("Governments are LAC states or all governments of the region."),
    "unknown_mode": _l("A meeting is virtual, in person or hybrid."),
    "not_a_recommendation": _l("Only recommendations endorsed by the Liaison Table are presented to governments."),
    "already_presented": _l("This recommendation was already presented at this dialogue."),
    "dialogue_not_held_yet": _l("A recommendation is presented at a dialogue on or after the dialogue's date."),
    # organisations and participants
    "unknown_stakeholder_group": _l("Unknown stakeholder group."),
    "unknown_gender": _l("Choose one of the listed genders."),
    "already_erased": _l("This person's data was already erased."),
    # audit, export and restore
    "chain_broken": _l("The hash chain does not verify; no checkpoint is signed."),
    "tree_broken": _l("The stored tree is not the tree of the stored events; no checkpoint is signed."),
    "checkpoint_inconsistent": _l("The log does not extend the last signed checkpoint; no checkpoint is signed."),
    "bad_witness_key": _l("This is not a witness's verifier key."),
    "witness_exists": _l("This witness is registered already."),
    "bad_cosignature": _l("No cosignature of a registered witness verifies on a checkpoint of this log."),
    "bad_conflict": _l("These are not two checkpoints of one size with different roots, both signed by the log."),
    "one_point_only": _l("Give one point in time: a version, an instant or an effective date."),
    "not_a_proposal": _l("Text differences are shown for proposals only."),
    "bad_export": _l("This file is not an export of this service."),
    "export_tampered": _l("The export was changed after it was signed; nothing was imported."),
    "database_not_empty": _l("A restore goes into an empty database only."),
    "restore_refused": _l("The restore was refused; nothing was changed."),
    "unreadable_event": _l("A stored event no longer reads (it may have been tampered with); verify the chain."),
    # open data
    "bad_position": _l("A log position is a whole number from 1."),
    "position_beyond_head": _l("This position is beyond the end of the log."),
    "empty_log": _l("Nothing is recorded yet: there is nothing to export."),
    "quarter_in_future": _l("This quarter has not started."),
    # participation statistics
    "statistics_published_today": _l("The statistics of this quarter so far were already published today. Publish them again tomorrow."),
}

def local_number(value: object) -> object:
    """A whole number as the reader writes it (20.000, 20 000, 20,000: Flask-Babel's
    ``format_number`` in the request's locale); anything else, or outside a request, as is."""
    if isinstance(value, int) and not isinstance(value, bool) and has_request_context():
        return format_number(value)
    return value


def local_decimal(value: object) -> object:
    """A number of an indicator as the reader writes it (1.234,5 or 1 234,5 or 1,234.5:
    Flask-Babel's ``format_decimal`` in the request's locale), with the decimals it has, up to
    the 6 an indicator's number may have (``domain.commission.MAX_DECIMALS``); anything else,
    or outside a request, as is (the template filter ``decimal``).

    A number beyond an indicator's range (``domain.commission.MAX_MAGNITUDE``, through ``application.limits``), which an
    event recorded before that rule may hold, is written in scientific notation in the
    reader's locale (1,2E22): Babel cannot write it with 6 decimals."""
    if isinstance(value, int | float) and not isinstance(value, bool) and has_request_context():
        if not math.isfinite(value) or abs(value) >= INDICATOR_MAGNITUDE:
            return format_scientific(value, format="#.######E0") if math.isfinite(value) else str(value)
        return format_decimal(value, format="#,##0.######")
    return value


class LocalNumbers:
    """A message whose ``%`` writes its whole numbers as the reader does (:func:`local_number`):
    given as a WTForms validator's ``message`` (``Length``), it formats the limit too."""

    def __init__(self, message: object) -> None:
        self.message = message

    def __mod__(self, values: dict[str, object]) -> str:
        return str(self.message) % {k: local_number(v) for k, v in values.items()}

    def __str__(self) -> str:
        return str(self.message)


# A text past its field's limit, in every form and for every refusal: the field's own limit.
TOO_LONG = LocalNumbers(_l("This is longer than %(max)s characters."))
AMENDED_TOO_LONG = LocalNumbers(_l("With this amendment the text would be longer than %(max)s characters."))

CLASS_MESSAGES = {
    "InvalidTransitionError": _l("This is not possible in the current status."),
    "NotAllowedError": _l("You are not allowed to do this."),
    "NotFoundError": _l("Not found."),
}


ERROR_MESSAGES.update(ACCOUNT_ERROR_MESSAGES)
ERROR_MESSAGES.update(CALL_ERROR_MESSAGES)


def select_locale() -> str:
    """``?lang=`` → ``lang`` cookie → ``Accept-Language`` → ``es``."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The reader's language code (``es``, ``en``, ``pt``, ``fr``): the locale Flask-Babel chose
    for the request, or forced for a mail. Pages ask for it dozens of times a request: the
    chosen locale is read where Flask-Babel keeps it, and a plain language's code is its
    ``language`` (``str`` of a locale builds its identifier anew each time)."""
    try:
        locale = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):
        locale = None
    if locale is None:
        locale = get_locale()
        if locale is None:
            return DEFAULT_LANGUAGE
    if locale.territory is None and locale.script is None and locale.variant is None and getattr(locale, "modifier", None) is None:
        return str(locale.language)
    return str(locale)


def _remember_language(response: Response) -> Response:
    """Keep a language asked with ``?lang=`` in the cookie; a page whose language followed the
    cookie or ``Accept-Language`` (no ``?lang=``) says so in ``Vary``, so that a shared cache
    does not give one reader's language to another."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        if request.cookies.get(COOKIE) != asked:
            secure = bool(current_app.config["DIALOGUE"].secure_cookies)
            response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=secure)
    elif response.mimetype == "text/html":
        response.vary.update(("Cookie", "Accept-Language"))
    return response


def _set_g_locale() -> None:
    g.locale = current_language()


def status_label(code: str | None) -> str:
    """The reader's label of a status code (the code itself when unknown)."""
    if code is None:
        return ""
    return str(STATUS_LABELS.get(code, code))


def status_badge(code: str | None) -> Markup:
    """A status as the pages show it (the ``status`` macro of ``common/_macros.html``): its code
    for styling, its label in the reader's language."""
    c = escape(code)
    return Markup(f'<span class="status s-{c}" data-status="{c}">{escape(status_label(code))}</span>')  # noqa: S704 - escaped just above


def objectives_abbr(numbers: list[int]) -> Markup:
    """GCM objectives' numbers, each with its title as an abbreviation's (the
    ``objectives_short`` macro): "2, 5"."""
    return Markup(", ".join(f'<abbr title="{escape(objective_title(n))}">{escape(n)}</abbr>' for n in numbers))  # noqa: S704 - escaped


def word(code: str | None) -> str:
    """The reader's label of a position, decision, vote or other code word."""
    if code is None:
        return ""
    return str(WORD_LABELS.get(code) or STATUS_LABELS.get(code) or code)


def objective_title(number: int) -> str:
    """The title of GCM objective ``number`` in the reader's language."""
    o = objectives().get(int(number))
    if o is None:
        return str(number)
    return o.title(current_language())


def target_label(target: str) -> str:
    """An addressee as the reader says it: a LAC state's name in their language, the
    region's governments, or the listed addressee's name as recorded."""
    if target == ALL_GOVERNMENTS:
        return str(_l("All governments of the region"))
    if target in lac_states():
        return country_name(target)
    return addressee_name(target, current_language())


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str) -> str:
    name = _territories(current_language()).get(code)
    if name:
        return str(name)
    state = lac_states().get(code)
    return state.name_en if state else code


def country_options() -> list[tuple[str, str]]:
    """The LAC states as a form's options, ``(code, name)`` in the reader's language, sorted
    by that name."""
    return sorted(((c, country_name(c)) for c in lac_states()), key=lambda o: o[1])


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def refusal_words(e: DomainError) -> str:
    """A refusal's words in the reader's language; a text past its length names its own limit.
    A field not on one line reads the catalogue's sentence in English too: the domain's names
    the field, which the page already names beside it."""
    if e.code == "not_one_line":
        return str(ERROR_MESSAGES["not_one_line"])
    if e.code == "text_too_long" and e.limit is not None:
        return TOO_LONG % {"max": e.limit}
    if e.code == "amended_text_too_long" and e.limit is not None:
        return AMENDED_TOO_LONG % {"max": e.limit}
    return error_message(e.code, type(e).__name__, e.message)


def error_message(code: str, error_class: str, fallback: str) -> str:
    """The refusal's rule in the reader's language (the domain message in English)."""
    if current_language() == "en" and fallback:
        return fallback
    msg = ERROR_MESSAGES.get(code) or CLASS_MESSAGES.get(error_class)
    return str(msg) if msg is not None else fallback


REFUSED_ECHO_LIMIT = 100
"""The longest query argument the 400 page's language links keep (:func:`lang_url`)."""


def lang_url(code: str) -> str:
    """The current page in language ``code``, keeping its other query arguments (after a
    form was posted to an address that has no page, the board). On the 400 page of a refused
    query argument (``g.refused_argument`` set) an argument is kept while short, so the same
    refusal reads in the other language; any longer one, whatever its key (the refused one,
    another the page would refuse next, one it does not know), is left out, never repeated
    in every link."""
    refused_page = g.get("refused_argument") is not None
    args = [
        (k, v) for k, v in request.args.items(multi=True)
        if k != "lang" and not (refused_page and len(v) > REFUSED_ECHO_LIMIT)
    ]
    path = request.path
    if request.method != "GET":
        try:
            current_app.url_map.bind("localhost").match(path, method="GET")
        except HTTPException:
            path, args = "/", []
    return path + "?" + urlencode([*args, ("lang", code)])


def day(value: date | None, fmt: str = "medium") -> str:
    """A date as the reader writes it (a date, not a time of day: the same for every reader
    of a language, so kept once made; a datetime is formatted each time, in its time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return str(format_date(value, fmt))
    return _day(value, fmt, current_language())


@lru_cache(maxsize=4096)
def _day(value: date, fmt: str, language: str) -> str:
    return str(format_date(value, fmt))


def objective_options() -> list[tuple[int, str]]:
    """The filters' GCM objective options, ``(number, "3. Title…")`` cut at 60 characters, in
    the reader's language (made once per language, not on every page)."""
    return _objective_options(current_language())


@lru_cache(maxsize=8)
def _objective_options(language: str) -> list[tuple[int, str]]:
    return [(n, f"{n}. {shorten(objective_title(n), 60)}") for n in sorted(objectives())]


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the locale selector and the template helpers."""
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE)
    translate.install(app)
    app.before_request(_set_g_locale)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(
        status_label=status_label, status_badge=status_badge, objectives_abbr=objectives_abbr, word=word, objective_title=objective_title, target_label=target_label,
        country_name=country_name, language_name=language_name, LANGUAGES=LANGUAGES, day=day, objective_options=objective_options,
        current_language=current_language, lang_url=lang_url, security_event=security_event,
    )
    app.jinja_env.filters["decimal"] = local_decimal
    app.jinja_env.filters["shorten"] = shorten
    app.jinja_env.filters["one_line"] = one_line
    from web.labels import TEMPLATE_HELPERS

    app.jinja_env.globals.update(TEMPLATE_HELPERS)

