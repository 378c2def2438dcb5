"""GovernmentDialogue: a dialogue of the mechanism with the governments of the region.

Seed, section "Other actors' involvement": "The mechanism aims to engage in fluid
dialogue with other relevant stakeholders, including governments [...]. These dialogues
will be facilitated by the Regional Network on a biannual basis." Biannual here means
twice a year: one dialogue per half-year ``YYYY-H1`` (January–June) or ``YYYY-H2``
(July–December); the aggregate id is derived from the half-year
(:func:`government_dialogue_id`), so a second dialogue in one half-year is refused.

A dialogue is scheduled (date, the governments invited: "all governments of the region"
and/or LAC state codes, a title, the mode) and then records which recommendations were
presented there (only recommendations the Liaison Table endorsed, on or after the
dialogue's date, each once).
"""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    RuleViolationError,
)
from domain.ids import DIALOGUE_NS
from domain.may_act import require_secretariat
from domain.reference import ALL_GOVERNMENTS, lac_states

PERIOD = re.compile(r"^\d{4}-H[12]$")
MODES = ("virtual", "in_person", "hybrid")
PRESENTABLE = ("endorsed", "published")
FACILITATOR = "UN Regional Network on Migration for Latin America and the Caribbean"
MAX_TITLE = 300


def period_of(d: date) -> str:
    """The half-year label of a date: ``2026-H1`` (January–June) or ``2026-H2``."""
    return f"{d.year}-H{1 if d.month <= 6 else 2}"


def government_dialogue_id(period: str) -> UUID:
    """The id of the (single) dialogue with governments of half-year ``period``."""
    return uuid5(DIALOGUE_NS, f"government-dialogue:{period}")


class GovernmentDialogue(DialogueAggregate):
    """One biannual dialogue with the governments of the region."""

    @event("Scheduled")
    def __init__(
        self, *, id: UUID, period: str, date: date, title: str, governments: list[str], mode: str, facilitator: str,
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.period = period
        self.date = date
        self.title = title
        self.governments = list(governments)
        self.mode = mode
        self.facilitator = facilitator
        self.presented: dict[str, int] = {}

    @classmethod
    def schedule(
        cls, ctx: Ctx, *, period: str, on: date, title: str, governments: list[str], mode: str = "virtual",
    ) -> GovernmentDialogue:
        """Schedule the dialogue of half-year ``period`` on date ``on`` (the secretariat).

        ``governments`` mixes "all governments of the region" and LAC state codes.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidInputError: ``bad_period``, ``dialogue_date_outside_period``, ``dialogue_date_in_past``,
            ``empty_text``, ``text_too_long``, ``no_government``, ``unknown_government``, ``unknown_mode``.
        """
        require_secretariat(ctx, "schedule_dialogue")
        if not PERIOD.match(period):
            raise InvalidInputError("A half-year reads YYYY-H1 or YYYY-H2, e.g. 2026-H1.", code="bad_period", field="period")
        if period_of(on) != period:
            raise InvalidInputError(f"The date {on} is not in {period}.", code="dialogue_date_outside_period", field="date")
        if on < ctx.effective_date:
            raise InvalidInputError("A dialogue is scheduled for today or a later date.", code="dialogue_date_in_past", field="date")
        if not title.strip():
            raise InvalidInputError("A dialogue has a title.", code="empty_text", field="title")
        if len(title) > MAX_TITLE:
            raise InvalidInputError(f"The title is longer than {MAX_TITLE} characters.", code="text_too_long", field="title", limit=MAX_TITLE)
        if not governments:
            raise InvalidInputError("Invite at least one government.", code="no_government", field="governments")
        bad = [g for g in governments if g != ALL_GOVERNMENTS and g not in lac_states()]
        if bad:
            raise InvalidInputError(
                f"Governments are LAC state codes or {ALL_GOVERNMENTS!r}, not {bad}.", code="unknown_government", field="governments"
            )
        if mode not in MODES:
            raise InvalidInputError(f"Mode is one of {list(MODES)}.", code="unknown_mode", field="mode")
        return cls(
            id=government_dialogue_id(period), period=period, date=on, title=title,
            governments=list(dict.fromkeys(governments)), mode=mode, facilitator=FACILITATOR, **ctx.stamp(),
        )

    def present(self, ctx: Ctx, *, proposal_id: UUID, proposal_status: str, version: int, note: str = "") -> None:
        """Record that a recommendation was presented at this dialogue (the secretariat).

        ``proposal_status`` and ``version`` are read by the application from the
        Proposal: only recommendations the Liaison Table endorsed (``endorsed`` or
        ``published``) are presented, at the version the table adopted.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidTransitionError: ``dialogue_not_held_yet`` (before the dialogue's date).
            RuleViolationError: ``not_a_recommendation``, ``already_presented``.
        """
        require_secretariat(ctx, "presentation")
        if ctx.effective_date < self.date:
            raise InvalidTransitionError(f"The dialogue takes place on {self.date}.", code="dialogue_not_held_yet")
        if proposal_status not in PRESENTABLE:
            raise RuleViolationError(
                f"Only recommendations endorsed by the Liaison Table are presented to governments; this one is {proposal_status}.",
                code="not_a_recommendation", field="proposal",
            )
        if str(proposal_id) in self.presented:
            raise RuleViolationError("This recommendation was already presented at this dialogue.", code="already_presented", field="proposal")
        self._presented(proposal_id=str(proposal_id), version=version, note=note, **ctx.stamp())

    @event("RecommendationPresented")
    def _presented(self, proposal_id: str, version: int, note: str, actor: str, effective_date: date, command_id: str) -> None:
        self.presented[proposal_id] = version
