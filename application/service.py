"""DialogueApplication: one method per command of the mechanism, and the reads auditors need.

Each command method:

1. builds the command context (actor, effective date from the clock, command id);
2. loads the aggregates it needs and checks authorisation (here, never only in a page);
3. calls the domain, which checks the rules and raises :class:`~domain.errors.DomainError`;
4. saves every aggregate it touched in one atomic ``save`` with its command id.

A refused command changes nothing. Commands return the id of what they created or
changed; ``last_position`` is the notification id of the last event saved by this
object (read-your-writes for the web).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper
from sqlalchemy import Engine, select

from application.clock import Clock, FixedClock
from application.errors import CommandAlreadyAppliedError, ConflictError
from application.persistence import (
    APPLICATION_NAME,
    DateAsISO,
    DialogueRecorder,
    KeyStore,
    PersonalDataMapper,
    commands_table,
    get_engine,
)
from domain.base import SECRETARIAT, Ctx, DialogueAggregate
from domain.deliberation import TableDeliberation
from domain.endorsement import UN_SEATS, LiaisonEndorsement, endorsement_tally
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
    RuleViolationError,
)
from domain.government_dialogue import PERIOD, GovernmentDialogue, government_dialogue_id
from domain.ids import endorsement_id, table_id
from domain.liaison_table import LIAISON_TABLE_ID, LiaisonTable
from domain.organisation import Organisation
from domain.participant import Participant
from domain.proposal import Proposal
from domain.reference import table_objectives
from domain.settings import DEFAULT_RULES, SETTINGS_ID, MechanismSettings, Rules
from domain.working_table import WorkingTable

A = TypeVar("A", bound=DialogueAggregate)


def _uuid(value: UUID | str, field: str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError as e:
        raise InvalidInputError(f"{field} is not a valid id.", code="invalid_id", field=field) from e


class DialogueApplication(Application[UUID]):
    """The dialogue service's application (event store name ``Dialogue``)."""

    name = APPLICATION_NAME

    def __init__(self, *, database_url: str, clock: Clock | None = None, keys: KeyStore | None = None, create_tables: bool = True) -> None:
        self.clock: Clock = clock or FixedClock(date.today())
        self.keys = keys
        self.database_url = database_url
        self._local = threading.local()
        self.on_saved: list[Callable[[int], None]] = []
        super().__init__(
            env={
                "PERSISTENCE_MODULE": "application.persistence:DialogueFactory",
                "SQLALCHEMY_URL": database_url,
                "CREATE_TABLE": "y" if create_tables else "n",
            }
        )

    # ------------------------------------------------------------------ wiring
    def construct_mapper(self) -> Mapper[UUID]:
        transcoder = self.construct_transcoder()
        assert isinstance(transcoder, JSONTranscoder)
        return PersonalDataMapper(transcoder, self.keys)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @property
    def engine(self) -> Engine:
        return get_engine(self.database_url)

    @property
    def dialogue_recorder(self) -> DialogueRecorder:
        assert isinstance(self.recorder, DialogueRecorder)
        return self.recorder

    @property
    def last_position(self) -> int:
        """The notification id of the last event this thread saved (0 if none)."""
        return int(getattr(self._local, "last_position", 0))

    def create_tables(self) -> None:
        """Create the event store's tables (``dialogue db init``)."""
        self.dialogue_recorder.create_table()

    # ------------------------------------------------------------------ helpers
    def ctx(self, actor: str, command_id: str | None = None) -> Ctx:
        """The context of a command run now by ``actor``.

        Raises:
            CommandAlreadyAppliedError: ``command_id`` was applied before (a re-sent form):
                checked first, so a repeat is never mistaken for a conflict.
            NotAllowedError: ``participant_erased`` when the actor is a participant whose
                data was erased (they take no further part under that id).
        """
        if command_id is not None and self.command_applied(command_id):
            raise CommandAlreadyAppliedError(f"Command {command_id} was already applied.")
        if actor not in (SECRETARIAT, "administrator"):
            try:
                person: Any = self.repository.get(UUID(actor))
            except (ValueError, AggregateNotFoundError):
                person = None
            if isinstance(person, Participant) and person.erased:
                raise NotAllowedError("This person's data was erased; they take no further part under this id.", code="participant_erased")
        return Ctx(actor=actor, effective_date=self.clock.today(), command_id=command_id or f"cmd:{uuid4()}")

    table_id = staticmethod(table_id)
    settings_id = SETTINGS_ID

    def command_position(self, command_id: str) -> int:
        """The last notification id the command wrote (0 when unknown)."""
        with self.engine.connect() as c:
            v = c.execute(select(commands_table.c.last_position).where(commands_table.c.command_id == command_id)).scalar()
        return int(v or 0)

    def command_applied(self, command_id: str) -> bool:
        """Whether a command with this id was already applied (its events are stored)."""
        with self.engine.connect() as c:
            return c.execute(select(commands_table.c.command_id).where(commands_table.c.command_id == command_id)).first() is not None

    def _save(self, ctx: Ctx, *aggregates: DialogueAggregate, **kwargs: Any) -> None:
        try:
            recordings = self.save(*aggregates, command_id=ctx.command_id, **kwargs)
        except IntegrityError as e:
            if self.command_applied(ctx.command_id):
                raise CommandAlreadyAppliedError(f"Command {ctx.command_id} was already applied.") from e
            raise ConflictError("Someone changed this in the meantime; reload and try again.") from e
        if recordings:
            position = max(r.notification.id for r in recordings)
            self._local.last_position = position
            for callback in self.on_saved:
                callback(position)

    def _get(self, cls: type[A], aggregate_id: UUID | str, what: str) -> A:
        try:
            agg: Any = self.repository.get(_uuid(aggregate_id, what))
        except AggregateNotFoundError as e:
            raise NotFoundError(f"No {what} with id {aggregate_id}.", field=what) from e
        if not isinstance(agg, cls):
            raise NotFoundError(f"No {what} with id {aggregate_id}.", field=what)
        return agg

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def table(self, code: str) -> WorkingTable:
        if code not in table_objectives():
            raise InvalidInputError(f"Unknown working table {code!r}.", code="unknown_table", field="table")
        return self._get(WorkingTable, table_id(code), "working table")

    def rules(self) -> Rules:
        """The rules in force (the settings aggregate, or the defaults before it exists)."""
        try:
            settings: Any = self.repository.get(SETTINGS_ID)
        except AggregateNotFoundError:
            return DEFAULT_RULES
        assert isinstance(settings, MechanismSettings)
        return settings.rules

    def _require_member(self, table: WorkingTable, participant_id: str, on: date, field: str = "actor") -> None:
        if not table.is_member(participant_id, on):
            raise NotAllowedError(f"Only members of {table.code} can do this.", code="not_a_member", field=field)

    # ------------------------------------------------------------------ reference data and people
    def register_table(self, code: str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> UUID:
        """Register working table ``code`` (idempotent per table: a second call is refused)."""
        ctx = self.ctx(actor, command_id)
        if self._exists(table_id(code)):
            raise InvalidInputError(f"{code} is already registered.", code="already_registered")
        t = WorkingTable.register(ctx, id=table_id(code), code=code)
        self._save(ctx, t)
        return t.id

    def define_settings(self, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record the default rules as the first version of the settings."""
        ctx = self.ctx(actor, command_id)
        if self._exists(SETTINGS_ID):
            raise InvalidInputError("The settings are already defined.", code="already_registered")
        self._save(ctx, MechanismSettings.define(ctx))

    def change_setting(self, name: str, value: Any, *, actor: str = SECRETARIAT, command_id: str | None = None) -> int:
        """Change one setting; returns the new settings version."""
        ctx = self.ctx(actor, command_id)
        try:
            settings = self._get(MechanismSettings, SETTINGS_ID, "settings")
        except NotFoundError:
            settings = MechanismSettings.define(ctx)
        settings.change(ctx, name, value)
        self._save(ctx, settings)
        return int(settings.version)

    def register_organisation(
        self, *, reference: str, name: str, stakeholder_group: str, country: str, languages: list[str],
        id: UUID | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        ctx = self.ctx(actor, command_id)
        org = Organisation.register(
            ctx, id=id or uuid4(), reference=reference, name=name, stakeholder_group=stakeholder_group,
            country=country, languages=languages,
        )
        self._save(ctx, org)
        return org.id

    def register_participant(
        self, *, reference: str, display_name: str, organisation_id: UUID | None, gender: str, preferred_language: str,
        id: UUID | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        ctx = self.ctx(actor, command_id)
        if organisation_id is not None:
            self._get(Organisation, organisation_id, "organisation")
        p = Participant.register(
            ctx, id=id or uuid4(), reference=reference, display_name=display_name, organisation_id=organisation_id,
            gender=gender, preferred_language=preferred_language,
        )
        self._save(ctx, p)
        return p.id

    def participant(self, participant_id: UUID | str) -> Participant:
        return self._get(Participant, participant_id, "participant")

    def join_table(self, participant_id: UUID | str, table: str, *, actor: str | None = None, command_id: str | None = None) -> None:
        """The participant joins ``table`` (acting for themselves unless the secretariat acts)."""
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor or str(pid), command_id)
        p = self.participant(pid)
        if p.erased:
            raise RuleViolationError("This person's data was erased.", code="participant_erased")
        t = self.table(table)
        t.join(ctx, pid)
        self._save(ctx, t)

    def leave_table(self, participant_id: UUID | str, table: str, *, actor: str | None = None, command_id: str | None = None) -> None:
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor or str(pid), command_id)
        t = self.table(table)
        t.leave(ctx, pid)
        self._save(ctx, t)

    # ------------------------------------------------------------------ proposals
    def draft_proposal(
        self, *, actor: str, table: str, title: str, problem: str, recommendation: str, rationale: str,
        objectives: list[int], targets: list[str], language: str, co_authors: list[UUID | str] | None = None,
        reference: str = "", source: str = "", id: UUID | None = None, command_id: str | None = None,
    ) -> UUID:
        """Draft a proposal as ``actor`` (a member of ``table``); returns its id.

        Raises:
            NotAllowedError: ``not_a_member``.  InvalidInputError: ``objective_not_in_table`` …
        """
        ctx = self.ctx(actor, command_id)
        wt = self.table(table)
        self._require_member(wt, actor, ctx.effective_date)
        co = [_uuid(c, "co_author") for c in co_authors or []]
        for c in co:
            self._require_member(wt, str(c), ctx.effective_date, field="co_authors")
        pid = id or uuid4()
        if self._exists(pid):
            raise InvalidInputError("This proposal already exists.", code="already_registered")
        p = Proposal.draft(
            ctx, id=pid, reference=reference, table=table, author=_uuid(actor, "actor"), co_authors=co, title=title,
            problem=problem, recommendation=recommendation, rationale=rationale, objectives=objectives,
            targets=targets, language=language, source=source,
        )
        self._save(ctx, p)
        return p.id

    def proposal(self, proposal_id: UUID | str) -> Proposal:
        return self._get(Proposal, proposal_id, "proposal")

    def _proposal_at(self, proposal_id: UUID | str, expected_version: int | None) -> Proposal:
        p = self.proposal(proposal_id)
        if expected_version is not None and p.version != expected_version:
            raise ConflictError(
                f"The proposal changed since you opened it (version {expected_version}, now {p.version}); "
                "your text is kept below: compare and submit again."
            )
        return p

    def revise_proposal(
        self, proposal_id: UUID | str, changes: dict[str, Any], *, actor: str, note: str = "",
        expected_version: int | None = None, command_id: str | None = None,
    ) -> int:
        """Revise a proposal (authors, while editable); returns the new aggregate version.

        Raises:
            ConflictError: ``stale_version`` when ``expected_version`` is not current.
        """
        ctx = self.ctx(actor, command_id)
        p = self._proposal_at(proposal_id, expected_version)
        p.revise(ctx, changes, note)
        self._save(ctx, p)
        return int(p.version)

    def add_co_author(self, proposal_id: UUID | str, co_author: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        c = _uuid(co_author, "co_author")
        self._require_member(self.table(p.table), str(c), ctx.effective_date, field="co_author")
        p.add_co_author(ctx, c)
        self._save(ctx, p)

    def remove_co_author(self, proposal_id: UUID | str, co_author: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.remove_co_author(ctx, _uuid(co_author, "co_author"))
        self._save(ctx, p)

    def propose_amendment(
        self, proposal_id: UUID | str, *, actor: str, field: str, operation: str, text: str, replaces: str | None = None,
        justification: str = "", amendment: str | None = None, command_id: str | None = None,
    ) -> str:
        """Propose an amendment as a member of the proposal's table; returns its reference."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        self._require_member(self.table(p.table), actor, ctx.effective_date)
        ref = amendment or f"amd-{len(p.amendments) + 1:02d}-{uuid4().hex[:6]}"
        p.propose_amendment(ctx, amendment=ref, field=field, operation=operation, text=text, replaces=replaces, justification=justification)
        self._save(ctx, p)
        return ref

    def accept_amendment(self, proposal_id: UUID | str, amendment: str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.accept_amendment(ctx, amendment)
        self._save(ctx, p)

    def reject_amendment(self, proposal_id: UUID | str, amendment: str, *, actor: str, reason: str = "", command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.reject_amendment(ctx, amendment, reason)
        self._save(ctx, p)

    def withdraw_amendment(self, proposal_id: UUID | str, amendment: str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.withdraw_amendment(ctx, amendment)
        self._save(ctx, p)

    def submit_proposal(self, proposal_id: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.submit(ctx)
        self._save(ctx, p)

    def withdraw_proposal(self, proposal_id: UUID | str, *, actor: str, reason: str = "", command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        if p.session_id is not None:
            s = self._get(TableDeliberation, p.session_id, "session")
            if s.agenda.get(str(p.id), {}).get("decision"):
                raise RuleViolationError("The table already decided on this proposal.", code="already_decided")
        p.withdraw(ctx, reason)
        self._save(ctx, p)

    # ------------------------------------------------------------------ sessions
    def schedule_session(
        self, *, table: str, quarter: str, on: date, mode: str = "virtual", reference: str = "",
        id: UUID | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        ctx = self.ctx(actor, command_id)
        self.table(table)
        sid = id or uuid4()
        if self._exists(sid):
            raise InvalidInputError("This session already exists.", code="already_registered")
        s = TableDeliberation.schedule(ctx, id=sid, reference=reference, table=table, quarter=quarter, on=on, mode=mode)
        self._save(ctx, s)
        return s.id

    def session(self, session_id: UUID | str) -> TableDeliberation:
        return self._get(TableDeliberation, session_id, "session")

    def _facilitates(self, ctx: Ctx, table: str) -> bool:
        """Whether the actor facilitates ``table`` today: holds one of its seats (DESIGN.md, roles)."""
        if ctx.is_secretariat or ctx.actor in ("administrator",):
            return False
        try:
            return self.table(table).seat_of(ctx.actor, ctx.effective_date) is not None
        except NotFoundError:
            return False

    def add_to_agenda(self, session_id: UUID | str, proposal_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Put a submitted proposal on a session's agenda (the secretariat or a facilitator of
        the table); saves session and proposal together.

        Raises:
            NotAllowedError: ``not_a_facilitator``.  InvalidInputError: ``proposal_of_another_table``,
            ``already_on_agenda``.  InvalidTransitionError: ``session_closed``, ``proposal_not_submitted``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        p = self.proposal(proposal_id)
        s.add_to_agenda(ctx, p.id, p.table, p.submitted_version or p.content_version, facilitator=self._facilitates(ctx, s.table))
        p.put_on_agenda(ctx, s.id)
        self._save(ctx, s, p)

    def record_position(
        self, session_id: UUID | str, proposal_id: UUID | str, *, member: UUID | str, position: str, reason: str = "",
        actor: str | None = None, command_id: str | None = None,
    ) -> None:
        """A member states a position on an agenda item (themselves, or recorded by the secretariat).

        Only members of the session's table on the effective date take positions; a later
        position of the same member on the same item replaces the earlier one in the tally
        (both stay in the history). A withdrawn proposal takes no more positions.

        Raises:
            NotAllowedError: ``not_allowed``, ``not_a_member``.
            RuleViolationError: ``proposal_withdrawn``.
            InvalidTransitionError: ``session_closed``, ``already_decided``.
            InvalidInputError: ``not_on_agenda``, ``unknown_position``.
        """
        mid = _uuid(member, "member")
        ctx = self.ctx(actor or str(mid), command_id)
        if not (ctx.acts_as(mid) or ctx.is_secretariat):
            raise NotAllowedError("A member states their own position.", code="not_allowed")
        s = self.session(session_id)
        t = self.table(s.table)
        if str(proposal_id) in s.agenda and self.proposal(proposal_id).status == "withdrawn":
            raise RuleViolationError("The authors withdrew this proposal; it takes no more positions.", code="proposal_withdrawn")
        s.record_position(ctx, proposal_id=_uuid(proposal_id, "proposal"), member=mid, is_member=t.is_member(mid, ctx.effective_date), position=position, reason=reason)
        self._save(ctx, s)

    def decide(self, session_id: UUID | str, proposal_id: UUID | str, decision: str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record the table's decision (the secretariat or a facilitator of the table) under the
        rules in force; saves the session and the proposal in one transaction.

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            RuleViolationError: ``quorum_not_reached``, ``decision_not_permitted``, ``not_the_submitted_version``.
            InvalidTransitionError: ``session_closed``, ``already_decided``, ``proposal_not_on_agenda``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        p = self.proposal(proposal_id)
        version = s.decide(ctx, proposal_id=p.id, decision=decision, rules=self.rules(), facilitator=self._facilitates(ctx, s.table))
        p.record_table_decision(ctx, s.id, decision, version)
        self._save(ctx, s, p)

    def open_session(self, session_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record that a session's meeting started (optional; on or after its date).

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            InvalidTransitionError: ``session_closed``, ``session_already_open``, ``session_not_due``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        s.open(ctx, facilitator=self._facilitates(ctx, s.table))
        self._save(ctx, s)

    def close_session(self, session_id: UUID | str, minutes: str = "", *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Close a session with its minutes (the secretariat or a facilitator); it then takes nothing more.

        Raises:
            NotAllowedError: ``not_a_facilitator``.  InvalidTransitionError: ``session_closed``.
            InvalidInputError: ``minutes_required``.
        """
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        s.close(ctx, minutes, facilitator=self._facilitates(ctx, s.table))
        self._save(ctx, s)

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

    def liaison_table(self) -> LiaisonTable | None:
        """The Liaison Table's record of UN seats (None before the first nomination)."""
        if not self._exists(LIAISON_TABLE_ID):
            return None
        return self._get(LiaisonTable, LIAISON_TABLE_ID, "liaison table")

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

    def seat_holder(self, seat: str, on: date) -> str | None:
        """The participant id holding Liaison Table ``seat`` on date ``on``: a representative
        in their term, or a UN seat's focal point (None when vacant)."""
        if seat in UN_SEATS:
            lt = self.liaison_table()
            n = lt.un_seat(seat, on) if lt else None
            return None if n is None or not n["focal_point"] else str(n["focal_point"])
        parts = seat.split("-")
        if len(parts) != 3 or parts[1] not in table_objectives():
            return None
        term = self.table(parts[1]).holder(seat, on)
        return None if term is None else str(term["participant"])

    # ------------------------------------------------------------------ Liaison Table
    def open_endorsement(
        self, proposal_id: UUID | str, closes_on: date, *, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """Open the Liaison Table's round on an adopted proposal; saves round and proposal together."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        eid = endorsement_id(p.id, 1 + sum(1 for _ in self._rounds_of(p)))
        round_ = LiaisonEndorsement.open(ctx, id=eid, proposal_id=p.id, version=p.decided_version or 0, session_id=p.session_id, closes_on=closes_on)
        p.put_to_liaison_table(ctx, eid)
        self._save(ctx, round_, p)
        return eid

    def _rounds_of(self, p: Proposal) -> Iterator[UUID]:
        n = 1
        while self._exists(endorsement_id(p.id, n)):
            yield endorsement_id(p.id, n)
            n += 1

    def endorsement(self, round_id: UUID | str) -> LiaisonEndorsement:
        return self._get(LiaisonEndorsement, round_id, "endorsement round")

    def current_round(self, proposal_id: UUID | str) -> LiaisonEndorsement:
        p = self.proposal(proposal_id)
        if p.endorsement_id is None:
            raise NotFoundError("No endorsement round was opened on this proposal.", code="no_endorsement_round")
        return self.endorsement(p.endorsement_id)

    def vote_on_endorsement(
        self, proposal_id: UUID | str, *, seat: str, participant_id: UUID | str, vote: str, reason: str = "",
        actor: str | None = None, command_id: str | None = None,
    ) -> None:
        """A seat holder endorses or objects (``vote``: ``endorse`` | ``object``)."""
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor or str(pid), command_id)
        p = self.proposal(proposal_id)
        r = self.current_round(p.id)
        holder = self.seat_holder(seat, ctx.effective_date)
        r.vote(ctx, seat=seat, participant_id=pid, vote=vote, reason=reason, holder_on_date=holder, is_author=p.is_author(str(pid)), rules=self.rules())
        self._save(ctx, r)

    def record_un_advice(self, proposal_id: UUID | str, *, seat: str, agency: str = "", advice: str, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record the advice of the UN agency holding ``seat`` on the proposal's open round.

        Raises:
            RuleViolationError: ``un_seat_vacant``.  InvalidInputError: ``agency_not_on_seat``, ``unknown_seat``.
            InvalidTransitionError: ``round_closed``, ``round_past_deadline``.
        """
        ctx = self.ctx(actor, command_id)
        r = self.current_round(proposal_id)
        lt = self.liaison_table()
        nomination = lt.un_seat(seat, ctx.effective_date) if lt else None
        r.record_un_advice(ctx, seat=seat, agency=agency, advice=advice, nomination=nomination)
        self._save(ctx, r)

    def close_endorsement(self, proposal_id: UUID | str, *, early: bool = False, actor: str = SECRETARIAT, command_id: str | None = None) -> str:
        """Close the proposal's round by its tally; returns ``endorsed`` or ``not_endorsed``."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        r = self.current_round(p.id)
        rules = self.rules()
        endorsed = r.close(ctx, rules, early=early)
        p.conclude_liaison_review(ctx, endorsed, dict(r.tally or endorsement_tally(r.votes)))
        self._save(ctx, r, p)
        return "endorsed" if endorsed else "not_endorsed"

    def open_rounds(self) -> dict[UUID, date]:
        """Open endorsement rounds and their ``closes_on`` dates, read from the log's
        ``Opened`` and ``Closed`` events (without loading each round)."""
        opened, closed = "domain.endorsement:LiaisonEndorsement.Opened", "domain.endorsement:LiaisonEndorsement.Closed"
        rounds: dict[UUID, date] = {}
        start: int | None = None
        while True:
            batch = self.recorder.select_notifications(start, 500, topics=[opened, closed], inclusive_of_start=False)
            if not batch:
                return rounds
            for n in batch:
                rid = UUID(str(n.originator_id))
                if n.topic == opened:
                    rounds[rid] = self.mapper.to_domain_event(n).closes_on  # type: ignore[attr-defined]
                else:
                    rounds.pop(rid, None)
            start = batch[-1].id

    def close_due(self, *, command_prefix: str | None = None) -> list[tuple[UUID, str]]:
        """The deadline job: close every round whose ``closes_on`` is before today.

        Returns ``[(proposal_id, outcome), …]``. Safe to run concurrently and repeatedly:
        the command id names the round, so a round is closed once.
        """
        today = self.clock.today()
        closed: list[tuple[UUID, str]] = []
        for rid, closes_on in self.open_rounds().items():
            if not today > closes_on:
                continue
            r = self.endorsement(rid)
            if not r.is_due(today):
                continue
            cid = f"{command_prefix or 'close-due'}:{rid}"
            try:
                outcome = self.close_endorsement(r.proposal_id, command_id=cid)
            except CommandAlreadyAppliedError:
                continue
            closed.append((UUID(r.proposal_id), outcome))
        return closed

    def publish_to_governments(
        self, proposal_id: UUID | str, recipients: list[str] | None = None, *, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Publish an endorsed recommendation; ``recipients`` default to its targets."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.publish_to_governments(ctx, list(recipients) if recipients else list(p.targets))
        self._save(ctx, p)

    def record_government_response(
        self, proposal_id: UUID | str, *, country: str, status: str, response: str, language: str = "es",
        responding_entity: str = "", response_date: date | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.record_government_response(ctx, country=country, status=status, response=response, language=language, responding_entity=responding_entity, response_date=response_date)
        self._save(ctx, p)

    # ------------------------------------------------------------------ follow-up and cadence
    def record_follow_up(
        self, proposal_id: UUID | str, *, country: str, progress: str, note: str, on: date | None = None,
        actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record implementation progress of a published recommendation in ``country``,
        after that state's response (see :meth:`Proposal.record_follow_up`)."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.record_follow_up(ctx, country=country, progress=progress, note=note, on=on)
        self._save(ctx, p)

    def schedule_government_dialogue(
        self, *, period: str, on: date, title: str, governments: list[str], mode: str = "virtual",
        actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> UUID:
        """Schedule the biannual dialogue with governments of half-year ``period``
        (``2026-H1``); returns its id (:func:`government_dialogue_id` of the period).

        Raises:
            RuleViolationError: ``dialogue_already_scheduled`` (one per half-year).
            (and every error of :meth:`GovernmentDialogue.schedule`)
        """
        ctx = self.ctx(actor, command_id)
        d = GovernmentDialogue.schedule(ctx, period=period, on=on, title=title, governments=list(governments), mode=mode)
        if self._exists(d.id):
            raise RuleViolationError(f"The dialogue with governments of {period} is already scheduled.", code="dialogue_already_scheduled", field="period")
        self._save(ctx, d)
        return d.id

    def government_dialogue(self, dialogue: UUID | str) -> GovernmentDialogue:
        """A dialogue by id, or by its half-year (``2026-H1``)."""
        if isinstance(dialogue, str) and PERIOD.match(dialogue):
            dialogue = government_dialogue_id(dialogue)
        return self._get(GovernmentDialogue, dialogue, "government dialogue")

    def present_at_dialogue(
        self, dialogue: UUID | str, proposal_id: UUID | str, *, note: str = "", actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Record that an endorsed recommendation was presented at a dialogue with governments.

        Raises:
            RuleViolationError: ``not_a_recommendation``, ``already_presented``.
            InvalidTransitionError: ``dialogue_not_held_yet``.
        """
        ctx = self.ctx(actor, command_id)
        d = self.government_dialogue(dialogue)
        p = self.proposal(proposal_id)
        d.present(ctx, proposal_id=p.id, proposal_status=p.status, version=int(p.decided_version or 0), note=note)
        self._save(ctx, d)

    # ------------------------------------------------------------------ personal data
    def erase_participant(self, participant_id: UUID | str, *, reason: str = "", actor: str = "administrator", command_id: str | None = None) -> list[str]:
        """Erase a person's personal data (DESIGN.md, "Participant"; issue 4: right to erasure).

        One transaction saves, in this order: a ``SeatVacated`` (recorded as the
        secretariat, reason ``personal data erased``) for every term the person holds
        today or was elected to for later, their ``PersonalDataErased`` event, and the deletion of their
        key; nothing is saved when any of it is refused. Returns the seats vacated
        (e.g. ``["LT-RT1-A"]``).

        Raises:
            NotFoundError: no such participant.
            NotAllowedError: ``not_allowed`` (only the person, the secretariat or an administrator).
            InvalidTransitionError: ``already_erased``.
        """
        pid = _uuid(participant_id, "participant")
        ctx = self.ctx(actor, command_id)
        p = self.participant(pid)
        p.erase(ctx, reason)
        vctx = Ctx(actor=SECRETARIAT, effective_date=ctx.effective_date, command_id=ctx.command_id)
        tables: list[WorkingTable] = []
        seats: list[str] = []
        for code in sorted(table_objectives()):
            try:
                t = self.table(code)
            except NotFoundError:
                continue  # a table not registered yet holds no seats
            vacated = t.vacate_terms_of(vctx, pid, "personal data erased")
            if vacated:
                tables.append(t)
                seats.extend(vacated)
        self._save(ctx, *tables, p, erase_key=str(pid))
        return seats
