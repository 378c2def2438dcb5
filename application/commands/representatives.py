"""Commands on the tables' representatives: elections, vacancies, seat holders."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.core import ApplicationCore, _uuid
from domain.base import SECRETARIAT
from domain.endorsement import UN_SEATS
from domain.errors import (
    InvalidTransitionError,
    RuleViolationError,
)
from domain.ids import table_id
from domain.liaison_table import LiaisonTable
from domain.reference import table_objectives


class RepresentativeCommands(ApplicationCore):
    """Commands on the tables' representatives: elections, vacancies, seat holders."""

    # ------------------------------------------------------------------ representatives
    def elect_representative(
        self, *, table: str, seat: str, participant_id: UUID | str, term_start: date, term_end: date | None = None,
        session_id: UUID | str | None = None, votes: dict[str, int] | None = None, actor: str = SECRETARIAT,
        command_id: str | None = None,
    ) -> None:
        """Record the table's election of a representative (seed, "Architecture").

        The table decides: ``votes`` (``{"for", "against", "abstain"}`` counts, checked
        against the quorum in force) and/or ``session_id``, a session of this table that
        is not closed. Parity is checked on the genders read here from the Participant
        aggregates (the candidate and every holder of the table's other seat) and never
        stored; the event records the check's outcome and the participant versions read.

        Raises:
            RuleViolationError: ``session_of_another_table``, ``election_not_decided_by_table``,
            ``gender_parity``, ``third_consecutive_term``, ``seat_occupied``, ``already_a_representative``…
            InvalidTransitionError: ``session_closed``.
            (and every error of :meth:`WorkingTable.elect_representative`)
        """
        ctx = self.ctx(actor, command_id)
        t = self.table(table)
        pid = _uuid(participant_id, "participant")
        sid = _uuid(session_id, "session") if session_id else None
        if sid is not None:
            s = self.session(sid)
            if s.table != t.code:
                raise RuleViolationError(f"That session is {s.table}'s; {t.code} elects its own representatives.", code="session_of_another_table", field="session")
            if s.closed:
                raise InvalidTransitionError("That session is closed and takes nothing more.", code="session_closed", field="session")
        candidate = self.participant(pid)
        if candidate.erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased", field="participant")
        genders: dict[str, str | None] = {str(pid): candidate.gender}
        versions = {str(pid): int(candidate.version)}
        for other_term in t.terms:
            if other_term["seat"] != seat and other_term["participant"] not in genders:
                o = self.participant(other_term["participant"])
                genders[other_term["participant"]] = o.gender
                versions[other_term["participant"]] = int(o.version)
        end = t.planned_term_end(seat, term_start, term_end)
        elsewhere = [
            code for code in sorted(table_objectives())
            if code != t.code and self._exists(table_id(code)) and self.table(code).holds_seat_between(pid, term_start, end)
        ]
        t.elect_representative(
            ctx, seat=seat, participant_id=pid, term_start=term_start, term_end=term_end, genders=genders,
            participant_versions=versions, session_id=sid, votes=votes, rules=self.rules(), seats_elsewhere=elsewhere,
        )
        self._save(ctx, t)

    def vacate_seat(self, table: str, seat: str, reason: str = "", *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Vacate a representative seat of ``table`` (the term held today, or the next one),
        or, with ``table`` ``"UN"`` or a UN seat, end a UN agency's nomination.

        Raises:
            InvalidTransitionError: ``seat_not_held``.  NotAllowedError: ``not_allowed``, ``secretariat_only``.
        """
        ctx = self.ctx(actor, command_id)
        if seat in UN_SEATS:
            lt = self.liaison_table()
            if lt is None:
                raise InvalidTransitionError(f"{seat} is not held on {ctx.effective_date}.", code="seat_not_held")
            lt.vacate_un_seat(ctx, seat, reason)
            self._save(ctx, lt)
            return
        t = self.table(table)
        t.vacate_seat(ctx, seat, reason)
        self._save(ctx, t)

    def nominate_un_agency(
        self, *, seat: str, agency: str, consensus_record: str, objections: int = 0,
        focal_point: UUID | str | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record the WG-CS's consensus nomination of a UN agency to ``seat`` (seed, "Architecture").

        ``focal_point``, when given, is a registered participant who speaks for the seat.

        Raises:
            NotFoundError: no such participant.  RuleViolationError: ``no_wgcs_consensus``,
            ``seat_occupied``, ``agency_already_seated``.  InvalidInputError: ``unknown_seat``, ``empty_text``.
        """
        ctx = self.ctx(actor, command_id)
        fp = _uuid(focal_point, "focal_point") if focal_point else None
        if fp is not None and self.participant(fp).erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased", field="focal_point")
        lt = self.liaison_table() or LiaisonTable.constitute(ctx)
        lt.nominate_un_agency(ctx, seat=seat, agency=agency, consensus_record=consensus_record, objections=objections, focal_point=fp)
        self._save(ctx, lt)
