"""Representatives of a working table, against a reference model of the rules.

A Hypothesis ``RuleBasedStateMachine`` moves the clock over the years and sends random
joins, departures, elections (regular and by-elections, decided in a session, by votes,
or not at all), seat vacancies and Liaison Table votes through the real
``DialogueApplication`` on an in-memory store. The model below, written from the seed
("Architecture"), docs/design.md and issue 3, says whether each command is accepted and which
code refuses it. After every step:

- every command the model refuses raised a DomainError with the model's code, and every
  command it accepts succeeded;
- the table's members and terms, and the round's votes, are the model's;
- every aggregate saved equals its replay from the stored events;
- on every day, the two seats' holders satisfy gender parity, nobody serves three
  consecutive terms, and no election event stores a gender.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest
from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.errors import DomainError
from domain.working_table import WorkingTable
from tests.property.memory_app import new_app, state_of
from tests.property.profile import machine_settings

START = date(2026, 1, 5)
CLOSES_ON = date(2029, 12, 31)
NS = UUID("1f7d2c8e-3b1a-4c55-8f43-2d0a4f6b9e21")
GENDERS = {"w0": "woman", "w1": "woman", "w2": "woman", "m0": "man", "m1": "man", "m2": "man", "n0": "non_binary"}
OUTSIDER = "o"
PEOPLE = [*GENDERS, OUTSIDER]
SEATS = ("LT-RT1-A", "LT-RT1-B")
QUORUM = 5


def year_end(start: date) -> date:
    """The last day of a one-year term from ``start``."""
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # from 29 February
        return date(start.year + 1, 2, 28)


@dataclass
class Term:
    seat: str
    person: str
    start: date
    end: date
    vacated_on: date | None = None

    @property
    def last(self) -> date:
        return self.end if self.vacated_on is None else min(self.end, self.vacated_on - timedelta(days=1))

    def holds(self, on: date) -> bool:
        return self.start <= on <= self.last


def parity(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b and "woman" in (a, b)


def consecutive_run(spans: list[tuple[date, date]], target: tuple[date, date]) -> int:
    """Terms chained with less than a full year off between them, through ``target``."""
    ordered = sorted([*spans, target])
    runs: list[list[tuple[date, date]]] = [[ordered[0]]]
    for span in ordered[1:]:
        if span[0] <= year_end(runs[-1][-1][1] + timedelta(days=1)):
            runs[-1].append(span)
        else:
            runs.append([span])
    return next(len(r) for r in runs if target in r)


class Elections(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = new_app(START)
        self.today = START
        self.n = 0
        self.ids: dict[str, UUID] = {}
        self.members: set[str] = set()
        self.terms: list[Term] = []
        self.votes: dict[str, str] = {}
        self.set_up()

    # ------------------------------------------------------------------ set-up
    def set_up(self) -> None:
        """RT1 with 7 members, a session of RT1, and one adopted proposal by w0 under review
        by the Liaison Table until 2029-12-31."""
        app = self.app
        for code in ("RT1", "RT2"):
            app.register_table(code, command_id=f"setup:{code}")
        for ref in PEOPLE:
            self.ids[ref] = uuid5(NS, ref)
            app.register_participant(
                reference=ref, display_name=ref, organisation_id=None, gender=GENDERS.get(ref, "woman"),
                preferred_language="es", id=self.ids[ref], command_id=f"setup:{ref}",
            )
            app.join_table(self.ids[ref], "RT1" if ref in GENDERS else "RT2", command_id=f"setup:join:{ref}")
        self.members = set(GENDERS)
        self.session = uuid5(NS, "session")
        app.schedule_session(table="RT1", quarter="2026-Q1", on=START, id=self.session, command_id="setup:session")
        self.proposal = app.draft_proposal(
            actor=self.who("w0"), table="RT1", title="t", problem="p", recommendation="r", rationale="r", objectives=[2],
            targets=["all governments of the region"], language="es", command_id="setup:draft",
        )
        app.submit_proposal(self.proposal, actor=self.who("w0"), command_id="setup:submit")
        app.add_to_agenda(self.session, self.proposal, command_id="setup:agenda")
        for ref in GENDERS:
            app.record_position(self.session, self.proposal, member=self.who(ref), position="support", command_id=f"setup:pos:{ref}")
        app.decide(self.session, self.proposal, "adopt", command_id="setup:decide")
        app.open_endorsement(self.proposal, CLOSES_ON, command_id="setup:round")

    # ------------------------------------------------------------------ helpers
    def cid(self) -> str:
        self.n += 1
        return f"cmd-{self.n}"

    def who(self, ref: str) -> str:
        return str(self.ids[ref])

    def run(self, expected: str | None, call: Any) -> Any:
        event(f"{expected or 'accepted'}")
        try:
            result = call()
        except DomainError as e:
            assert expected is not None, f"the rules accept this command, but it was refused: {e}"
            assert e.code == expected, f"refused with {e.code}, the model expects {expected}: {e}"
            return None
        assert expected is None, f"the model expects {expected}, but the command succeeded"
        return result

    def holder(self, seat: str, on: date) -> Term | None:
        return next((t for t in self.terms if t.seat == seat and t.holds(on)), None)

    # ------------------------------------------------------------------ time and membership
    @rule(days=st.sampled_from((1, 5, 27, 90, 182, 365)))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)
        self.app.clock.set(self.today)  # type: ignore[attr-defined]

    @rule(person=st.sampled_from(list(GENDERS)))
    def join(self, person: str) -> None:
        expected = "already_a_member" if person in self.members else None
        self.run(expected, lambda: self.app.join_table(self.ids[person], "RT1", command_id=self.cid()))
        if expected is None:
            self.members.add(person)

    @rule(person=st.sampled_from(list(GENDERS)))
    def leave(self, person: str) -> None:
        expected = None
        if person not in self.members:
            expected = "not_a_member"
        elif any(t.person == person and t.last >= self.today for t in self.terms):
            expected = "representative_must_vacate"
        self.run(expected, lambda: self.app.leave_table(self.ids[person], "RT1", command_id=self.cid()))
        if expected is None:
            self.members.discard(person)

    # ------------------------------------------------------------------ elections
    @rule(
        seat=st.sampled_from((*SEATS, *SEATS, "LT-RT2-A")),
        person=st.sampled_from(PEOPLE),
        offset=st.sampled_from((-1, 0, 0, 1, 27, 365)),
        length=st.sampled_from(("default", "default", "year", "short", "long", "backwards")),
        decided=st.sampled_from(("session", "votes", "none")),
        votes=st.fixed_dictionaries({"for": st.integers(0, 8), "against": st.integers(0, 3), "abstain": st.integers(0, 2)}),
    )
    def elect(self, seat: str, person: str, offset: int, length: str, decided: str, votes: dict[str, int]) -> None:
        start = self.today + timedelta(days=offset)
        end = {
            "default": None, "year": year_end(start), "short": year_end(start) - timedelta(days=30),
            "long": year_end(start) + timedelta(days=1), "backwards": start - timedelta(days=1),
        }[length]
        self.elect_with(seat, person, start, end, decided, votes)

    def elect_with(self, seat: str, person: str, start: date, end: date | None, decided: str, votes: dict[str, int]) -> None:
        expected, term = self.expected_election(seat, person, start, end, decided, votes)
        self.run(expected, lambda: self.app.elect_representative(
            table="RT1", seat=seat, participant_id=self.ids[person], term_start=start, term_end=end,
            session_id=self.session if decided == "session" else None, votes=votes if decided == "votes" else None,
            command_id=self.cid(),
        ))
        if expected is None and term is not None:
            self.terms.append(term)

    def expected_election(
        self, seat: str, person: str, start: date, end: date | None, decided: str, votes: dict[str, int],
    ) -> tuple[str | None, Term | None]:
        """The rules of an election, in the order a secretariat would check them."""
        if seat not in SEATS:
            return "unknown_seat", None
        if person not in self.members:
            return "not_a_member", None
        if decided == "none":
            return "election_not_decided_by_table", None
        if decided == "votes":
            taking_part = sum(votes.values())
            if taking_part > len(self.members):
                return "more_votes_than_members", None
            if taking_part < QUORUM:
                return "quorum_not_reached", None
            if votes["for"] <= votes["against"]:
                return "election_not_won", None
        if start < self.today:
            return "term_starts_in_past", None
        vacated = [t for t in self.terms if t.seat == seat and t.vacated_on is not None and t.start <= start and t.vacated_on <= start <= t.end]
        by_election = vacated[-1] if vacated else None
        end = end or (by_election.end if by_election else year_end(start))
        if end < start:
            return "term_ends_before_start", None
        if by_election is not None and end > by_election.end:
            return "by_election_beyond_term", None
        if by_election is None and end > year_end(start):
            return "term_longer_than_a_year", None
        if by_election is None and end < year_end(start):
            return "term_shorter_than_a_year", None
        new = Term(seat, person, start, end)
        if any(t.seat == seat and t.start <= end and t.last >= start for t in self.terms):
            return "seat_occupied", None
        others = [t for t in self.terms if t.seat != seat and t.start <= end and t.last >= start]
        if any(t.person == person for t in others):
            return "already_a_representative", None
        if not all(parity(GENDERS[person], GENDERS[t.person]) for t in others):
            return "gender_parity", None
        spans = [(t.start, t.last) for t in self.terms if t.person == person]
        if consecutive_run(spans, (start, end)) > 2:
            return "third_consecutive_term", None
        return None, new

    @precondition(lambda self: len(self.members) >= 1)
    @rule(data=st.data())
    def elect_someone_plausible(self, data: st.DataObject) -> None:
        """An election the table could well hold: a member, today or at the end of the
        current term, decided in the session (the model still judges it)."""
        seat = data.draw(st.sampled_from(SEATS))
        person = data.draw(st.sampled_from(sorted(self.members)))
        current = self.holder(seat, self.today)
        start = current.last + timedelta(days=1) if current else self.today
        self.elect_with(seat, person, start, None, "session", {"for": 0, "against": 0, "abstain": 0})

    @precondition(lambda self: self.terms)
    @rule(data=st.data())
    def re_elect(self, data: st.DataObject) -> None:
        """The last person elected to a seat stands again for the term after theirs (or from
        today): immediate re-election, and sometimes a third consecutive term."""
        seat = data.draw(st.sampled_from(sorted({t.seat for t in self.terms})))
        last = max((t for t in self.terms if t.seat == seat), key=lambda t: t.start)
        start = max(self.today, last.end + timedelta(days=1))
        self.elect_with(seat, last.person, start, None, "session", {"for": 0, "against": 0, "abstain": 0})

    @rule(seat=st.sampled_from(SEATS), by=st.sampled_from(("secretariat", "holder", "someone")))
    def vacate(self, seat: str, by: str) -> None:
        current = self.holder(seat, self.today)
        upcoming = sorted((t for t in self.terms if t.seat == seat and t.start > self.today and t.vacated_on is None), key=lambda t: t.start)
        term = current or (upcoming[0] if upcoming else None)
        actor = {"secretariat": "secretariat", "holder": self.who(term.person) if term else "secretariat", "someone": self.who("m2")}[by]
        expected = None
        if term is None:
            expected = "seat_not_held"
        elif actor not in ("secretariat", self.who(term.person)):
            expected = "not_allowed"
        self.run(expected, lambda: self.app.vacate_seat("RT1", seat, "resigned", actor=actor, command_id=self.cid()))
        if expected is None and term is not None:
            term.vacated_on = self.today

    # ------------------------------------------------------------------ Liaison Table votes
    @rule(seat=st.sampled_from((*SEATS, *SEATS, "LT-RT2-A", "LT-UN-1")), data=st.data(), vote=st.sampled_from(("endorse", "object")))
    def vote(self, seat: str, data: st.DataObject, vote: str) -> None:
        holder = self.holder(seat, self.today) if seat in SEATS else None
        person = data.draw(st.sampled_from([holder.person] * 3 + PEOPLE if holder else PEOPLE))
        expected = None
        if self.today > CLOSES_ON:
            expected = "round_past_deadline"
        elif seat == "LT-UN-1":
            expected = "un_agency_advises"
        elif holder is None or holder.person != person:
            expected = "not_the_seat_holder"
        elif person == "w0":
            expected = "own_proposal"
        self.run(expected, lambda: self.app.vote_on_endorsement(
            self.proposal, seat=seat, participant_id=self.ids[person], vote=vote, command_id=self.cid(),
        ))
        if expected is None:
            self.votes[seat] = vote

    # ------------------------------------------------------------------ invariants
    @invariant()
    def table_is_in_the_models_state(self) -> None:
        t = self.app.table("RT1")
        assert set(t.members) == {self.who(p) for p in self.members}
        assert [(x["seat"], x["participant"], x["term_start"], x["term_end"], x["vacated_on"]) for x in t.terms] == [
            (m.seat, self.who(m.person), m.start, m.end, m.vacated_on) for m in self.terms
        ]

    @invariant()
    def round_is_in_the_models_state(self) -> None:
        assert self.app.current_round(self.proposal).votes == self.votes

    @invariant()
    def replaying_the_events_gives_the_same_state(self) -> None:
        for aggregate_id, live in self.app.saved.items():
            replayed: Any = self.app.repository.get(aggregate_id)
            assert replayed.version == live.version
            assert state_of(replayed) == state_of(live)

    @invariant()
    def parity_holds_whenever_both_seats_are_held(self) -> None:
        a_terms = [t for t in self.terms if t.seat == SEATS[0]]
        b_terms = [t for t in self.terms if t.seat == SEATS[1]]
        for a in a_terms:
            for b in b_terms:
                if a.start <= b.last and b.start <= a.last:
                    assert parity(GENDERS[a.person], GENDERS[b.person])

    @invariant()
    def nobody_serves_three_consecutive_terms(self) -> None:
        for person in GENDERS:
            spans = sorted((t.start, t.last) for t in self.terms if t.person == person)
            for i in range(len(spans) - 2):
                assert not (spans[i + 1][0] <= year_end(spans[i][1] + timedelta(days=1))
                            and spans[i + 2][0] <= year_end(spans[i + 1][1] + timedelta(days=1)))

    @invariant()
    def elections_record_their_parity_check_and_versions_never_genders(self) -> None:
        for stored in self.app.recorder.select_events(self.app.table_id("RT1")):
            if stored.topic.endswith("RepresentativeElected"):
                state = json.loads(stored.state)
                assert state["parity_check"] in ("passed", "not_applicable")
                assert state["participant"] in state["participant_versions"]
                assert not {"woman", "man", "non_binary"} & set(json.dumps(state).replace('"', " ").split())
                assert state["class_version"] == WorkingTable.RepresentativeElected.class_version


Elections.TestCase.settings = machine_settings()
TestElections = pytest.mark.slow(Elections.TestCase)
