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
from domain.errors import InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError
from domain.ids import endorsement_id, table_id
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
        """The context of a command run now by ``actor``."""
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

    def add_to_agenda(self, session_id: UUID | str, proposal_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Put a submitted proposal on a session's agenda; saves session and proposal together."""
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        p = self.proposal(proposal_id)
        s.add_to_agenda(ctx, p.id, p.table, p.submitted_version or p.content_version)
        p.put_on_agenda(ctx, s.id)
        self._save(ctx, s, p)

    def record_position(
        self, session_id: UUID | str, proposal_id: UUID | str, *, member: UUID | str, position: str, reason: str = "",
        actor: str | None = None, command_id: str | None = None,
    ) -> None:
        """A member states a position on an agenda item (themselves, or recorded by the secretariat)."""
        mid = _uuid(member, "member")
        ctx = self.ctx(actor or str(mid), command_id)
        if not (ctx.acts_as(mid) or ctx.is_secretariat):
            raise NotAllowedError("A member states their own position.", code="not_allowed")
        s = self.session(session_id)
        t = self.table(s.table)
        s.record_position(ctx, proposal_id=_uuid(proposal_id, "proposal"), member=mid, is_member=t.is_member(mid, ctx.effective_date), position=position, reason=reason)
        self._save(ctx, s)

    def decide(self, session_id: UUID | str, proposal_id: UUID | str, decision: str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Record the table's decision; saves the session and the proposal in one transaction."""
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        p = self.proposal(proposal_id)
        version = s.decide(ctx, proposal_id=p.id, decision=decision, rules=self.rules())
        p.record_table_decision(ctx, s.id, decision, version)
        self._save(ctx, s, p)

    def close_session(self, session_id: UUID | str, minutes: str = "", *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        s = self.session(session_id)
        s.close(ctx, minutes)
        self._save(ctx, s)

    # ------------------------------------------------------------------ representatives
    def elect_representative(
        self, *, table: str, seat: str, participant_id: UUID | str, term_start: date, term_end: date | None = None,
        session_id: UUID | str | None = None, votes: dict[str, int] | None = None, actor: str = SECRETARIAT,
        command_id: str | None = None,
    ) -> None:
        """Record the table's election of a representative; parity is checked on the genders
        read here and never stored (the participant versions read are)."""
        ctx = self.ctx(actor, command_id)
        t = self.table(table)
        pid = _uuid(participant_id, "participant")
        candidate = self.participant(pid)
        genders: dict[str, str | None] = {str(pid): candidate.gender}
        versions = {str(pid): int(candidate.version)}
        other = next(s for s in (f"LT-{table}-A", f"LT-{table}-B") if s != seat)
        holder = t.holder(other, term_start)
        if holder:
            o = self.participant(holder["participant"])
            genders[holder["participant"]] = o.gender
            versions[holder["participant"]] = int(o.version)
        t.elect_representative(
            ctx, seat=seat, participant_id=pid, term_start=term_start, term_end=term_end, genders=genders,
            participant_versions=versions, session_id=_uuid(session_id, "session") if session_id else None, votes=votes,
        )
        self._save(ctx, t)

    def vacate_seat(self, table: str, seat: str, reason: str = "", *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        t = self.table(table)
        t.vacate_seat(ctx, seat, reason)
        self._save(ctx, t)

    def seat_holder(self, seat: str, on: date) -> str | None:
        """The participant id holding Liaison Table ``seat`` on date ``on``."""
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
        holder = self.seat_holder(seat, ctx.effective_date) if seat not in UN_SEATS else None
        r.vote(ctx, seat=seat, participant_id=pid, vote=vote, reason=reason, holder_on_date=holder, is_author=p.is_author(str(pid)), rules=self.rules())
        self._save(ctx, r)

    def record_un_advice(self, proposal_id: UUID | str, *, seat: str, agency: str, advice: str, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        r = self.current_round(proposal_id)
        r.record_un_advice(ctx, seat=seat, agency=agency, advice=advice)
        self._save(ctx, r)

    def close_endorsement(self, proposal_id: UUID | str, *, early: bool = False, actor: str = SECRETARIAT, command_id: str | None = None) -> str:
        """Close the proposal's round by its tally; returns ``endorsed`` or ``not_endorsed``."""
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        r = self.current_round(p.id)
        rules = self.rules()
        endorsed = r.close(ctx, rules, early=early)
        p.conclude_liaison_review(ctx, endorsed, endorsement_tally(r.votes))
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

    # ------------------------------------------------------------------ personal data
    def erase_participant(self, participant_id: UUID | str, *, reason: str = "", actor: str = "administrator", command_id: str | None = None) -> list[str]:
        """Erase a person's personal data (DESIGN.md, "Participant"; issue 4: right to erasure).

        One transaction saves, in this order: a ``SeatVacated`` (recorded as the
        secretariat, reason ``personal data erased``) for every Liaison Table seat the
        person holds today, their ``PersonalDataErased`` event, and the deletion of their
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
            t = self.table(code)
            seat = t.seat_of(pid, ctx.effective_date)
            if seat:
                t.vacate_seat(vctx, seat, "personal data erased")
                tables.append(t)
                seats.append(seat)
        self._save(ctx, *tables, p, erase_key=str(pid))
        return seats
