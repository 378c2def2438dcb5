"""Commands of elections of the tables' representatives (issue 19, "Elections";
:class:`domain.election.Election`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from application.core import ApplicationCore, _uuid
from application.references import open_election_ids
from application.retry import event_of
from domain.base import SECRETARIAT
from domain.election import Election, candidacy_problems
from domain.errors import DomainError, InvalidInputError, NotFoundError, RuleViolationError
from domain.ids import table_id
from domain.reference import table_objectives
from domain.working_table import WorkingTable

JOINED = "domain.working_table:WorkingTable.MemberJoined"
LEFT = "domain.working_table:WorkingTable.MemberLeft"


class ElectionCommands(ApplicationCore):
    """Open an election, declare and withdraw candidacies, cast ballots, close it."""

    def election(self, election_id: UUID | str) -> Election:
        return self._get(Election, election_id, "election")

    def members_as_of(self, table: str, on: date) -> list[str]:
        """The members of ``table`` on date ``on``, read from its membership events (a member
        who left later was still one that day; one who joined later was not)."""
        since: dict[str, date] = {}
        for stored in self.recorder.select_events(table_id(table)):
            if stored.topic not in (JOINED, LEFT):
                continue
            e: Any = self.mapper.to_domain_event(stored)
            if e.effective_date > on:
                continue
            if stored.topic == JOINED:
                since[e.participant] = e.effective_date
            else:
                since.pop(e.participant, None)
        return sorted(since)

    def check_candidacy(self, *, statement: str, criteria: Any) -> list[DomainError]:
        """Every problem of a candidacy's content at once, without writing anything
        (:func:`domain.election.candidacy_problems`): the form asks it before
        :meth:`declare_candidacy`, which refuses with the first. Who may stand, and when,
        is still checked on declaring."""
        return list(candidacy_problems(statement, criteria))

    def _open_election_ids(self, table: str) -> list[str]:
        with self.engine.connect() as c:
            return open_election_ids(c, table)

    def open_elections(self, table: str) -> list[Election]:
        """The elections of ``table`` not closed yet (their seats' index,
        :mod:`application.references`)."""
        return [e for e in (self.election(i) for i in self._open_election_ids(table)) if not e.closed]

    def check_opening(
        self, *, table: str, seats: Sequence[str], term_start: date | None, nominations_close: date | None,
        voting_closes: date | None,
    ) -> list[DomainError]:
        """Every problem of an election's opening at once, without writing anything (a form
        shows them all; :meth:`open_election` refuses with the first). A date not given is
        the form's to report: the checks that need it are left out.

        A table of the reference not registered yet is one problem (``table_not_registered``),
        reported alone.
        """
        try:
            working_table = self.table(table)
        except NotFoundError:
            return [InvalidInputError(f"{table} is not registered yet: register the table before opening its elections.", code="table_not_registered", field="table")]
        return Election.opening_problems(
            table=working_table, seats=list(seats), term_start=term_start, nominations_close=nominations_close,
            voting_closes=voting_closes, today=self.clock.today(), open_elections=self.open_elections(table),
        )

    def open_election(
        self, *, election_id: UUID, table: str, seats: Sequence[str], term_start: date, nominations_close: date,
        voting_closes: date, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """Open an election of ``table``'s ``seats`` (the secretariat).

        Raises:
            InvalidInputError: ``already_registered`` (the id is taken), and every error of
            :meth:`Election.open` (``election_already_open`` also when another opening of one
            of these seats was saved at the same moment).
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> UUID:
            if self._exists(election_id):
                raise InvalidInputError("This election already exists.", code="already_registered")
            e = Election.open(
                ctx, id=election_id, table=self.table(table), seats=list(seats), term_start=term_start,
                nominations_close=nominations_close, voting_closes=voting_closes, open_elections=self.open_elections(table),
            )
            self._save(ctx, e)  # an opening of one of these seats saved meanwhile fails it on the seats' key
            return e.id

        return self._retrying(attempt)  # checked again: ``election_already_open``

    def declare_candidacy(
        self, election_id: UUID | str, *, candidate: UUID | str, statement: str, criteria: dict[str, Any],
        actor: str | None = None, command_id: str | None = None,
    ) -> None:
        """``candidate`` stands with a statement and answers to the seed's criteria (sealed
        with their key).

        Raises:
            RuleViolationError: ``participant_erased``; and every error of
            :meth:`Election.declare_candidacy`.
        """
        pid = _uuid(candidate, "candidate")
        ctx = self.ctx(actor or str(pid), command_id)
        e = self.election(election_id)
        if self.participant(pid).erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased", field="candidate")
        e.declare_candidacy(ctx, table=self.table(e.table), candidate=pid, statement=statement, criteria=criteria)
        self._save(ctx, e)

    def withdraw_candidacy(self, election_id: UUID | str, *, candidate: UUID | str, actor: str | None = None, command_id: str | None = None) -> None:
        """``candidate`` withdraws before voting opens.

        Raises:
            (every error of :meth:`Election.withdraw_candidacy`)
        """
        pid = _uuid(candidate, "candidate")
        ctx = self.ctx(actor or str(pid), command_id)
        e = self.election(election_id)
        e.withdraw_candidacy(ctx, pid)
        self._save(ctx, e)

    def cast_ballot(
        self, election_id: UUID | str, *, voter: UUID | str, choices: Sequence[UUID | str], actor: str | None = None,
        command_id: str | None = None,
    ) -> None:
        """``voter`` casts a ballot naming ``choices``; their latest ballot counts. Ballots
        of other members written at the same moment do not refuse it: it is tried again.

        Raises:
            ConflictError: ``stale_version`` when a ballot of the same voter was written at the same moment.
            (and every error of :meth:`Election.cast_ballot`)
        """
        vid = _uuid(voter, "voter")
        ctx = self.ctx(actor or str(vid), command_id)
        picked = [_uuid(c, "choices") for c in choices]

        def attempt() -> None:
            e = self.election(election_id)
            roll = self.members_as_of(e.table, e.nominations_close) if e.voting_open(ctx.effective_date) else []
            e.cast_ballot(ctx, voter=vid, choices=picked, roll=roll)
            self._save(ctx, e)

        self._retrying(attempt, own_change=event_of(Election, "BallotCast", voter=str(vid)))

    def barred_from_standing(self, election_id: UUID | str, candidate: UUID | str) -> bool:
        """Whether the re-election limit bars ``candidate`` from standing in the election
        (:meth:`Election.barred_by_term_limit`; :meth:`declare_candidacy` would refuse with
        ``third_consecutive_term``)."""
        e = self.election(election_id)
        return e.barred_by_term_limit(self.table(e.table), str(candidate))

    def close_election(self, election_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> list[dict[str, Any]]:
        """Close the election (the secretariat): count, fill the seats, and record each
        winner with the table's ``RepresentativeElected`` in the same transaction. Returns
        the seats.

        Candidates are passed over when no longer eligible: erased, no longer members of
        the table, holding a seat of another table during the term, or barred by the
        re-election limit.

        Raises:
            (every error of :meth:`Election.close` and of :meth:`WorkingTable.elect_representative`)
        """
        ctx = self.ctx(actor, command_id)
        e = self.election(election_id)
        t = self.table(e.table)
        genders: dict[str, str | None] = {}
        versions: dict[str, int] = {}
        for pid in {*e.candidates, *(term["participant"] for term in t.terms)}:
            person = self.participant(pid)
            genders[pid] = None if person.erased else person.gender
            versions[pid] = int(person.version)
        excluded = {c: why for c in e.candidacy_order() if (why := self._ineligible(t, c, e, genders[c], ctx.effective_date))}
        rules = self.rules()
        seats = e.close(ctx, table=t, genders=genders, excluded=excluded, rules=rules)
        for s in seats:
            if s["participant"] is not None:
                t.elect_representative(
                    ctx, seat=s["seat"], participant_id=UUID(s["participant"]), term_start=e.term_start, term_end=None,
                    genders=genders, participant_versions=versions, votes=s["votes_record"], rules=rules,
                )
        self._save(ctx, e, t)
        return seats

    def _ineligible(self, t: WorkingTable, candidate: str, e: Election, gender: str | None, today: date) -> str:
        """Why ``candidate`` can no longer be elected at the closing ('' when they can)."""
        if gender is None:
            return "participant_erased"
        if not t.is_member(candidate, today):
            return "not_a_member"
        if e.barred_by_term_limit(t, candidate):
            return "third_consecutive_term"
        end = t.planned_term_end(e.seats[0], e.term_start, None)
        if t.holds_seat_between(candidate, e.term_start, end):
            return "already_a_representative"
        for code in sorted(table_objectives()):
            if code != t.code and self._exists(table_id(code)) and self.table(code).holds_seat_between(candidate, e.term_start, end):
                return "already_a_representative"
        return ""
