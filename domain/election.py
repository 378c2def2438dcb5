"""Election: a working table chooses its Liaison Table representatives (issue 19, "Elections").

Seed, section "Architecture": each table designates its two representatives "in a
democratic, transparent and gender-equal manner", on clear criteria (links to networks
and organisations, gender parity, advocacy experience at local, national and regional
levels, the ability to coordinate, voluntary availability, subregional and sectoral
balance).

- The secretariat **opens** an election for some of the table's seats and a term, with
  two dates: nominations are open until ``nominations_close`` (that day included);
  voting runs from the next day until ``voting_closes`` (included); the term starts on or
  after ``voting_closes``.
- Members **declare** candidacies with a statement and answers to the criteria
  (:data:`CRITERIA`); both are personal data, sealed with the candidate's own key (the
  event's ``personal_fields``, keyed by its ``candidate``). A candidate **withdraws**
  while nominations are open.
- Each member of the table on the day nominations close **casts** a ballot naming at
  most as many candidates as seats, and may cast it again until voting closes: the
  latest counts.
- The secretariat **closes** it on or after ``voting_closes``: the quorum in force must
  have voted; seats go as :mod:`domain.election_count` says, and the application records
  each winner with :meth:`WorkingTable.elect_representative`, so terms, parity and the
  re-election limit hold as for any election.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.election_count import TIE_RULE, allocate, rank, tally
from domain.errors import (
    DomainError,
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)
from domain.may_act import require_secretariat
from domain.organisation import STAKEHOLDER_GROUPS
from domain.reference import lac_states, seat_codes, table_objectives
from domain.settings import Rules
from domain.terms import MAX_CONSECUTIVE_TERMS
from domain.working_table import WorkingTable

ADVOCACY_LEVELS = ("local", "national", "regional")
# The answers to the seed's criteria: texts, the levels of advocacy experience, and the
# subregion (UN M49, as the LAC states' data) and sector (a stakeholder group).
TEXT_CRITERIA = ("networks", "coordination", "availability")
CRITERIA = (*TEXT_CRITERIA, "advocacy_levels", "subregion", "sector")


def subregions() -> tuple[str, ...]:
    """The subregions of the LAC states (``caribbean``, ``central_america``, ``south_america``)."""
    return tuple(sorted({s.subregion for s in lac_states().values()}))


def balance_holds(counts: Mapping[str, int], seats: int) -> bool:
    """Whether the Liaison Table keeps its subregional (or sectoral) balance: no subregion
    (sector) holds more than half of its ``seats`` (the eight representative seats)."""
    return all(n * 2 <= seats for n in counts.values())


def criteria_problems(criteria: Any) -> list[InvalidInputError]:
    """Every problem of the answers to the criteria at once (``invalid_criteria``, each
    ``field`` naming its answer), in the order of the form; empty when they are good."""
    if not isinstance(criteria, Mapping):
        return [InvalidInputError(f"The criteria are answered as an object of {list(CRITERIA)}.", code="invalid_criteria", field="criteria")]
    found = []
    unknown = sorted(set(criteria) - set(CRITERIA))
    if unknown:
        found.append(InvalidInputError(f"Unknown criteria {unknown}; they are {list(CRITERIA)}.", code="invalid_criteria", field=unknown[0]))
    for name in TEXT_CRITERIA:
        if not isinstance(criteria.get(name), str) or not criteria[name].strip():
            found.append(InvalidInputError(f"Answer the criterion {name!r}.", code="invalid_criteria", field=name))
    levels = criteria.get("advocacy_levels", [])
    if not isinstance(levels, list) or any(lv not in ADVOCACY_LEVELS for lv in levels) or len(set(levels)) != len(levels):
        found.append(InvalidInputError(f"Advocacy levels are among {list(ADVOCACY_LEVELS)}.", code="invalid_criteria", field="advocacy_levels"))
    if criteria.get("subregion") not in subregions():
        found.append(InvalidInputError(f"The subregion is one of {list(subregions())}.", code="invalid_criteria", field="subregion"))
    if criteria.get("sector") not in STAKEHOLDER_GROUPS:
        found.append(InvalidInputError("The sector is one of the stakeholder groups.", code="invalid_criteria", field="sector"))
    return found


def candidacy_problems(statement: Any, criteria: Any) -> list[InvalidInputError]:
    """Every problem of a candidacy's content at once (the statement, then the answers):
    the form asks it before declaring, which refuses with the first."""
    found = []
    if not isinstance(statement, str) or not statement.strip():
        found.append(InvalidInputError("A candidacy has a statement.", code="empty_text", field="statement"))
    return [*found, *criteria_problems(criteria)]


def check_criteria(criteria: Any) -> dict[str, Any]:
    """The answers to the criteria, checked; returns a clean copy.

    Raises:
        InvalidInputError: ``invalid_criteria`` (``field`` names the answer): the first of
        :func:`criteria_problems`.
    """
    problems = criteria_problems(criteria)
    if problems:
        raise problems[0]
    return {
        **{n: criteria[n] for n in TEXT_CRITERIA},
        "advocacy_levels": [lv for lv in ADVOCACY_LEVELS if lv in criteria.get("advocacy_levels", [])],
        "subregion": criteria["subregion"], "sector": criteria["sector"],
    }


class Election(DialogueAggregate):
    """One election of a working table's representatives."""

    class CandidacyDeclared(DialogueAggregate.Event):
        """``candidate`` stands; ``statement`` and ``criteria`` are sealed with their key."""

        candidate: str
        statement: str | None
        criteria: dict[str, Any] | None
        actor: str
        effective_date: date
        command_id: str

    @event("Opened")
    def __init__(
        self, *, id: UUID, table: str, seats: list[str], term_start: date, nominations_close: date, voting_closes: date,
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.table = table
        self.seats = list(seats)
        self.term_start = term_start
        self.nominations_close = nominations_close
        self.voting_closes = voting_closes
        self.candidates: dict[str, int] = {}  # active candidacies → order of declaration
        self.declared = 0
        self.ballots: dict[str, list[str]] = {}
        self.closed = False
        self.result: dict[str, Any] | None = None

    @classmethod
    def open(
        cls, ctx: Ctx, *, id: UUID, table: WorkingTable, seats: Sequence[str], term_start: date,
        nominations_close: date, voting_closes: date, open_elections: Sequence[Election] = (),
    ) -> Election:
        """Open an election of ``table``'s ``seats`` (the secretariat). ``open_elections``
        are the elections not yet closed (read by the application).

        Raises:
            NotAllowedError: ``secretariat_only``.  InvalidInputError: ``unknown_table``,
            ``no_seats``, ``unknown_seat``, ``duplicate_seat``, ``nominations_close_in_past``,
            ``voting_closes_before_nominations``, ``term_starts_before_voting_closes``.
            RuleViolationError: ``seat_occupied`` (a seat is held during part of the term),
            ``election_already_open`` (an election of the same table for one of these seats is
            not closed yet).
        """
        require_secretariat(ctx, "open_election")
        problems = cls.opening_problems(
            table=table, seats=seats, term_start=term_start, nominations_close=nominations_close, voting_closes=voting_closes,
            today=ctx.effective_date, open_elections=open_elections,
        )
        if problems:
            raise problems[0]
        return cls(
            id=id, table=table.code, seats=list(seats), term_start=term_start, nominations_close=nominations_close,
            voting_closes=voting_closes, **ctx.stamp(),
        )

    @staticmethod
    def opening_problems(
        *, table: WorkingTable, seats: Sequence[str], term_start: date | None, nominations_close: date | None,
        voting_closes: date | None, today: date, open_elections: Sequence[Election] = (),
    ) -> list[DomainError]:
        """Every problem of an election's opening at once, in the order :meth:`open` refuses
        with the first: the seats, the dates (a missing date is the form's to report: the
        checks that need it are left out), then the seats' terms (once the term's start is
        known) and the elections still open, asked once the seats are the table's."""
        if table.code not in table_objectives():
            return [InvalidInputError(f"Unknown working table {table.code!r}.", code="unknown_table", field="table")]
        found: list[DomainError] = []
        unknown = [seat for seat in seats if seat not in seat_codes(table.code)]
        if not seats:
            found.append(InvalidInputError("An election is for at least one seat.", code="no_seats", field="seats"))
        elif unknown:
            found.append(InvalidInputError(f"{', '.join(unknown)} is not a seat of {table.code}.", code="unknown_seat", field="seats"))
        elif len(set(seats)) != len(seats):
            found.append(InvalidInputError("Each seat is named once.", code="duplicate_seat", field="seats"))
        if nominations_close is not None and nominations_close < today:
            found.append(InvalidInputError("Nominations close today or later.", code="nominations_close_in_past", field="nominations_close"))
        if nominations_close is not None and voting_closes is not None and voting_closes <= nominations_close:
            found.append(InvalidInputError(
                "Voting opens when nominations close and closes later.", code="voting_closes_before_nominations", field="voting_closes",
            ))
        if term_start is not None and voting_closes is not None and term_start < voting_closes:
            found.append(InvalidInputError("The term starts on or after the day voting closes.", code="term_starts_before_voting_closes", field="term_start"))
        if any(e.field == "seats" for e in found):
            return found
        held = [] if term_start is None else [
            (seat, end) for seat in seats
            if table.terms_overlapping(seat, term_start, end := table.planned_term_end(seat, term_start, None))
        ]
        if held:
            seat, end = held[0]
            found.append(RuleViolationError(f"{seat} is held during part of {term_start}..{end}.", code="seat_occupied", field="seats"))
        for other in open_elections:
            if not other.closed and other.table == table.code and set(other.seats) & set(seats):
                found.append(RuleViolationError(
                    f"An election of {table.code} for {sorted(set(other.seats) & set(seats))} is still open; close it first.",
                    code="election_already_open", field="seats",
                ))
                break
        return found

    # ------------------------------------------------------------------ periods
    def nominations_open(self, on: date) -> bool:
        return not self.closed and on <= self.nominations_close

    def voting_open(self, on: date) -> bool:
        return not self.closed and self.nominations_close < on <= self.voting_closes

    def _not_closed(self) -> None:
        if self.closed:
            raise InvalidTransitionError("This election is closed.", code="election_closed")

    # ------------------------------------------------------------------ candidacies
    def declare_candidacy(
        self, ctx: Ctx, *, table: WorkingTable, candidate: UUID, statement: str, criteria: Any,
    ) -> None:
        """``candidate`` stands (themselves, or the secretariat for them).

        Raises:
            NotAllowedError: ``not_allowed``.  InvalidTransitionError: ``election_closed``,
            ``nominations_closed``, ``already_a_candidate``.  RuleViolationError:
            ``not_a_member``, ``third_consecutive_term`` (barred by the re-election limit).
            InvalidInputError: ``empty_text``, ``invalid_criteria``.
        """
        if not (ctx.acts_as(candidate) or ctx.is_secretariat):
            raise NotAllowedError("A person declares their own candidacy.", code="not_allowed")
        self._not_closed()
        if not self.nominations_open(ctx.effective_date):
            raise InvalidTransitionError(f"Nominations closed on {self.nominations_close}.", code="nominations_closed")
        pid = str(candidate)
        if not table.is_member(pid, ctx.effective_date):
            raise RuleViolationError(f"Only members of {self.table} stand for its seats.", code="not_a_member", field="candidate")
        if pid in self.candidates:
            raise InvalidTransitionError("This person is already a candidate.", code="already_a_candidate", field="candidate")
        if self.barred_by_term_limit(table, pid):
            raise RuleViolationError(
                "A representative may be re-elected once immediately, never for a third consecutive term.",
                code="third_consecutive_term", field="candidate",
            )
        if not statement.strip():
            raise InvalidInputError("A candidacy has a statement.", code="empty_text", field="statement")
        self._candidacy_declared(candidate=pid, statement=statement, criteria=check_criteria(criteria), **ctx.stamp())

    def barred_by_term_limit(self, table: WorkingTable, candidate: str) -> bool:
        """Whether the re-election limit bars ``candidate`` from this election's term: it
        would be their third consecutive term at ``table``."""
        end = table.planned_term_end(self.seats[0], self.term_start, None)
        return table.consecutive_terms(str(candidate), self.term_start, end) > MAX_CONSECUTIVE_TERMS

    @event(CandidacyDeclared)
    def _candidacy_declared(
        self, candidate: str, statement: str | None, criteria: dict[str, Any] | None, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.declared += 1
        self.candidates[candidate] = self.declared

    def withdraw_candidacy(self, ctx: Ctx, candidate: UUID) -> None:
        """``candidate`` withdraws (themselves, or the secretariat) while nominations are open.

        Raises:
            NotAllowedError: ``not_allowed``.  InvalidTransitionError: ``election_closed``,
            ``nominations_closed``, ``not_a_candidate``.
        """
        if not (ctx.acts_as(candidate) or ctx.is_secretariat):
            raise NotAllowedError("A person withdraws their own candidacy.", code="not_allowed")
        self._not_closed()
        if not self.nominations_open(ctx.effective_date):
            raise InvalidTransitionError("A candidate withdraws before voting opens.", code="nominations_closed")
        if str(candidate) not in self.candidates:
            raise InvalidTransitionError("This person is not a candidate.", code="not_a_candidate", field="candidate")
        self._candidacy_withdrawn(candidate=str(candidate), **ctx.stamp())

    @event("CandidacyWithdrawn")
    def _candidacy_withdrawn(self, candidate: str, actor: str, effective_date: date, command_id: str) -> None:
        self.candidates.pop(candidate, None)

    def candidacy_order(self) -> list[str]:
        """The active candidates, earliest candidacy first."""
        return sorted(self.candidates, key=self.candidates.__getitem__)

    # ------------------------------------------------------------------ ballots
    def cast_ballot(self, ctx: Ctx, *, voter: UUID, choices: Sequence[UUID | str], roll: Sequence[str]) -> None:
        """``voter`` casts (or casts again) a ballot; ``roll`` is the table's members on the
        day nominations closed (read by the application from the table's history).

        Raises:
            NotAllowedError: ``not_allowed``.  InvalidTransitionError: ``election_closed``,
            ``outside_voting_period``.  RuleViolationError: ``not_a_member``.
            InvalidInputError: ``too_many_choices``, ``duplicate_choice``, ``not_a_candidate``.
        """
        if not ctx.acts_as(voter):
            raise NotAllowedError("A member casts their own ballot.", code="not_allowed")
        self._not_closed()
        if not self.voting_open(ctx.effective_date):
            raise InvalidTransitionError(
                f"Voting runs from the day after {self.nominations_close} to {self.voting_closes}.", code="outside_voting_period",
            )
        if str(voter) not in roll:
            raise RuleViolationError(f"Only members of {self.table} on {self.nominations_close} vote.", code="not_a_member", field="voter")
        names = [str(c) for c in choices]
        if len(names) > len(self.seats):
            raise InvalidInputError(f"A ballot names at most {len(self.seats)} candidates.", code="too_many_choices", field="choices")
        if len(set(names)) != len(names):
            raise InvalidInputError("A ballot names each candidate once.", code="duplicate_choice", field="choices")
        if any(c not in self.candidates for c in names):
            raise InvalidInputError("A ballot names candidates of this election only.", code="not_a_candidate", field="choices")
        self._ballot_cast(voter=str(voter), choices=names, **ctx.stamp())

    @event("BallotCast")
    def _ballot_cast(self, voter: str, choices: list[str], actor: str, effective_date: date, command_id: str) -> None:
        self.ballots[voter] = list(choices)

    # ------------------------------------------------------------------ closing
    def close(
        self, ctx: Ctx, *, table: WorkingTable, genders: Mapping[str, str | None], excluded: Mapping[str, str], rules: Rules,
    ) -> list[dict[str, Any]]:
        """Close the election (the secretariat) and return its seats (see
        :func:`domain.election_count.allocate`), each with the votes a winner's
        ``RepresentativeElected`` records (``for``: the ballots naming them; ``abstain``:
        the other ballots).

        ``genders`` are the candidates' and the other seats' holders' (read from the
        Participant aggregates, never stored); ``excluded`` maps candidates no longer
        eligible (erased, no longer members, holding another seat) to the reason.

        Raises:
            NotAllowedError: ``secretariat_only``.  InvalidTransitionError: ``election_closed``,
            ``voting_not_over``.  RuleViolationError: ``quorum_not_reached``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("The secretariat closes elections.", code="secretariat_only")
        self._not_closed()
        if ctx.effective_date < self.voting_closes:
            raise InvalidTransitionError(f"Voting closes on {self.voting_closes}.", code="voting_not_over")
        if len(self.ballots) < rules.quorum:
            raise RuleViolationError(
                f"Quorum not reached: {len(self.ballots)} of {rules.quorum} members voted.", code="quorum_not_reached",
            )
        order = self.candidacy_order()
        votes = tally(self.ballots, order)
        ranked = rank(votes, order)
        others: dict[str, list[str | None]] = {}
        for seat in self.seats:
            end = table.planned_term_end(seat, self.term_start, None)
            other = next(s for s in seat_codes(self.table) if s != seat)
            if other not in self.seats:
                others[seat] = [genders.get(t["participant"]) for t in table.terms_overlapping(other, self.term_start, end)]
        seats, ties = allocate(self.seats, ranked, votes, genders, others, excluded=list(excluded))
        counted = len(self.ballots)
        for s in seats:
            s["votes_record"] = {"for": s["votes"], "against": 0, "abstain": counted - s["votes"]} if s["participant"] else None
        self._closed(
            ballots=counted, quorum=rules.quorum, settings_version=rules.version, tally=votes, ranking=ranked,
            seats=[{k: v for k, v in s.items() if k != "votes_record"} for s in seats], ties=ties, tie_rule=TIE_RULE,
            excluded=dict(excluded), **ctx.stamp(),
        )
        return seats

    @event("Closed")
    def _closed(
        self, ballots: int, quorum: int, settings_version: int, tally: dict[str, int], ranking: list[str],
        seats: list[dict[str, Any]], ties: list[dict[str, Any]], tie_rule: str, excluded: dict[str, str],
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.closed = True
        self.result = {"seats": seats, "ties": ties, "tally": tally, "ranking": ranking}


# The mapper seals these fields with the key of the participant named in ``candidate``.
Election.CandidacyDeclared.personal_fields = ("statement", "criteria")  # type: ignore[attr-defined]
Election.CandidacyDeclared.personal_key_field = "candidate"  # type: ignore[attr-defined]
