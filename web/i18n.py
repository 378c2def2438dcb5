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

from datetime import date
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, Response, current_app, g, request
from flask_babel import Babel, format_date, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from domain.reference import ALL_GOVERNMENTS, lac_states, objectives

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
}

# The rule each refusal code names, in the reader's language. Codes not listed fall back
# to the message of their error class below, then to the domain's own (English) message.
ERROR_MESSAGES = {
    "objective_not_in_table": _l("The GCM objectives of a proposal must belong to its working table."),
    "no_objective": _l("A proposal names at least one GCM objective."),
    "unknown_objective": _l("GCM objectives are numbered 1 to 23."),
    "no_target": _l("A recommendation names at least one addressee."),
    "unknown_target": _l("An addressee is not in the reference lists."),
    "empty_text": _l("This text cannot be empty."),
    "text_too_long": _l("This text is too long (titles up to 300 characters, other texts up to 20,000)."),
    "unknown_language": _l("Choose one of the languages es, en, pt, fr."),
    "unknown_table": _l("Unknown working table."),
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
    "invalid_id": _l("This is not a valid id."),
    "participant_erased": _l("This person's data was erased."),
    "no_participant": _l("Choose a participant in demo mode first."),
}

CLASS_MESSAGES = {
    "InvalidTransitionError": _l("This is not possible in the current status."),
    "NotAllowedError": _l("You are not allowed to do this."),
    "NotFoundError": _l("Not found."),
}


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
    return str(get_locale() or DEFAULT_LANGUAGE)


def _remember_language(response: Response) -> Response:
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def _set_g_locale() -> None:
    g.locale = current_language()


def status_label(code: str | None) -> str:
    """The reader's label of a status code (the code itself when unknown)."""
    if code is None:
        return ""
    return str(STATUS_LABELS.get(code, code))


def word(code: str | None) -> str:
    """The reader's label of a position, decision, vote or other code word."""
    if code is None:
        return ""
    return str(WORD_LABELS.get(code) or STATUS_LABELS.get(code) or code)


def objective_title(number: int) -> str:
    """The title of GCM objective ``number`` (Spanish for es and pt readers, else English)."""
    o = objectives().get(int(number))
    if o is None:
        return str(number)
    return o.title_es if current_language() in ("es", "pt") else o.title_en


def target_label(target: str) -> str:
    """An addressee as the reader says it: a LAC state's name in their language, the
    region's governments, or the listed addressee's name as recorded."""
    if target == ALL_GOVERNMENTS:
        return str(_l("All governments of the region"))
    if target in lac_states():
        return country_name(target)
    return target


def country_name(code: str) -> str:
    name = Locale.parse(current_language()).territories.get(code)
    if name:
        return str(name)
    state = lac_states().get(code)
    return state.name_en if state else code


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def error_message(code: str, error_class: str, fallback: str) -> str:
    """The refusal's rule in the reader's language (the domain message in English)."""
    if current_language() == "en" and fallback:
        return fallback
    msg = ERROR_MESSAGES.get(code) or CLASS_MESSAGES.get(error_class)
    return str(msg) if msg is not None else fallback


def lang_url(code: str) -> str:
    """The current page in language ``code``, keeping its other query arguments (after a
    form was posted to an address that has no page, the board)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    path = request.path
    if request.method != "GET":
        try:
            current_app.url_map.bind("localhost").match(path, method="GET")
        except HTTPException:
            path, args = "/", []
    return path + "?" + urlencode([*args, ("lang", code)])


def day(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else str(format_date(value, fmt))


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the locale selector and the template helpers."""
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE)
    app.before_request(_set_g_locale)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(
        status_label=status_label, word=word, objective_title=objective_title, target_label=target_label,
        country_name=country_name, language_name=language_name, LANGUAGES=LANGUAGES, day=day,
        current_language=current_language, lang_url=lang_url,
    )

