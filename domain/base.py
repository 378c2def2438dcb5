"""What every aggregate of the mechanism shares: the command context stamped on events.

Every event carries, besides its own data (docs/design.md, "Aggregates"):

- ``actor``: the participant id (a UUID as text) or the role acting, e.g. ``secretariat``;
- ``effective_date``: the calendar date the command takes effect, read from the
  application's clock, never from the wall clock (docs/design.md, "Time");
- ``command_id``: the id of the command that caused it (a form submission, an API
  request's idempotency key, a scenario step such as ``2026-Q1#182``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import InvalidInputError

SECRETARIAT = "secretariat"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"
# Someone without an account (issue 17): sends inputs to open calls and asks to join tables.
PUBLIC = "public"


class Stamp(TypedDict):
    actor: str
    effective_date: date
    command_id: str


@dataclass(frozen=True)
class Ctx:
    """The context of one command: who acts, on which date, under which command id."""

    actor: str
    effective_date: date
    command_id: str

    @property
    def is_secretariat(self) -> bool:
        return self.actor == SECRETARIAT

    @property
    def is_public(self) -> bool:
        return self.actor == PUBLIC

    def stamp(self) -> Stamp:
        """The three fields every event carries, as keyword arguments."""
        return Stamp(actor=self.actor, effective_date=self.effective_date, command_id=self.command_id)

    def acts_as(self, participant_id: UUID) -> bool:
        return self.actor == str(participant_id)


# Characters no stored text may hold: C0/C1 controls except tab, line feed and carriage
# return (PostgreSQL refuses NUL in text; the others only hide or garble what was typed).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_FIELD_CHARS = 20_000

# Fields shown on one line (titles, names, organisation names, references, a UN agency, a
# unit, a source's title, a responding entity), wherever they are given: an event's field of
# that name, or a revision's change of it. Besides the controls above they may not hold a
# line break (CR, LF, U+0085, U+2028, U+2029), a tab, or a bidirectional embedding, override
# or isolate (U+202A..U+202E, U+2066..U+2069), which could make a name read as another (the
# pages isolate every name already; the marks U+200E and U+200F stay allowed). Multi-line
# texts (a proposal's parts, reasons, comments, notes) keep their line breaks.
SINGLE_LINE_FIELDS = frozenset({
    "title", "display_name", "name", "organisation_name", "reference", "agency", "consensus_record", "unit", "source_title",
    "responding_entity",
})
NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def as_one_line(text: str) -> str:
    """A single-line field's text on one line: each run of what :data:`NOT_ONE_LINE` matches
    (line breaks, controls, bidirectional overrides), with the spaces around it, read as one
    space. Only texts stored before that rule hold such characters: they are shown this way,
    and a name from a request to join made then is registered this way."""
    if not NOT_ONE_LINE.search(text):
        return text
    return re.sub(" +", " ", NOT_ONE_LINE.sub(" ", text)).strip()


def one_line_problem(field: str, value: Any) -> InvalidInputError | None:
    """The refusal of a single-line field's text holding a line break, a control character
    or a bidirectional override (``not_one_line``, naming ``field``); None when it is one line."""
    if isinstance(value, str) and NOT_ONE_LINE.search(value):
        return InvalidInputError(
            f"The {field.replace('_', ' ')} must be one line: remove its line breaks, tabs and invisible control characters.",
            code="not_one_line", field=field,
        )
    return None


def check_one_line(field: str, value: Any) -> None:
    """Refuse ``value`` for ``field`` when it is a single-line field (:data:`SINGLE_LINE_FIELDS`)
    holding what :func:`one_line_problem` refuses.

    Raises:
        InvalidInputError: ``not_one_line``.
    """
    problem = one_line_problem(field, value) if field in SINGLE_LINE_FIELDS else None
    if problem is not None:
        raise problem


def check_event_text(event_name: str, values: dict[str, Any]) -> None:
    """Refuse event data whose text holds control characters or exceeds
    :data:`MAX_FIELD_CHARS` characters (any string, also inside lists and dicts), or whose
    single-line field is not one line (:func:`check_one_line`). Only new events are checked:
    events stored before a rule load as they were.

    Raises:
        InvalidInputError: ``not_one_line``, ``control_character``, ``text_too_long`` (``field``
        names the field).
    """
    for name, value in values.items():
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            check_event_text(event_name, value)  # e.g. a revision's changes: name the field itself
            continue
        check_one_line(name, value)
        for text in _strings(value):
            if _CONTROL.search(text):
                raise InvalidInputError(
                    f"The {name} holds an invisible control character; remove it and try again.",
                    code="control_character", field=name,
                )
            if len(text) > MAX_FIELD_CHARS:
                raise InvalidInputError(
                    f"The {name} is longer than {MAX_FIELD_CHARS} characters.", code="text_too_long", field=name, limit=MAX_FIELD_CHARS
                )


EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def check_date(field: str, value: date) -> None:
    """Refuse a calendar date outside :data:`EARLIEST_DATE`..:data:`LATEST_DATE` (a typing
    slip such as 9999-12-31 would otherwise keep a round open forever or overflow a term).

    Raises:
        InvalidInputError: ``date_out_of_range``.
    """
    d = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= d <= LATEST_DATE:
        raise InvalidInputError(
            f"The {field} must fall between {EARLIEST_DATE} and {LATEST_DATE}.", code="date_out_of_range", field=field
        )


def check_event_dates(values: dict[str, Any]) -> None:
    """Apply :func:`check_date` to every date given to an event."""
    for name, value in values.items():
        if isinstance(value, date) and name != "timestamp":
            check_date(name, value)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


class DialogueAggregate(Aggregate):
    """Base of every aggregate here; events are declared with ``@event`` on methods.

    Every new event's text and dates are checked by :func:`check_event_text` and
    :func:`check_event_dates` before the event is created, whatever the command: one rule
    for all stored text and dates (issue 2, "Bad input").
    """

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:  # noqa: A002
        check_event_text(getattr(event_class, "__name__", "event"), kwargs)
        check_event_dates(kwargs)
        return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        check_event_text(getattr(event_class, "__name__", "event"), kwargs)
        check_event_dates(kwargs)
        super().trigger_event(event_class, **kwargs)
