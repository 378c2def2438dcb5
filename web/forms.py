"""The web forms (Flask-WTF, each with its CSRF token and a hidden ``command_id``).

Forms check shape only (a choice among the listed ones, a date, a uuid); the rules of
the mechanism are checked by the application and the aggregates, whose refusals come
back next to the field they name. Texts are kept exactly as typed, except that the
browser's CRLF line ends are read as LF (:mod:`web.typed_text`, as the API reads them).

``command_id`` is a uuid4 made when the form is rendered: submitting the same form
twice applies the command once (the application refuses a known command id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID, uuid4

from flask_babel import LazyString
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, InputRequired, Optional

from domain.endorsement import UN_SEATS
from domain.proposal import FOLLOW_UP_PROGRESS, GOVERNMENT_RESPONSE_STATUSES, LANGUAGES, TEXT_FIELDS
from domain.reference import (
    ALL_GOVERNMENTS,
    lac_states,
    objectives,
    other_addressees,
    table_objectives,
)
from web.collation import in_name_order
from web.form_data import WebForm
from web.i18n import WORD_LABELS, country_options, current_language, objective_title
from web.translate import lazy_gettext as _l
from web.typed_text import lf

TABLES = tuple(sorted(table_objectives()))
DECISIONS = ("adopt", "return_for_revision", "reject")
LANGUAGE_LABELS = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}


def opts(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox field from ``(value, label)`` pairs."""
    return [SelectChoice(value=v, label=label) for v, label in pairs]


def opts_by_name(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Choices of people or organisations from ``(value, label)`` pairs, in the reader's
    language's alphabetical order of their labels (:mod:`web.collation`: accents and case
    aside, in Spanish ñ after n), then by value: every picker of a person lists them as the
    pages list them."""
    language = current_language()
    return opts(in_name_order(pairs, lambda pair: str(pair[1]), language, tie=lambda pair: str(pair[0])))


def new_command_id() -> str:
    """A fresh command id for a form being rendered."""
    return str(uuid4())


def _uuid_shape(form: Any, field: Any) -> None:
    try:
        UUID(str(field.data))
    except ValueError as e:
        raise ValidationError(_l("This form is damaged; reload the page.")) from e


def command_field() -> HiddenField:
    return HiddenField(default=new_command_id, validators=[_uuid_shape])


def _objective_label(number: int) -> str:
    return f"{number}. {objective_title(number)}"


def objective_choices() -> list[SelectChoice]:
    """The GCM objectives, each labelled with its title in the reader's language (worked out
    when the form is shown: the forms are declared at import)."""
    return opts((n, LazyString(_objective_label, n)) for n in sorted(objectives()))


def target_choices() -> list[SelectChoice]:
    """Every addressee: all governments of the region, the 33 LAC states, the others."""
    return opts([(ALL_GOVERNMENTS, ALL_GOVERNMENTS), *[(c, s.name_en) for c, s in sorted(lac_states().items())], *[(a, a) for a in other_addressees()]])


def language_field(label: Any) -> SelectField:
    return SelectField(label, choices=opts((c, LANGUAGE_LABELS[c]) for c in LANGUAGES))


class ProposalTextForm(WebForm):
    """The fields a proposal's authors write (drafting and revising)."""

    command_id = command_field()
    title = StringField(_l("Title"), filters=[lf])
    problem = TextAreaField(_l("Problem"), filters=[lf], description=_l("What is happening, to whom, where."))
    recommendation = TextAreaField(_l("Recommendation"), filters=[lf], description=_l("What governments or other addressees should do. Markdown lists and links are shown as such."))
    rationale = TextAreaField(_l("Rationale"), filters=[lf], description=_l("Why, with the evidence you rely on."))
    objectives = SelectMultipleField(_l("GCM objectives"), coerce=int, choices=objective_choices(), description=_l("Objectives of the proposal's working table."))
    targets = SelectMultipleField(_l("Addressees"), choices=target_choices())
    language = language_field(_l("Language of the text"))


class DraftForm(ProposalTextForm):
    table = SelectField(_l("Working table"), choices=opts((t, t) for t in TABLES))


VERSION_DIGITS = re.compile(r"[0-9]{1,9}")


class ReviseForm(ProposalTextForm):
    expected_version = HiddenField(validators=[InputRequired()])
    note = StringField(_l("What changed (note for the history)"), filters=[lf])

    def validate_expected_version(self, field: Any) -> None:
        # ASCII digits, at most 9 ("²".isdigit() is true and int() of 4,301 digits fails: both were 500s)
        if not VERSION_DIGITS.fullmatch(str(field.data or "")):
            raise ValidationError(_l("This form is damaged; reload the page."))


class CommandForm(WebForm):
    """A button that runs one command (submit, close early…)."""

    command_id = command_field()


class ReasonForm(CommandForm):
    reason = TextAreaField(_l("Reason"), filters=[lf])


class CoAuthorForm(CommandForm):
    co_author = SelectField(_l("Co-author"), choices=[], validate_choice=False)


class AmendmentForm(CommandForm):
    field = SelectField(_l("Part of the text"), choices=opts((f, WORD_LABELS[f]) for f in TEXT_FIELDS))
    operation = RadioField(_l("Change"), choices=opts([("append", _l("add a sentence at the end")), ("replace", _l("replace a passage"))]), default="append")
    replaces = TextAreaField(_l("Passage to replace (copied exactly)"), filters=[lf])
    text = TextAreaField(_l("New text"), filters=[lf])
    justification = TextAreaField(_l("Justification"), filters=[lf])


class ScheduleSessionForm(CommandForm):
    table = SelectField(_l("Working table"), choices=opts((t, t) for t in TABLES))
    date = DateField(_l("Date of the session"), description=_l("Its quarter follows from the date."), validators=[InputRequired()])
    mode = SelectField(_l("Mode"), choices=opts([("virtual", _l("virtual")), ("in_person", _l("in person")), ("hybrid", _l("hybrid"))]))


class AgendaForm(CommandForm):
    proposal = SelectField(_l("Submitted proposal"), choices=[], validate_choice=False)


class PositionForm(CommandForm):
    proposal_id = HiddenField(validators=[_uuid_shape])
    position = RadioField(_l("Your position"), choices=opts([("support", _l("support")), ("object", _l("object")), ("abstain", _l("abstain"))]), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), filters=[lf])


class DecisionForm(CommandForm):
    proposal_id = HiddenField(validators=[_uuid_shape])
    # No decision is preselected: the facilitator chooses one, then confirms it.
    decision = SelectField(
        _l("Decision of the table"), choices=opts([("adopt", _l("adopt")), ("return_for_revision", _l("return for revision")), ("reject", _l("reject"))]),
        validate_choice=False, validators=[
            InputRequired(message=_l("Choose the table's decision.")),
            AnyOf(DECISIONS, message=_l("A decision is adopt, return for revision or reject.")),
        ],
    )


class CloseSessionForm(CommandForm):
    """Closing signs the minutes: the application refuses blank minutes (``minutes_required``)."""

    minutes = TextAreaField(_l("Minutes"), filters=[lf], description=_l("Required: a session closes with its minutes."))


class OpenRoundForm(CommandForm):
    proposal = SelectField(_l("Adopted recommendation"), choices=[], validate_choice=False)
    closes_on = DateField(_l("Closes on"), validators=[InputRequired()])


class VoteForm(CommandForm):
    proposal_id = HiddenField(validators=[_uuid_shape])
    seat = SelectField(_l("Seat"), choices=[], validate_choice=False)
    vote = RadioField(_l("Vote"), choices=opts([("endorse", _l("endorse")), ("object", _l("object"))]), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), filters=[lf])


class ProposalCommandForm(CommandForm):
    proposal_id = HiddenField(validators=[_uuid_shape])


class PublishForm(ProposalCommandForm):
    recipients = SelectMultipleField(_l("Recipients"), choices=target_choices(), validators=[Optional()])


class ResponseForm(CommandForm):
    proposal = SelectField(_l("Published recommendation"), choices=[], validate_choice=False)
    country = SelectField(_l("LAC state"), choices=[])
    status = SelectField(_l("Response"), choices=opts((s, WORD_LABELS[s]) for s in GOVERNMENT_RESPONSE_STATUSES))
    response = TextAreaField(_l("Text of the response"), filters=[lf])
    language = language_field(_l("Language of the response"))
    responding_entity = StringField(_l("Responding entity"), filters=[lf])
    response_date = DateField(_l("Date of the response"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = opts(country_options())  # the states named in the reader's language


MODE_CHOICES = [("virtual", _l("virtual")), ("in_person", _l("in person")), ("hybrid", _l("hybrid"))]


def government_choices() -> list[SelectChoice]:
    """The governments a dialogue may invite: all governments of the region and the 33 LAC states."""
    return opts([(ALL_GOVERNMENTS, ALL_GOVERNMENTS), *[(c, s.name_en) for c, s in sorted(lac_states().items())]])


def _count(label: Any) -> IntegerField:
    """A count of votes: empty or a whole number (the application checks the rest)."""
    return IntegerField(label, validators=[Optional()])


class ElectionForm(CommandForm):
    """The table's election of a representative, recorded by the secretariat: the seat, the
    member elected, the term's start, and what shows the table decided (its session and/or
    its votes)."""

    seat = SelectField(_l("Seat"), choices=[], validate_choice=False)
    participant = SelectField(_l("Member elected"), choices=[], validate_choice=False)
    term_start = DateField(_l("Term starts on"), validators=[InputRequired()], description=_l("A term lasts one year; a by-election fills the rest of a vacated term."))
    session = SelectField(_l("Session where the table decided"), choices=[], validate_choice=False)
    votes_for = _count(_l("Votes for"))
    votes_against = _count(_l("Votes against"))
    votes_abstain = _count(_l("Abstentions"))

    def votes(self) -> dict[str, int] | None:
        """The votes typed (None when none was)."""
        counts = {"for": self.votes_for.data, "against": self.votes_against.data, "abstain": self.votes_abstain.data}
        if all(v is None for v in counts.values()):
            return None
        return {k: int(v or 0) for k, v in counts.items()}


class SeatForm(CommandForm):
    """Vacate a seat (a representative's term, or a UN agency's nomination)."""

    seat = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), filters=[lf])


class TableMembershipForm(CommandForm):
    """Join or leave a working table (the participant themselves)."""

    table = HiddenField(validators=[InputRequired()])


class NominationForm(CommandForm):
    """The WG-CS's consensus nomination of a UN agency to a UN seat (the secretariat records it)."""

    seat = SelectField(_l("UN seat"), choices=opts((s, s) for s in UN_SEATS))
    agency = StringField(_l("UN agency"), filters=[lf])
    consensus_record = StringField(_l("Where the WG-CS consensus is recorded"), filters=[lf], description=_l("For example, the minutes of the Working Group on Civil Society's meeting."))
    objections = IntegerField(_l("WG-CS members objecting"), default=0, validators=[Optional()], description=_l("A nomination is by consensus: any objection refuses it."))
    focal_point = SelectField(_l("Focal point (optional)"), choices=[], validate_choice=False)


class AdviceForm(CommandForm):
    """A UN agency's technical advice on an open endorsement round."""

    proposal_id = HiddenField(validators=[_uuid_shape])
    seat = SelectField(_l("UN seat"), choices=opts((s, s) for s in UN_SEATS))
    advice = TextAreaField(_l("Advice"), filters=[lf])


class FollowUpForm(CommandForm):
    """A later follow-up entry on a state's implementation of a published recommendation."""

    country = SelectField(_l("LAC state"), choices=[], validate_choice=False)
    progress = SelectField(_l("Progress"), choices=opts((p, p) for p in FOLLOW_UP_PROGRESS))
    note = TextAreaField(_l("Note"), filters=[lf])
    on = DateField(_l("Date observed"), validators=[Optional()], description=_l("Empty: today."))


class GovernmentDialogueForm(CommandForm):
    """Schedule the biannual dialogue with governments of one half-year."""

    period = StringField(_l("Half-year (YYYY-H1 or YYYY-H2)"))
    date = DateField(_l("Date of the dialogue"), validators=[InputRequired()])
    title = StringField(_l("Title"), filters=[lf])
    governments = SelectMultipleField(_l("Governments invited"), choices=government_choices(), validators=[Optional()])
    mode = SelectField(_l("Mode"), choices=opts(MODE_CHOICES))


class PresentationForm(CommandForm):
    """Record that an endorsed recommendation was presented at a dialogue."""

    proposal = SelectField(_l("Endorsed recommendation"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note"), filters=[lf])


__all__ = [
    "AdviceForm", "ElectionForm", "FollowUpForm", "GovernmentDialogueForm", "NominationForm", "PresentationForm",
    "SeatForm", "TableMembershipForm",
    "AgendaForm", "AmendmentForm", "CloseSessionForm", "CoAuthorForm", "CommandForm", "DecisionForm",
    "DraftForm", "OpenRoundForm", "PositionForm", "ProposalCommandForm", "PublishForm", "ReasonForm",
    "ResponseForm", "ReviseForm", "ScheduleSessionForm", "VoteForm", "new_command_id",
]


# ---------------------------------------------------------------------------- elections (issue 19)
class OpenElectionForm(CommandForm):
    """The secretariat opens an election of a table's seats."""

    table = SelectField(_l("Working table"), choices=opts((t, t) for t in TABLES))
    seats = SelectMultipleField(_l("Seats"), choices=[], validate_choice=False, validators=[Optional()])
    term_start = DateField(_l("Term starts on"), validators=[InputRequired()])
    nominations_close = DateField(_l("Last day of nominations"), validators=[InputRequired()])
    voting_closes = DateField(_l("Last day of voting"), validators=[InputRequired()], description=_l("Voting opens the day after nominations close."))


class CandidacyForm(CommandForm):
    """A member stands: a statement and the answers to the seed's criteria."""

    statement = TextAreaField(_l("Statement"), filters=[lf])
    networks = TextAreaField(_l("Networks and organisations you are linked to"), filters=[lf])
    advocacy_levels = SelectMultipleField(_l("Advocacy experience"), choices=[], validate_choice=False, validators=[Optional()])
    coordination = TextAreaField(_l("Coordination experience"), filters=[lf])
    availability = TextAreaField(_l("Availability (voluntary)"), filters=[lf])
    subregion = SelectField(_l("Subregion"), choices=[], validate_choice=False)
    sector = SelectField(_l("Sector"), choices=[], validate_choice=False)

    def criteria(self) -> dict[str, Any]:
        """The answers as the application takes them."""
        return {
            "networks": self.networks.data or "", "coordination": self.coordination.data or "",
            "availability": self.availability.data or "", "advocacy_levels": list(self.advocacy_levels.data or []),
            "subregion": self.subregion.data or "", "sector": self.sector.data or "",
        }


class BallotForm(CommandForm):
    """A member's ballot: the candidates chosen."""

    choices = SelectMultipleField(_l("Your choices"), choices=[], validate_choice=False, validators=[Optional()])
