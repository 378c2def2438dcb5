"""WorkingTable: members and the two Liaison Table representatives of one thematic table.

Seed, section "Architecture": four thematic working tables; each designates 2
representatives to the Liaison Table, "in a democratic, transparent and gender-equal
manner, for a period of one year, with the possibility of immediate reelection for 1
year". Gender parity here means the two representatives differ in gender and at least
one is a woman (DESIGN.md). Genders are personal data: an election records only the
outcome of its parity check and the participant versions it read.
"""

from __future__ import annotations

from datetime import date, timedelta
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
from domain.reference import seat_codes, table_objectives

MAX_CONSECUTIVE_TERMS = 2


def one_year_after(start: date) -> date:
    """The last day of a one-year term starting on ``start`` (2026-02-01 → 2027-01-31)."""
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def parity_holds(genders: list[str | None]) -> bool:
    """Two representatives differ in gender and at least one is a woman.

    ``None`` stands for a gender no longer known (erased personal data): parity cannot
    then be shown, so it does not hold.
    """
    if len(genders) < 2:
        return True
    a, b = genders[0], genders[1]
    return a is not None and b is not None and a != b and "woman" in (a, b)


class WorkingTable(DialogueAggregate):
    """One of the four thematic working tables RT1–RT4."""

    @event("Registered")
    def __init__(self, *, id: UUID, code: str, objectives: list[int], actor: str, effective_date: date, command_id: str) -> None:
        self.code = code
        self.objectives = list(objectives)
        self.members: dict[str, date] = {}
        self.terms: list[dict[str, Any]] = []

    @classmethod
    def register(cls, ctx: Ctx, *, id: UUID, code: str) -> WorkingTable:
        if not ctx.is_secretariat and ctx.actor != "administrator":
            raise NotAllowedError("Only the secretariat or an administrator registers working tables.", code="secretariat_only")
        if code not in table_objectives():
            raise InvalidInputError(f"Unknown working table {code!r}.", code="unknown_table")
        return cls(id=id, code=code, objectives=sorted(table_objectives()[code]), **ctx.stamp())

    # ------------------------------------------------------------------ membership
    def is_member(self, participant_id: UUID | str, on: date) -> bool:
        """Whether the participant is a member on date ``on``."""
        since = self.members.get(str(participant_id))
        return since is not None and since <= on

    def join(self, ctx: Ctx, participant_id: UUID) -> None:
        """A participant joins the table (seed, "Membership": by contacting the table).

        The participant acts for themselves, or the secretariat registers them.
        """
        if not (ctx.acts_as(participant_id) or ctx.is_secretariat):
            raise NotAllowedError("A person joins a table for themselves.", code="not_allowed")
        if str(participant_id) in self.members:
            raise InvalidTransitionError(f"Already a member of {self.code}.", code="already_a_member")
        self._member_joined(participant=str(participant_id), **ctx.stamp())

    @event("MemberJoined")
    def _member_joined(self, participant: str, actor: str, effective_date: date, command_id: str) -> None:
        self.members[participant] = effective_date

    def leave(self, ctx: Ctx, participant_id: UUID) -> None:
        """A member leaves the table (themselves, or the secretariat); a sitting
        representative's seat must be vacated first."""
        if not (ctx.acts_as(participant_id) or ctx.is_secretariat):
            raise NotAllowedError("A person leaves a table for themselves.", code="not_allowed")
        if str(participant_id) not in self.members:
            raise InvalidTransitionError(f"Not a member of {self.code}.", code="not_a_member")
        if self.seat_of(participant_id, ctx.effective_date):
            raise RuleViolationError("A sitting representative's seat is vacated before they leave.", code="representative_must_vacate")
        self._member_left(participant=str(participant_id), **ctx.stamp())

    @event("MemberLeft")
    def _member_left(self, participant: str, actor: str, effective_date: date, command_id: str) -> None:
        self.members.pop(participant, None)

    # ------------------------------------------------------------------ representatives
    def holder(self, seat: str, on: date) -> dict[str, Any] | None:
        """The term in force on ``seat`` on date ``on`` (not vacated), or None."""
        for t in reversed(self.terms):
            if t["seat"] == seat and t["term_start"] <= on <= t["term_end"] and t["vacated_on"] is None:
                return t
        return None

    def seat_of(self, participant_id: UUID | str, on: date) -> str | None:
        for seat in seat_codes(self.code):
            t = self.holder(seat, on)
            if t and t["participant"] == str(participant_id):
                return seat
        return None

    def consecutive_terms(self, participant_id: str, term_start: date) -> int:
        """How many terms of the participant chain up to the day before ``term_start``."""
        count, expected_end = 0, term_start - timedelta(days=1)
        for t in sorted(self.terms, key=lambda t: t["term_start"], reverse=True):
            if t["participant"] != participant_id:
                continue
            if t["term_end"] == expected_end or (t["vacated_on"] is not None and t["vacated_on"] == expected_end):
                count += 1
                expected_end = t["term_start"] - timedelta(days=1)
        return count

    def elect_representative(
        self,
        ctx: Ctx,
        *,
        seat: str,
        participant_id: UUID,
        term_start: date,
        term_end: date | None,
        genders: dict[str, str | None],
        participant_versions: dict[str, int],
        session_id: UUID | None = None,
        votes: dict[str, int] | None = None,
    ) -> None:
        """Record the table's election of a representative to ``seat``.

        ``genders`` maps the candidate and the other seat's holder (if any) to their
        gender, read by the application from the Participant aggregates; it is used for
        the parity check and never stored. ``participant_versions`` gives the versions
        read. ``votes`` is the table's result (e.g. ``{"for": 9, "against": 1}``).
        A by-election (the seat was vacated) fills the rest of the vacated term.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidInputError: ``unknown_seat``, ``term_longer_than_a_year``.
            RuleViolationError: ``not_a_member``, ``seat_occupied``, ``already_a_representative``,
            ``gender_parity``, ``third_consecutive_term``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Elections are recorded by the secretariat.", code="secretariat_only")
        if seat not in seat_codes(self.code):
            raise InvalidInputError(f"{seat} is not a seat of {self.code}; its seats are {list(seat_codes(self.code))}.", code="unknown_seat", field="seat")
        pid = str(participant_id)
        if not self.is_member(pid, ctx.effective_date):
            raise RuleViolationError(f"Only members of {self.code} are elected as its representatives.", code="not_a_member", field="participant")
        by_election = self._vacated_term_covering(seat, term_start)
        if term_end is None:
            term_end = by_election["term_end"] if by_election else one_year_after(term_start)
        if term_end < term_start or term_end > one_year_after(term_start):
            raise InvalidInputError("A term lasts one year at most (seed, \"Architecture\").", code="term_longer_than_a_year", field="term_end")
        if by_election and term_end > by_election["term_end"]:
            raise InvalidInputError("A by-election fills the rest of the vacated term.", code="by_election_beyond_term", field="term_end")
        if self.holder(seat, term_start) is not None:
            raise RuleViolationError(f"{seat} is held on {term_start}.", code="seat_occupied", field="seat")
        other = next(s for s in seat_codes(self.code) if s != seat)
        other_term = self.holder(other, term_start)
        if other_term and other_term["participant"] == pid:
            raise RuleViolationError("One person holds one seat.", code="already_a_representative", field="participant")
        parity = "not_applicable"
        if other_term:
            ok = parity_holds([genders.get(pid), genders.get(other_term["participant"])])
            if not ok:
                raise RuleViolationError(
                    "Gender parity: the two representatives of a table differ in gender and at least one is a woman.",
                    code="gender_parity", field="participant",
                )
            parity = "passed"
        if self.consecutive_terms(pid, term_start) >= MAX_CONSECUTIVE_TERMS:
            raise RuleViolationError(
                "A representative may be re-elected once immediately, never for a third consecutive term.",
                code="third_consecutive_term", field="participant",
            )
        self._representative_elected(
            seat=seat, participant=pid, term_start=term_start, term_end=term_end,
            session_id=str(session_id) if session_id else None, votes=votes or {},
            parity_check=parity, participant_versions=participant_versions, by_election=by_election is not None,
            **ctx.stamp(),
        )

    def _vacated_term_covering(self, seat: str, on: date) -> dict[str, Any] | None:
        for t in reversed(self.terms):
            if t["seat"] == seat and t["term_start"] <= on <= t["term_end"]:
                return t if t["vacated_on"] is not None else None
        return None

    @event("RepresentativeElected")
    def _representative_elected(
        self, seat: str, participant: str, term_start: date, term_end: date, session_id: str | None,
        votes: dict[str, int], parity_check: str, participant_versions: dict[str, int], by_election: bool,
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.terms.append({
            "seat": seat, "participant": participant, "term_start": term_start, "term_end": term_end, "vacated_on": None,
        })

    def vacate_seat(self, ctx: Ctx, seat: str, reason: str = "") -> None:
        """Vacate a seat held today (the secretariat, or the holder resigning)."""
        term = self.holder(seat, ctx.effective_date)
        if term is None:
            raise InvalidTransitionError(f"{seat} is not held on {ctx.effective_date}.", code="seat_not_held")
        if not (ctx.is_secretariat or ctx.actor == term["participant"]):
            raise NotAllowedError("Only the secretariat or the holder vacates a seat.", code="not_allowed")
        self._seat_vacated(seat=seat, participant=term["participant"], reason=reason, **ctx.stamp())

    @event("SeatVacated")
    def _seat_vacated(self, seat: str, participant: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        for t in reversed(self.terms):
            if t["seat"] == seat and t["participant"] == participant and t["vacated_on"] is None:
                t["vacated_on"] = effective_date
                break
