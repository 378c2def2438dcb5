"""WorkingTable: members and the two Liaison Table representatives of one thematic table.

Seed, section "Architecture": four thematic working tables; each designates 2
representatives to the Liaison Table, "in a democratic, transparent and gender-equal
manner, for a period of one year, with the possibility of immediate reelection for 1
year". Gender parity here means the two representatives differ in gender and at least
one is a woman (docs/design.md, "WorkingTable"). Genders are personal data: an election records only the
outcome of its parity check and the participant versions it read.

Terms, as counted by :mod:`domain.terms` (``docs/rules.md``):

- a regular term lasts exactly one year (``2026-02-01`` → ``2027-01-31``); a by-election
  fills the rest of a vacated term and ends when it would have ended;
- a term's *last day* is its end, or the day before its seat was vacated; a seat is held
  from the term's start to its last day;
- two terms of one person at one table are *consecutive* when the later one starts less
  than a full year after the earlier one's last day (the person did not sit out a whole
  term); every term counts, by-elections and vacated terms included; three consecutive
  terms are never allowed.
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
from domain.may_act import require_holder_or_secretariat
from domain.proposal_references import format_reference, given_reference_number
from domain.reference import seat_codes, table_objectives
from domain.settings import DEFAULT_RULES, Rules
from domain.terms import (
    ELECTION_VOTE_KINDS,
    MAX_CONSECUTIVE_TERMS,
    check_election_votes,
    follows,
    last_day,
    longest_consecutive_run,
    one_year_after,
    parity_holds,
)

# Re-exported: the term rules are read as ``domain.working_table.<name>`` too.
__all__ = [
    "ELECTION_VOTE_KINDS", "MAX_CONSECUTIVE_TERMS", "WorkingTable", "check_election_votes", "follows", "last_day",
    "longest_consecutive_run", "one_year_after", "parity_holds",
]

class WorkingTable(DialogueAggregate):
    """One of the four thematic working tables RT1–RT4."""

    class RepresentativeElected(DialogueAggregate.Event):
        """A representative elected to ``seat`` for ``term_start``..``term_end``.

        Version 2 added ``settings_version`` (the rules in force for the election's
        quorum); version 1 events read it as ``None``.
        """

        class_version = 2

        seat: str
        participant: str
        term_start: date
        term_end: date
        session_id: str | None
        votes: dict[str, int]
        parity_check: str
        participant_versions: dict[str, int]
        by_election: bool
        settings_version: int | None
        actor: str
        effective_date: date
        command_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["settings_version"] = None

    class SeatVacated(DialogueAggregate.Event):
        """The term of ``participant`` on ``seat`` that starts ``term_start`` ends early.

        Version 2 added ``term_start``; version 1 events read it as ``None`` and meant the
        term in force on the event's effective date.
        """

        class_version = 2

        seat: str
        participant: str
        term_start: date | None
        reason: str
        actor: str
        effective_date: date
        command_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["term_start"] = None

    @event("Registered")
    def __init__(self, *, id: UUID, code: str, objectives: list[int], actor: str, effective_date: date, command_id: str) -> None:
        self.code = code
        self.objectives = list(objectives)
        self.members: dict[str, date] = {}
        self.terms: list[dict[str, Any]] = []
        self.reference_numbers: dict[str, int] = {}

    @classmethod
    def register(cls, ctx: Ctx, *, id: UUID, code: str) -> WorkingTable:
        """Register working table ``code`` (the secretariat or an administrator).

        Raises:
            NotAllowedError: ``secretariat_only``.  InvalidInputError: ``unknown_table``.
        """
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

    def members_on(self, on: date) -> list[str]:
        """Participant ids of the members on date ``on``."""
        return [p for p, since in self.members.items() if since <= on]

    def join(self, ctx: Ctx, participant_id: UUID) -> None:
        """A participant joins the table (seed, "Membership": by contacting the table).

        The participant acts for themselves, or the secretariat registers them.

        Raises:
            NotAllowedError: ``not_allowed``.  InvalidTransitionError: ``already_a_member``.
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
        """A member leaves the table (themselves, or the secretariat).

        A representative's seat (held today, or a term still to start) is vacated first.

        Raises:
            NotAllowedError: ``not_allowed``.  InvalidTransitionError: ``not_a_member``.
            RuleViolationError: ``representative_must_vacate``.
        """
        if not (ctx.acts_as(participant_id) or ctx.is_secretariat):
            raise NotAllowedError("A person leaves a table for themselves.", code="not_allowed")
        if str(participant_id) not in self.members:
            raise InvalidTransitionError(f"Not a member of {self.code}.", code="not_a_member")
        if any(t["participant"] == str(participant_id) and last_day(t) >= ctx.effective_date for t in self.terms):
            raise RuleViolationError("A representative's seat is vacated before they leave.", code="representative_must_vacate")
        self._member_left(participant=str(participant_id), **ctx.stamp())

    @event("MemberLeft")
    def _member_left(self, participant: str, actor: str, effective_date: date, command_id: str) -> None:
        self.members.pop(participant, None)

    # ------------------------------------------------------------------ proposal references
    def assign_reference(self, ctx: Ctx, proposal_id: UUID, given: str = "") -> str:
        """The reference of a proposal drafted now at this table (:mod:`domain.proposal_references`).

        Without ``given``: the table's next number for the drafting year (an event). A
        ``given`` reference in the automatic form is recorded so it is never given again;
        any other is returned as it is, without an event.

        Raises:
            InvalidInputError: ``reference_of_another_table``, ``reference_taken``.
        """
        numbers = getattr(self, "reference_numbers", {})
        if given:
            claimed = given_reference_number(self.code, given, numbers)
            if claimed is None:
                return given
            year, number = claimed
            reference = given
        else:
            year = ctx.effective_date.year
            number = numbers.get(str(year), 0) + 1
            reference = format_reference(self.code, year, number)
        self._reference_assigned(year=year, number=number, reference=reference, proposal_id=str(proposal_id), **ctx.stamp())
        return reference

    @event("ProposalReferenceAssigned")
    def _reference_assigned(
        self, year: int, number: int, reference: str, proposal_id: str, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.reference_numbers = {**getattr(self, "reference_numbers", {}), str(year): number}

    # ------------------------------------------------------------------ representatives
    def holder(self, seat: str, on: date) -> dict[str, Any] | None:
        """The term in force on ``seat`` on date ``on`` (from its start to its last day), or None."""
        for t in reversed(self.terms):
            if t["seat"] == seat and t["term_start"] <= on <= last_day(t):
                return t
        return None

    def seat_of(self, participant_id: UUID | str, on: date) -> str | None:
        """The seat the participant holds on date ``on``, or None."""
        for seat in seat_codes(self.code):
            t = self.holder(seat, on)
            if t and t["participant"] == str(participant_id):
                return seat
        return None

    def terms_overlapping(self, seat: str, start: date, end: date) -> list[dict[str, Any]]:
        """The terms on ``seat`` held on at least one day of ``start``..``end``."""
        return [t for t in self.terms if t["seat"] == seat and t["term_start"] <= end and last_day(t) >= start]

    def terms_of(self, participant_id: UUID | str) -> list[dict[str, Any]]:
        """Every term of the participant at this table, in the order elected."""
        return [t for t in self.terms if t["participant"] == str(participant_id)]

    def holds_seat_between(self, participant_id: UUID | str, start: date, end: date) -> bool:
        """Whether the participant holds a seat of this table on any day of ``start``..``end``."""
        return any(t["term_start"] <= end and last_day(t) >= start for t in self.terms_of(participant_id))

    def consecutive_terms(self, participant_id: str, term_start: date, term_end: date | None = None) -> int:
        """How many consecutive terms the participant would serve with a term from ``term_start``.

        Counts the run of the participant's terms at this table that chain (see
        :func:`follows`) through the new term, the new term included.
        """
        end = term_end or one_year_after(term_start)
        spans = [(t["term_start"], last_day(t)) for t in self.terms_of(participant_id)] + [(term_start, end)]
        return longest_consecutive_run(spans, len(spans) - 1)

    def vacated_term_covering(self, seat: str, on: date) -> dict[str, Any] | None:
        """The vacated term of ``seat`` whose remaining days include ``on`` (a by-election's), or None."""
        for t in reversed(self.terms):
            if t["seat"] == seat and t["vacated_on"] is not None and t["vacated_on"] <= on <= t["term_end"] and t["term_start"] <= on:
                return t
        return None

    def planned_term_end(self, seat: str, term_start: date, term_end: date | None) -> date:
        """The end of a term starting ``term_start``: as given, else the rest of a vacated
        term (by-election), else one year."""
        if term_end is not None:
            return term_end
        vacated = self.vacated_term_covering(seat, term_start)
        return vacated["term_end"] if vacated else one_year_after(term_start)

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
        rules: Rules = DEFAULT_RULES,
        seats_elsewhere: list[str] | None = None,
    ) -> None:
        """Record the table's election of a representative to ``seat`` (the secretariat).

        The election is decided by the table's members: ``votes`` is the table's result
        (``{"for": 9, "against": 1, "abstain": 2}``, checked by
        :func:`check_election_votes` under ``rules``) and/or ``session_id`` the session of
        this table where the table decided (checked by the application). ``genders`` maps
        the candidate and every holder of the other seat to their gender, read by the
        application from the Participant aggregates: it is used for the parity check and
        never stored; the event records the check's outcome (``passed`` or
        ``not_applicable`` when the other seat is vacant for the whole term) and the
        versions read (``participant_versions``, kept for the people compared).
        ``seats_elsewhere`` are the seats of other tables the candidate holds during the
        term (from the application). A by-election (the seat was vacated) fills the rest
        of the vacated term. Terms: seed, "Architecture".

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidInputError: ``unknown_seat``, ``term_ends_before_start``, ``term_longer_than_a_year``,
            ``term_shorter_than_a_year``, ``by_election_beyond_term``, ``term_starts_in_past``,
            ``invalid_votes``, ``more_votes_than_members``.
            RuleViolationError: ``not_a_member``, ``election_not_decided_by_table``,
            ``quorum_not_reached``, ``election_not_won``, ``seat_occupied``,
            ``already_a_representative``, ``gender_parity``, ``third_consecutive_term``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Elections are recorded by the secretariat.", code="secretariat_only")
        if seat not in seat_codes(self.code):
            raise InvalidInputError(f"{seat} is not a seat of {self.code}; its seats are {list(seat_codes(self.code))}.", code="unknown_seat", field="seat")
        pid = str(participant_id)
        if not self.is_member(pid, ctx.effective_date):
            raise RuleViolationError(f"Only members of {self.code} are elected as its representatives.", code="not_a_member", field="participant")
        if session_id is None and votes is None:
            raise RuleViolationError(
                "An election is decided by the table's members: give the session where the table decided, or its votes.",
                code="election_not_decided_by_table", field="votes",
            )
        if votes is not None:
            check_election_votes(votes, len(self.members_on(ctx.effective_date)), rules)
        if term_start < ctx.effective_date:
            raise InvalidInputError("A term starts on the day of the election or later.", code="term_starts_in_past", field="term_start")
        by_election = self.vacated_term_covering(seat, term_start)
        end = self.planned_term_end(seat, term_start, term_end)
        self._check_term_length(term_start, end, by_election)
        if self.terms_overlapping(seat, term_start, end):
            raise RuleViolationError(f"{seat} is held during part of {term_start}..{end}.", code="seat_occupied", field="seat")
        other = next(s for s in seat_codes(self.code) if s != seat)
        others = self.terms_overlapping(other, term_start, end)
        if any(t["participant"] == pid for t in others) or seats_elsewhere:
            raise RuleViolationError("One person holds one Liaison Table seat at a time.", code="already_a_representative", field="participant")
        parity = "not_applicable"
        if others:
            if not all(parity_holds([genders.get(pid), genders.get(t["participant"])]) for t in others):
                raise RuleViolationError(
                    "Gender parity: the two representatives of a table differ in gender and at least one is a woman.",
                    code="gender_parity", field="participant",
                )
            parity = "passed"
        if self.consecutive_terms(pid, term_start, end) > MAX_CONSECUTIVE_TERMS:
            raise RuleViolationError(
                "A representative may be re-elected once immediately, never for a third consecutive term.",
                code="third_consecutive_term", field="participant",
            )
        compared = {pid, *(t["participant"] for t in others)}
        self._representative_elected(
            seat=seat, participant=pid, term_start=term_start, term_end=end,
            session_id=str(session_id) if session_id else None, votes=dict(votes or {}),
            parity_check=parity, participant_versions={k: v for k, v in participant_versions.items() if k in compared},
            by_election=by_election is not None, settings_version=rules.version, **ctx.stamp(),
        )

    @staticmethod
    def _check_term_length(start: date, end: date, by_election: dict[str, Any] | None) -> None:
        if end < start:
            raise InvalidInputError("A term ends on or after its start.", code="term_ends_before_start", field="term_end")
        if by_election is not None:
            if end > by_election["term_end"]:
                raise InvalidInputError("A by-election fills the rest of the vacated term.", code="by_election_beyond_term", field="term_end")
            return
        if end > one_year_after(start):
            raise InvalidInputError("A term lasts one year (seed, \"Architecture\").", code="term_longer_than_a_year", field="term_end")
        if end < one_year_after(start):
            raise InvalidInputError(
                "A term lasts one year (seed, \"Architecture\"); only a by-election fills less.", code="term_shorter_than_a_year", field="term_end"
            )

    @event(RepresentativeElected)
    def _representative_elected(
        self, seat: str, participant: str, term_start: date, term_end: date, session_id: str | None,
        votes: dict[str, int], parity_check: str, participant_versions: dict[str, int], by_election: bool,
        settings_version: int | None, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.terms.append({
            "seat": seat, "participant": participant, "term_start": term_start, "term_end": term_end, "vacated_on": None,
        })

    def _term_to_vacate(self, seat: str, on: date) -> dict[str, Any] | None:
        """The term in force on ``seat`` on ``on``, else the next one not started yet."""
        current = self.holder(seat, on)
        if current is not None:
            return current
        upcoming = [t for t in self.terms if t["seat"] == seat and t["term_start"] > on and t["vacated_on"] is None]
        return min(upcoming, key=lambda t: t["term_start"]) if upcoming else None

    def holders_to_vacate(self, on: date) -> list[str]:
        """The holders of the table's seats a vacating on ``on`` would concern (each seat's
        term in force, else its next one)."""
        terms = (self._term_to_vacate(seat, on) for seat in seat_codes(self.code))
        return [str(t["participant"]) for t in terms if t is not None]

    def vacate_seat(self, ctx: Ctx, seat: str, reason: str = "") -> None:
        """Vacate a seat (the secretariat, or the holder resigning): the term held today,
        or, when none, the next term not started yet. From today the seat is empty until
        a by-election fills the rest of the term.

        Raises:
            InvalidTransitionError: ``seat_not_held``.  NotAllowedError: ``not_allowed``.
        """
        term = self._term_to_vacate(seat, ctx.effective_date)
        if term is None:
            raise InvalidTransitionError(f"{seat} is not held on {ctx.effective_date} nor elected for later.", code="seat_not_held")
        require_holder_or_secretariat(ctx, [term["participant"]])
        self._seat_vacated(seat=seat, participant=term["participant"], term_start=term["term_start"], reason=reason, **ctx.stamp())

    def vacate_terms_of(self, ctx: Ctx, participant_id: UUID | str, reason: str = "") -> list[str]:
        """Vacate every term of the participant held today or elected for later (the
        secretariat; used when a person's data is erased, issue 4). Returns the seats.

        Raises:
            NotAllowedError: ``secretariat_only``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Only the secretariat vacates another person's terms.", code="secretariat_only")
        pid = str(participant_id)
        seats = []
        for t in sorted(self.terms_of(pid), key=lambda t: t["term_start"]):
            if t["vacated_on"] is None and last_day(t) >= ctx.effective_date:
                self._seat_vacated(seat=t["seat"], participant=pid, term_start=t["term_start"], reason=reason, **ctx.stamp())
                seats.append(t["seat"])
        return seats

    @event(SeatVacated)
    def _seat_vacated(
        self, seat: str, participant: str, term_start: date | None, reason: str, actor: str, effective_date: date, command_id: str,
    ) -> None:
        if term_start is None:  # a version 1 event: the term in force that day
            term = self.holder(seat, effective_date)
        else:
            # Terms on a seat that are not vacated never overlap: seat and start name one.
            term = next(
                (t for t in self.terms if t["seat"] == seat and t["term_start"] == term_start and t["vacated_on"] is None), None
            )
        if term is not None and term["participant"] == participant:
            term["vacated_on"] = effective_date
