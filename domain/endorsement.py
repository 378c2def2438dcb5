"""LiaisonEndorsement: the Liaison Table's decision on one table-adopted recommendation.

docs/design.md, "LiaisonEndorsement": a round is opened on the adopted version with a
``closes_on`` date; seat holders endorse or object (a seat may change its vote before
closing, the latest counts); UN agencies give advice; the round closes once the date is
after ``closes_on`` (the deadline job) or earlier by the secretariat, as ``endorsed`` when
at least ``endorsement_min`` (default 5) of the 8 representative seats endorse and
endorsements outnumber objections, ``not_endorsed`` otherwise.

A representative votes only during their term, and not on a proposal they authored or
co-authored; the application resolves the seat holder and passes what it found. The 2
UN agency seats (``LT-UN-1``, ``LT-UN-2``, nominated by the WG-CS, see
:mod:`domain.liaison_table`) give advice; they vote, through their focal point, only when
the settings say ``un_agencies_vote``, and their votes count at closing only then.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)
from domain.liaison_table import UN_SEATS
from domain.may_act import require_advising, require_secretariat
from domain.reference import representative_seats
from domain.settings import Rules

VOTES = ("endorse", "object")
__all__ = ["UN_SEATS", "VOTES", "LiaisonEndorsement", "endorsement_tally", "is_endorsed"]


def endorsement_tally(votes: dict[str, str], *, un_agencies_vote: bool = True) -> dict[str, int]:
    """Count the latest vote of each seat: ``{"endorse": n, "object": n}``.

    With ``un_agencies_vote=False`` the UN seats' votes (cast while the settings allowed
    it) are left out, as the rules in force at closing say.
    """
    counted = [x for seat, x in votes.items() if un_agencies_vote or seat not in UN_SEATS]
    return {v: sum(1 for x in counted if x == v) for v in VOTES}


def is_endorsed(counts: dict[str, int], rules: Rules) -> bool:
    """At least ``rules.endorsement_min`` seats endorse and endorsements outnumber objections."""
    return counts["endorse"] >= rules.endorsement_min and counts["endorse"] > counts["object"]


class LiaisonEndorsement(DialogueAggregate):
    """One endorsement round of the Liaison Table on one adopted proposal."""

    @event("Opened")
    def __init__(
        self, *, id: UUID, proposal_id: str, version: int, session_id: str | None, closes_on: date,
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.proposal_id = proposal_id
        self.adopted_version = version
        self.session_id = session_id
        self.closes_on = closes_on
        self.opened_on = effective_date
        self.votes: dict[str, str] = {}
        self.outcome: str | None = None
        self.tally: dict[str, int] | None = None

    @classmethod
    def open(
        cls, ctx: Ctx, *, id: UUID, proposal_id: UUID, version: int, session_id: str | None, closes_on: date
    ) -> LiaisonEndorsement:
        """Open a round (the secretariat) closing after ``closes_on``.

        Raises:
            NotAllowedError: ``secretariat_only``.  InvalidInputError: ``closes_in_past``.
        """
        require_secretariat(ctx, "open_round")
        if closes_on < ctx.effective_date:
            raise InvalidInputError("A round closes today or later.", code="closes_in_past", field="closes_on")
        return cls(id=id, proposal_id=str(proposal_id), version=version, session_id=session_id, closes_on=closes_on, **ctx.stamp())

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    def is_due(self, today: date) -> bool:
        """Whether the round is open and past its ``closes_on`` date."""
        return self.is_open and today > self.closes_on

    def vote(
        self, ctx: Ctx, *, seat: str, participant_id: UUID, vote: str, reason: str, holder_on_date: str | None,
        is_author: bool, rules: Rules,
    ) -> None:
        """Record a seat's vote (``endorse`` or ``object``); a later vote replaces it.

        ``holder_on_date`` is the participant holding ``seat`` on the effective date: the
        representative in their term, or a UN seat's focal point (None when the seat is
        vacant or the term is over). The holder votes, or the secretariat records the
        holder's vote. ``is_author``: whether the holder authored or co-authored the
        proposal (an accepted amender is a co-author).

        Raises:
            NotAllowedError: ``not_the_seat_holder``, ``own_proposal``, ``un_agency_advises``.
            InvalidTransitionError: ``round_closed``, ``round_past_deadline``.
            InvalidInputError: ``unknown_vote``, ``unknown_seat``.
        """
        if not self.is_open:
            raise InvalidTransitionError("This endorsement round is closed.", code="round_closed")
        if ctx.effective_date > self.closes_on:
            raise InvalidTransitionError(f"The round closed on {self.closes_on}.", code="round_past_deadline")
        if vote not in VOTES:
            raise InvalidInputError(f"A vote is one of {list(VOTES)}.", code="unknown_vote", field="vote")
        if seat in UN_SEATS and not rules.un_agencies_vote:
            raise NotAllowedError("UN agencies advise the Liaison Table and do not vote.", code="un_agency_advises")
        if seat not in representative_seats() and seat not in UN_SEATS:
            raise InvalidInputError(f"Unknown Liaison Table seat {seat!r}.", code="unknown_seat", field="seat")
        if holder_on_date != str(participant_id) or not (ctx.acts_as(participant_id) or ctx.is_secretariat):
            raise NotAllowedError(
                f"Only the holder of {seat}, during their term, votes for that seat.", code="not_the_seat_holder", field="seat"
            )
        if is_author:
            raise NotAllowedError("A representative does not vote on a proposal they authored or co-authored.", code="own_proposal")
        self._vote_recorded(seat=seat, participant=str(participant_id), vote=vote, reason=reason, **ctx.stamp())

    @event("VoteRecorded")
    def _vote_recorded(self, seat: str, participant: str, vote: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        self.votes[seat] = vote

    def record_un_advice(
        self, ctx: Ctx, *, seat: str, agency: str, advice: str, nomination: dict[str, Any] | None = None,
    ) -> None:
        """Record a UN agency's technical advice on the recommendation (seed, "Mechanism
        purpose": the WG-CS gives technical assistance), while the round takes votes.

        ``nomination`` is the nomination in force on ``seat`` (from the LiaisonTable:
        ``agency`` and ``focal_point``); ``agency`` may be empty (the nominee's name is
        used) or must name the nominee. The secretariat or the seat's focal point records it.

        Raises:
            InvalidTransitionError: ``round_closed``, ``round_past_deadline``.
            InvalidInputError: ``unknown_seat``, ``empty_text``, ``agency_not_on_seat``.
            RuleViolationError: ``un_seat_vacant``.
            NotAllowedError: ``not_allowed``.
        """
        if not self.is_open:
            raise InvalidTransitionError("This endorsement round is closed.", code="round_closed")
        if ctx.effective_date > self.closes_on:
            raise InvalidTransitionError(f"The round closed on {self.closes_on}.", code="round_past_deadline")
        if seat not in UN_SEATS:
            raise InvalidInputError(f"UN agency seats are {list(UN_SEATS)}.", code="unknown_seat", field="seat")
        if nomination is None:
            raise RuleViolationError(f"No UN agency holds {seat} on {ctx.effective_date}.", code="un_seat_vacant", field="seat")
        if agency.strip() and agency.strip().casefold() != str(nomination["agency"]).strip().casefold():
            raise InvalidInputError(f"{seat} is held by {nomination['agency']}.", code="agency_not_on_seat", field="agency")
        require_advising(ctx, [nomination.get("focal_point")])
        if not advice.strip():
            raise InvalidInputError("Advice cannot be empty.", code="empty_text", field="advice")
        self._un_advice_recorded(seat=seat, agency=agency.strip() or str(nomination["agency"]), advice=advice, **ctx.stamp())

    @event("UnAdviceRecorded")
    def _un_advice_recorded(self, seat: str, agency: str, advice: str, actor: str, effective_date: date, command_id: str) -> None:
        pass

    def close(self, ctx: Ctx, rules: Rules, *, early: bool = False) -> bool:
        """Close the round by its tally under ``rules``; returns True when endorsed.

        The deadline job closes a round once the date is after ``closes_on``; the
        secretariat may close it earlier (``early=True``). The closing event stores the
        outcome, the tally (UN seats counted only when ``rules.un_agencies_vote``), the
        threshold and the settings version, so an auditor can recompute the outcome.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidTransitionError: ``round_closed``, ``round_not_due``.
        """
        require_secretariat(ctx, "close_round")
        if not self.is_open:
            raise InvalidTransitionError("This endorsement round is already closed.", code="round_closed")
        if not early and not ctx.effective_date > self.closes_on:
            raise InvalidTransitionError(f"The round stays open until {self.closes_on}.", code="round_not_due")
        counts = endorsement_tally(self.votes, un_agencies_vote=rules.un_agencies_vote)
        endorsed = is_endorsed(counts, rules)
        self._closed(
            outcome="endorsed" if endorsed else "not_endorsed", tally=counts, endorsement_min=rules.endorsement_min,
            settings_version=rules.version, early=early, **ctx.stamp(),
        )
        return endorsed

    @event("Closed")
    def _closed(
        self, outcome: str, tally: dict[str, int], endorsement_min: int, settings_version: int, early: bool,
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.outcome = outcome
        self.tally = dict(tally)

    def summary(self) -> dict[str, Any]:
        return {"votes": dict(self.votes), "outcome": self.outcome, "closes_on": self.closes_on}
