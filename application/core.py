"""The core of :class:`application.service.DialogueApplication`: wiring and the helpers
every command uses (context, save, load). The commands live in ``application/commands/``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper
from sqlalchemy import Connection, Engine, bindparam, literal, select

from application.aggregate_cache import CACHE_SIZE, AggregateCache, CopyingRepository
from application.clock import Clock, FixedClock
from application.errors import CommandAlreadyAppliedError
from application.persistence import (
    APPLICATION_NAME,
    DateAsISO,
    DialogueRecorder,
    KeyStore,
    PersonalDataMapper,
    commands_table,
    get_engine,
    keys_table,
)
from application.preconditions import check_expected
from application.references import reference_taken
from application.retry import ConcurrentWriteError, retry_on_conflict
from application.snapshots import INTERVALS, take_due_snapshots
from domain.base import SECRETARIAT, Ctx, DialogueAggregate
from domain.deliberation import TableDeliberation
from domain.endorsement import UN_SEATS
from domain.errors import (
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
)
from domain.ids import table_id
from domain.liaison_table import LIAISON_TABLE_ID, LiaisonTable
from domain.participant import Participant
from domain.proposal import Proposal
from domain.reference import table_objectives
from domain.settings import DEFAULT_RULES, SETTINGS_ID, MechanismSettings, Rules
from domain.working_table import WorkingTable
from projections.deadlines import OpenRoundsView
from projections.reads import read_one_statement

A = TypeVar("A", bound=DialogueAggregate)
T = TypeVar("T")

# A command's two look-ups (its id applied before? its actor's key stored?) in one
# statement, built once: two scalar subqueries, each one primary-key probe.
_APPLIED_AND_KEY = select(
    select(literal(1)).where(commands_table.c.command_id == bindparam("command_id")).scalar_subquery().label("applied"),
    select(literal(1)).where(keys_table.c.participant_id == bindparam("person")).scalar_subquery().label("holds_key"),
)


def _uuid(value: UUID | str, field: str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError as e:
        raise InvalidInputError(f"{field} is not a valid id.", code="invalid_id", field=field) from e


class ApplicationCore(Application[UUID]):
    """Wiring and helpers shared by the command mixins (event store name ``Dialogue``)."""

    name = APPLICATION_NAME
    # Snapshots of the aggregates whose histories grow (application/snapshots.py).
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = INTERVALS

    def __init__(self, *, database_url: str, clock: Clock | None = None, keys: KeyStore | None = None, create_tables: bool = True) -> None:
        self.clock: Clock = clock or FixedClock(date.today())
        self.keys = keys
        self.database_url = database_url
        self._local = threading.local()
        self.on_saved: list[Callable[[int], None]] = []
        # The deadline job's view of open rounds (wired by the composition root; without
        # it the job reads the whole log by topic).
        self.open_rounds_view: OpenRoundsView | None = None
        super().__init__(
            env={
                "PERSISTENCE_MODULE": "application.persistence:DialogueFactory",
                "SQLALCHEMY_URL": database_url,
                "CREATE_TABLE": "y" if create_tables else "n",
            }
        )

    # ------------------------------------------------------------------ wiring
    def construct_repository(self) -> Repository[UUID]:
        """The library's repository with the aggregate cache of
        :mod:`application.aggregate_cache` (fast-forwarded on every get; never personal data),
        a command getting a cheap copy of a cached aggregate (:func:`~application.aggregate_cache.copy_aggregate`)."""
        repository = CopyingRepository(event_store=self.events, snapshot_store=self.snapshots, fastforward=True, deepcopy_from_cache=True)
        repository.cache = AggregateCache(maxsize=CACHE_SIZE)
        return repository

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

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        take_due_snapshots(self.snapshots, self.snapshotting_intervals, processing_event.aggregates, processing_event.events)

    # ------------------------------------------------------------------ helpers
    def ctx(self, actor: str, command_id: str | None = None) -> Ctx:
        """The context of a command run now by ``actor``.

        Raises:
            CommandAlreadyAppliedError: ``command_id`` was applied before (a re-sent form):
                checked first, so a repeat is never mistaken for a conflict.
            NotAllowedError: ``sign_in_required``, ``not_yourself``, ``secretariat_only``,
                ``administrator_only`` when an identity is bound (:func:`application.roles.acting_as`)
                and may not act as ``actor`` on today's date.
            NotAllowedError: ``participant_erased`` when the actor is a participant whose
                data was erased (they take no further part under that id).
        """
        person_check = actor not in (SECRETARIAT, "administrator")
        applied, holds_key = self._applied_and_holds_key(command_id, actor if person_check else None)
        if applied:
            raise CommandAlreadyAppliedError(f"Command {command_id} was already applied.")
        today = self.clock.today()
        self._authorise(actor, today)
        if person_check and not holds_key:
            # A participant's key is deleted in the transaction that records their erasure:
            # while it is there they are not erased, and their history need not be loaded.
            try:
                person: Any = self.repository.get(UUID(actor))
            except (ValueError, AggregateNotFoundError):
                person = None
            if isinstance(person, Participant) and person.erased:
                raise NotAllowedError("This person's data was erased; they take no further part under this id.", code="participant_erased")
        return Ctx(actor=actor, effective_date=today, command_id=command_id or f"cmd:{uuid4()}")

    def _applied_and_holds_key(self, command_id: str | None, person: str | None) -> tuple[bool, bool]:
        """Whether ``command_id`` was applied, and whether ``person`` (None: not a person)
        holds a key: both answered by one statement."""
        if command_id is None and (person is None or self.keys is None):
            return False, False
        row = read_one_statement(self.engine, lambda c: c.execute(_APPLIED_AND_KEY, {"command_id": command_id, "person": person}).one())
        return row.applied is not None, person is not None and self.keys is not None and row.holds_key is not None

    def _participant_reference_taken(self, reference: str) -> bool:
        with self.engine.connect() as c:
            return reference_taken(c, reference)

    def check_reference_free(self, reference: str, *, field: str = "reference") -> None:
        """Raises InvalidInputError ``already_registered`` when a registered participant has
        ``reference`` (without regard to case or surrounding spaces; read from the log's
        registrations' index, :mod:`application.references`): the secretariat's, the command
        line's and a join acceptance's check."""
        if self._participant_reference_taken(reference):
            raise InvalidInputError(f"A participant already has the reference {reference.strip()}.", code="already_registered", field=field)

    def _authorise(self, actor: str, on: date) -> None:
        """Refuse an ``actor`` the identity bound to this context may not act as
        (:mod:`application.roles`; the access mixin decides)."""

    table_id = staticmethod(table_id)
    settings_id = SETTINGS_ID

    def command_position(self, command_id: str) -> int:
        """The last notification id the command wrote (0 when unknown; one statement,
        :func:`projections.reads.read_one_statement`)."""
        statement = select(commands_table.c.last_position).where(commands_table.c.command_id == command_id)
        return int(read_one_statement(self.engine, lambda c: c.execute(statement).scalar()) or 0)

    def command_applied(self, command_id: str) -> bool:
        """Whether a command with this id was already applied (its events are stored; one
        statement, :func:`projections.reads.read_one_statement`)."""
        return read_one_statement(self.engine, lambda c: self._command_applied(c, command_id))

    @staticmethod
    def _command_applied(c: Connection, command_id: str) -> bool:
        return c.execute(select(commands_table.c.command_id).where(commands_table.c.command_id == command_id)).first() is not None

    def _save(self, ctx: Ctx, *aggregates: DialogueAggregate, **kwargs: Any) -> None:
        """Save ``aggregates`` atomically under the command's id.

        Raises:
            CommandAlreadyAppliedError: the command id was applied meanwhile.
            ConcurrentWriteError: (a ``ConflictError``) another command wrote to one of them since it was read.
        """
        read = {a.id: a.version - len(a.pending_events) for a in aggregates}
        try:
            recordings = self.save(*aggregates, command_id=ctx.command_id, **kwargs)
        except IntegrityError as e:
            if self.command_applied(ctx.command_id):
                raise CommandAlreadyAppliedError(f"Command {ctx.command_id} was already applied.") from e
            raise ConcurrentWriteError("Someone changed this in the meantime; reload and try again.", read=read) from e
        if recordings:
            position = max(r.notification.id for r in recordings)
            self._local.last_position = position
            for callback in self.on_saved:
                callback(position)

    def _retrying(self, attempt: Callable[[], T], own_change: Callable[[Any], bool] | None = None) -> T:
        """Run ``attempt`` (load → check → save) again when it meets a concurrent write,
        unless ``own_change`` holds for an event written meanwhile (:mod:`application.retry`)."""
        return retry_on_conflict(attempt, written_since=self._written_since, own_change=own_change)

    def _written_since(self, read: dict[UUID, int]) -> list[Any]:
        """The domain events stored on each aggregate after the version read."""
        return [
            self.mapper.to_domain_event(stored)
            for aggregate_id, version in read.items()
            for stored in self.recorder.select_events(aggregate_id, gt=version)
        ]

    def _get(self, cls: type[A], aggregate_id: UUID | str, what: str) -> A:
        try:
            agg: Any = self.repository.get(_uuid(aggregate_id, what))
        except AggregateNotFoundError as e:
            raise NotFoundError(f"No {what} with id {aggregate_id}.", field=what) from e
        if not isinstance(agg, cls):
            raise NotFoundError(f"No {what} with id {aggregate_id}.", field=what)
        check_expected(agg)  # the API's If-Match (application/preconditions.py)
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

    def _facilitates(self, ctx: Ctx, table: str | None) -> bool:
        """Whether the actor facilitates ``table`` on the command's date: holds one of its
        seats (docs/design.md, "Who uses it"); never the secretariat, an administrator or
        the public acting as such, nor anyone for no table."""
        if table is None or ctx.is_secretariat or ctx.is_public or ctx.actor == "administrator":
            return False
        try:
            return self.table(table).seat_of(ctx.actor, ctx.effective_date) is not None
        except NotFoundError:
            return False

    def _require_member(self, table: WorkingTable, participant_id: str, on: date, field: str = "actor") -> None:
        if not table.is_member(participant_id, on):
            raise NotAllowedError(f"Only members of {table.code} can do this.", code="not_a_member", field=field)

    # ------------------------------------------------------------------ loaders used across areas

    def session(self, session_id: UUID | str) -> TableDeliberation:
        return self._get(TableDeliberation, session_id, "session")

    def liaison_table(self) -> LiaisonTable | None:
        """The Liaison Table's record of UN seats (None before the first nomination)."""
        if not self._exists(LIAISON_TABLE_ID):
            return None
        return self._get(LiaisonTable, LIAISON_TABLE_ID, "liaison table")

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

    def proposal(self, proposal_id: UUID | str) -> Proposal:
        return self._get(Proposal, proposal_id, "proposal")

    def participant(self, participant_id: UUID | str) -> Participant:
        return self._get(Participant, participant_id, "participant")
