"""Persistence wiring: one SQLAlchemy URL configures the event store (eventsourcing-sqlalchemy).

What this module adds to the library's recorder, in the same transaction as the events:

- the **hash chain** rows (:mod:`application.chain`), computed under the events table
  lock (PostgreSQL ``LOCK TABLE … IN EXCLUSIVE MODE``; SQLite's single writer), so the
  chain follows notification order exactly;
- the **tree** of the transparency log (:mod:`application.tlog.store`): leaves and
  completed subtrees of the new events;
- the **command id** of the command that caused the events (unique: a scenario step or a
  form submission is applied exactly once);
- the deletion of a participant's **key** when the events record their erasure.

It also holds the :class:`PersonalDataMapper`, which encrypts the ``personal_fields`` of
Participant events with that participant's own AES-GCM key (``cryptography``), keys being
wrapped by a master key given by configuration (never stored in the database).
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    ApplicationRecorder,
    JSONTranscoder,
    Mapper,
    Notification,
    StoredEvent,
    Transcoding,
)
from eventsourcing.utils import Environment, get_topic, resolve_topic
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore, Transaction
from eventsourcing_sqlalchemy.datastore import transactions as library_transactions
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session, sessionmaker

from application.chain import GENESIS, link
from application.files import create_private_sqlite_file
from application.keys import (
    KEY_CHECK_PLAINTEXT,
    KeyStore,
    MasterKeyError,
    generate_master_key,
    parse_master_key,
    read_master_key_file,
)
from application.liveness import RECYCLE_SECONDS, check_on_checkout
from application.references import index_registrations
from application.schema import upgrade_own_tables
from application.subscription import PromptSubscription
from application.tables import (
    APPLICATION_NAME,
    EVENTS_TABLE,
    BigInt,
    chain_table,
    commands_table,
    key_check_table,
    keys_table,
    metadata,
    tree_leaves,
    tree_nodes,
)
from application.tlog.store import Appended, Edge, Tip, leaves_of, read_tip, tip_statement
from projections.reads import again_if_disconnected, read_one_statement, reader
from projections.runner import ViewsFailed
from projections.tracking import LockingTrackingRecorder

# Re-exported: the tables and the key store are read as ``application.persistence.<name>``.
__all__ = [
    "APPLICATION_NAME", "EVENTS_TABLE", "KEY_CHECK_PLAINTEXT", "BigInt", "DateAsISO", "DialogueFactory",
    "DialogueRecorder", "KeyStore", "MasterKeyError", "PersonalDataMapper", "chain_table", "commands_table",
    "dispose_engines", "drop_erased_keys", "erased_participant_ids", "generate_master_key", "get_engine",
    "key_check_table", "keys_table", "metadata", "notifications", "parse_master_key", "read_master_key_file",
]


class DateAsISO(Transcoding):
    """Calendar dates as ``YYYY-MM-DD`` in stored events."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


# ---------------------------------------------------------------------------- engines
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    # Overwrite deleted content (erased keys, redacted directory rows) in the file.
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


CONNECT_TIMEOUT_SECONDS = 10
"""How long a new PostgreSQL connection waits for a database host that does not answer."""


def get_engine(url: str) -> Engine:
    """One engine per database URL in a process (created after a fork, never before).

    SQLite files get WAL, a 30 s busy timeout and ``secure_delete``; a new one is created
    readable by its owner only (:func:`application.files.create_private_sqlite_file`).
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                create_private_sqlite_file(url)  # mode 0600 before SQLite creates it
                # hide_parameters: SQL logs and error messages never carry values (names).
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                # A database host that stops answering fails a connection in 10 s (so /readyz
                # answers 503 instead of hanging).
                connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if url.startswith("postgresql") else {}
                # No ``pool_pre_ping`` (a round trip per checkout): each connection taken
                # from the pool is checked by its socket (:mod:`application.liveness`).
                engine = create_engine(url, pool_recycle=RECYCLE_SECONDS, hide_parameters=True, connect_args=connect_args)
                check_on_checkout(engine)
            _engines[url] = engine
        return engine


LAST_RESULT = "dialogue_last_result"
"""Execution option of a query of several statements without parameters whose answer is
its last statement's result (:func:`_last_result`)."""


def _last_result(cursor: Any, statement: str, context: Any) -> bool:
    """SQLAlchemy's ``do_execute_no_params``: a query with the :data:`LAST_RESULT` option is
    executed and its cursor moved to its last statement's result (psycopg leaves it on the
    first), which SQLAlchemy then reads as the result; any other is left to SQLAlchemy."""
    if not context.execution_options.get(LAST_RESULT):
        return False
    cursor.execute(statement)
    while cursor.nextset():
        pass
    return True


def dispose_engines() -> None:
    """Close every pooled connection (after a fork, at shutdown, in tests)."""
    with _engines_lock:
        for e in _engines.values():
            e.dispose()
        _engines.clear()


# ---------------------------------------------------------------------------- recorder
class DialogueRecorder(SQLAlchemyApplicationRecorder):
    """The library's application recorder, plus chain, command ids and key deletion.

    Extra keyword arguments of ``Application.save`` (passed through to ``insert_events``):

    - ``command_id``: recorded once; a second save with the same id raises
      ``eventsourcing.persistence.IntegrityError`` and stores nothing;
    - ``erase_key``: a participant id whose key row is deleted in the same transaction.
    """

    # Called in the events' transaction with the new notifications and a function giving
    # the log's last position before a position (the inline views,
    # :meth:`ViewProjector.apply_in_transaction`); returns whether the views were brought
    # up to date there.
    views: Callable[[Session, Sequence[Notification], Callable[[Session, int], int]], bool] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._insert_returning: Any = None
        self._selects: dict[tuple[bool, bool, bool, bool], Any] = {}
        self._local = threading.local()
        # The transparency log's right edge as this process's last save left it
        # (:class:`application.tlog.store.Edge`): used only when the next save's read of the
        # tip shows the same tree size, last leaf and chain head.
        self._edge: Edge | None = None
        # PostgreSQL's save statements (:meth:`_reserve`, :meth:`_write_all`), built once.
        table = self.events_table_name
        self._reserve_sql = reserve_sql(table)
        self._write_statements: dict[tuple[bool, str], Any] = {}

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Any:
        """The library's LISTEN/NOTIFY subscription (PostgreSQL), taking a notification as
        soon as it arrives (:mod:`application.subscription`)."""
        assert self.datastore.engine
        if self.datastore.engine.dialect.name != "postgresql":
            return super().subscribe(gt=gt, topics=topics)
        return PromptSubscription(recorder=self, gt=gt, topics=topics)

    def create_table(self) -> None:
        """The library creates its events table; the project's own tables follow their
        migrations (:func:`application.schema.upgrade_own_tables`)."""
        super().create_table()
        assert self.datastore.engine is not None
        engine = cast(Engine, self.datastore.engine)
        # Reading the log by topic (the deadline job's tail, erased participants) is an
        # index range, not a scan of every event. Created here, after the library's table,
        # so that `dialogue db upgrade` adds it to an existing database too.
        with engine.begin() as c:
            c.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {self.events_table_name}_topic_id_idx ON {self.events_table_name} (topic, id)")
        upgrade_own_tables(engine)

    def _insert_events(self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        erase_key = kwargs.get("erase_key")
        if erase_key:
            session.execute(delete(keys_table).where(keys_table.c.participant_id == str(erase_key)))

    def insert_events(self, stored_events: Sequence[StoredEvent], *, session: Session | None = None, **kwargs: Any) -> Sequence[int] | None:
        """The library's insert; when the inline views fail (:class:`projections.runner.ViewsFailed`)
        the whole transaction is rolled back and the events are stored again without them:
        a view failure never turns into an error of the stored command (the views catch up
        after it, and report the failure)."""
        self._local.pending = self._local.saved = None
        if session is not None or not self.views_enabled():
            ids = self._without_views(stored_events, session=session, **kwargs)
        else:
            try:
                ids = super().insert_events(stored_events, **kwargs)
            except ViewsFailed:
                ids = self._without_views(stored_events, **kwargs)
        if session is None:
            self._local.saved = self._local.pending  # committed: the library's transaction ended
        return ids

    def just_saved(self, after: int, until: int) -> Sequence[Notification] | None:
        """The notifications this thread's last insert stored and committed, when they are
        exactly the log's events after position ``after`` up to ``until`` (None otherwise):
        their first came right after ``after`` (the save read it under the events' lock) and
        their last is ``until``. A request bringing the views up to its own write
        (:meth:`projections.runner.ViewProjector.reach`) applies them without reading them
        back from the log."""
        saved = getattr(self._local, "saved", None)
        if saved is None:
            return None
        before, notes = saved
        return notes if before == after and notes[-1].id == until else None

    def _without_views(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        previous = getattr(self._local, "no_views", False)
        self._local.no_views = True
        try:
            return super().insert_events(stored_events, **kwargs)
        finally:
            self._local.no_views = previous

    def views_enabled(self) -> bool:
        return self.views is not None and not getattr(self._local, "no_views", False)

    def _store(self, session: Session, stored_events: Sequence[StoredEvent]) -> list[int]:
        """The library's insert of the events, as one prebuilt statement answering their
        positions (``RETURNING``) instead of ORM records flushed one by one."""
        if not stored_events:
            return []
        t = self.events_record_cls.__table__
        if self._insert_returning is None:
            self._insert_returning = insert(t).returning(t.c.id, sort_by_parameter_order=True)
        self._lock_table(session)  # PostgreSQL: positions committed in the order given
        rows = [{"originator_id": e.originator_id, "originator_version": e.originator_version, "topic": e.topic, "state": e.state} for e in stored_events]
        ids = [int(i) for i in session.execute(self._insert_returning, rows).scalars()]
        self._notify_channel(session)
        return ids

    def select_events(
        self, originator_id: UUID | str, gt: int | None = None, lte: int | None = None, desc: bool = False, limit: int | None = None,
    ) -> list[StoredEvent]:
        """The library's ``select_events`` through prebuilt Core statements (one per shape
        of the arguments) instead of an ORM query built and loaded per call."""
        shape = (gt is not None, lte is not None, desc, limit is not None)
        statement = self._selects.get(shape)
        if statement is None:
            t = self.events_record_cls.__table__
            statement = select(t.c.originator_id, t.c.originator_version, t.c.topic, t.c.state).where(t.c.originator_id == bindparam("originator_id"))
            if gt is not None:
                statement = statement.where(t.c.originator_version > bindparam("gt"))
            if lte is not None:
                statement = statement.where(t.c.originator_version <= bindparam("lte"))
            statement = statement.order_by(t.c.originator_version.desc() if desc else t.c.originator_version)
            if limit is not None:
                statement = statement.limit(bindparam("limit"))
            self._selects[shape] = statement
        params = {"originator_id": originator_id, "gt": gt, "lte": lte, "limit": limit}
        given = {k: v for k, v in params.items() if v is not None or k == "originator_id"}
        if _library_transaction_open():
            # Inside a transaction of the library (this context's): read through it.
            with self.transaction(commit=False) as session:
                rows = session.execute(statement, given).all()
        else:
            # One statement: without a transaction around it on PostgreSQL, made again once
            # on a connection found closed (projections.reads).
            assert self.datastore.engine is not None
            rows = read_one_statement(cast(Engine, self.datastore.engine), lambda c: c.execute(statement, given).all())
        return [
            StoredEvent(originator_id=r[0], originator_version=r[1], topic=r[2], state=bytes(r[3]) if isinstance(r[3], memoryview) else r[3])
            for r in rows
        ]

    def select_notifications(
        self, start: int | None, limit: int, stop: int | None = None, topics: Sequence[str] = (), *, inclusive_of_start: bool = True,
    ) -> list[Notification]:
        """The library's ``select_notifications`` (one statement); on PostgreSQL, outside any
        transaction of the library, on a session of the autocommit engine
        (:mod:`projections.reads`), given to the library as this context's transaction: no
        ``BEGIN`` and ``ROLLBACK`` round trips, and no ``ROLLBACK`` to make the driver
        discard its prepared statements (then ``DEALLOCATE ALL``, one more round trip). Made
        again once there on a connection found closed (:func:`projections.reads.again_if_disconnected`)."""
        engine = self.datastore.engine
        if engine is None or engine.dialect.name != "postgresql" or _library_transaction_open() or self.datastore.session_maker is None:
            return super().select_notifications(start, limit, stop, topics, inclusive_of_start=inclusive_of_start)
        session_maker = self.datastore.session_maker

        def read() -> list[Notification]:
            session = session_maker(bind=reader(cast(Engine, engine)))
            transaction = Transaction(session, commit=False, lock=None)
            transaction.token = library_transactions.set(transaction)
            try:
                return super(DialogueRecorder, self).select_notifications(start, limit, stop, topics, inclusive_of_start=inclusive_of_start)
            finally:
                if library_transactions.get(None) is transaction:  # not entered: ours to end
                    library_transactions.reset(transaction.token)
                    session.close()

        return again_if_disconnected(read)

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        command_id = kwargs.get("command_id")
        if not stored_events:
            if command_id:
                session.execute(_INSERT_COMMAND, {"command_id": command_id, "recorded_at": datetime.now(UTC), "last_position": None})
            return []
        postgres = self._postgres()
        if postgres:
            # One round trip after the transaction's BEGIN: the table lock, then the tip and
            # the new events' positions taken from the events' sequence under it.
            tip, ids = self._reserve(session, len(stored_events))
        else:
            ids = self._store(session, stored_events)
            # Under the table lock, one read: the chain's head (the last committed link; the
            # new rows follow it), the tree's size, and the last event before the new ones.
            tip = read_tip(session, _TIP, min(ids))
        previous = bytes.fromhex(tip.head) if tip.head else GENESIS
        rows = []
        for position, e in zip(ids, stored_events, strict=True):
            previous = link(previous, position, str(e.originator_id), e.originator_version, e.topic, e.state)
            rows.append({"position": position, "hash": previous.hex()})
        # The transparency log's tree (application/tlog), in the same transaction; its right
        # edge kept for the next save (checked against that save's tip before it is used).
        appended = leaves_of(session, ids, stored_events, tip, self._edge)
        if postgres:
            # The events, their chain links, the tree's leaves and nodes, the command id and
            # the notification of the worker: one statement, one round trip.
            self._write_all(session, ids, stored_events, rows, appended, command_id)
        else:
            session.execute(_INSERT_CHAIN, rows)
            session.execute(_INSERT_LEAVES, appended.leaves)
            session.execute(_INSERT_NODES, appended.nodes)
            if command_id:
                # In the events' transaction: a second save under the same id fails on the key.
                session.execute(_INSERT_COMMAND, {"command_id": command_id, "recorded_at": datetime.now(UTC), "last_position": max(ids)})
        self._edge = Edge(appended.size, ids[-1], previous.hex(), appended.edge)
        # The look-up tables (participants' references, comments' discussions), same transaction.
        index_registrations(session, ((i, e.topic, e.state, str(e.originator_id)) for i, e in zip(ids, stored_events, strict=True)))
        notes = [
            Notification(id=i, originator_id=e.originator_id, originator_version=e.originator_version, topic=e.topic, state=e.state)
            for i, e in zip(ids, stored_events, strict=True)
        ]
        # Kept for :meth:`just_saved` once the transaction commits (tip.before: under the lock).
        self._local.pending = (tip.before, notes)
        if self.views_enabled():
            assert self.views is not None
            first = min(ids)

            def last_before(s: Session, position: int) -> int:
                return tip.before if position == first else self._last_before(s, position)

            self.views(session, notes, last_before)
        return ids

    def _notification(self) -> str:
        """The query ending a save's statement on PostgreSQL: the ``NOTIFY`` of the log's
        channel that wakes the projection worker (``pg_notify``, delivered at commit)."""
        return f"SELECT pg_notify('{self.channel_name}', '')"

    def _postgres(self) -> bool:
        engine = self.datastore.engine
        return engine is not None and engine.dialect.name == "postgresql"

    def _reserve(self, session: Session, n: int) -> tuple[Tip, list[int]]:
        """PostgreSQL: ``LOCK TABLE`` of the events (their positions committed in the order
        given, and the chain and the tree follow them), then under it the log's :class:`Tip`
        (``before``: the last event's position) and ``n`` positions from the events'
        sequence, in ascending order: two statements in one round trip (a query of several
        statements, without parameters), where the lock and the read of the tip were two
        and the positions came from the events' insert. The two are separate statements so
        that the read sees every save committed before the lock was granted."""
        sql = self._reserve_sql.format(n=int(n))
        # Through SQLAlchemy (its events, its errors, a lost connection dropped), the
        # driver's cursor moved to the query's last result, the read's (_last_result).
        connection = session.connection()
        if not event.contains(connection.engine, "do_execute_no_params", _last_result):
            event.listen(connection.engine, "do_execute_no_params", _last_result)
        row = connection.exec_driver_sql(sql, execution_options={LAST_RESULT: True, "no_parameters": True}).one()
        assert row is not None
        head, leaf_index, leaf_position, before, positions = row
        size = 0 if leaf_index is None else int(leaf_index) + 1
        return Tip(head, size, int(leaf_position or 0), int(before or 0)), sorted(int(p) for p in positions)

    def _write_all(
        self, session: Session, ids: Sequence[int], stored_events: Sequence[StoredEvent], chain: list[dict[str, Any]],
        appended: Appended, command_id: str | None,
    ) -> None:
        """PostgreSQL: the save's rows in one data-modifying ``WITH`` statement (each table's
        rows as arrays), and the ``NOTIFY`` of the projection worker as ``pg_notify`` in it
        (delivered at commit, as ``NOTIFY``). A second save under the same command id, or
        of an aggregate's version stored meanwhile, fails on its key as before."""
        key = (bool(command_id), self._notification())
        statement = self._write_statements.get(key)
        if statement is None:
            statement = self._write_statements[key] = text(write_all_sql(self.events_table_name, key[1], bool(command_id)))
        params: dict[str, Any] = {
            "ids": list(ids),
            "originator_ids": [e.originator_id if isinstance(e.originator_id, UUID) else UUID(str(e.originator_id)) for e in stored_events],
            "versions": [e.originator_version for e in stored_events],
            "topics": [e.topic for e in stored_events],
            "states": [bytes(e.state) for e in stored_events],
            "chain_positions": [r["position"] for r in chain],
            "chain_hashes": [r["hash"] for r in chain],
            "leaf_indexes": [r["leaf_index"] for r in appended.leaves],
            "leaf_positions": [r["position"] for r in appended.leaves],
            "node_levels": [r["level"] for r in appended.nodes],
            "node_indexes": [r["idx"] for r in appended.nodes],
            "node_hashes": [r["hash"] for r in appended.nodes],
        }
        if command_id:
            params.update(command_id=command_id, recorded_at=datetime.now(UTC), last_position=max(ids))
        session.execute(statement, params)

    def _last_before(self, session: Session, position: int) -> int:
        """The last event's position before ``position`` (0 if none): under the events' lock,
        the last committed event (PostgreSQL's positions may have gaps)."""
        t = self.events_record_cls.__table__
        return int(session.execute(select(t.c.id).where(t.c.id < position).order_by(t.c.id.desc()).limit(1)).scalar() or 0)


def _library_transaction_open() -> bool:
    """Whether this context is inside a transaction of the library's datastore."""
    return library_transactions.get(None) is not None


# The save's own statements, built once (SQLAlchemy then skips building them per save).
_TIP = tip_statement(chain_table)
_INSERT_CHAIN = insert(chain_table)
_INSERT_COMMAND = insert(commands_table)
_INSERT_LEAVES = insert(tree_leaves)
_INSERT_NODES = insert(tree_nodes)


def reserve_sql(events_table: str) -> str:
    """PostgreSQL: the events table's lock, then under it the chain's head, the tree's last
    leaf (index and position), the log's last position and ``{n}`` new positions taken from
    the events' sequence (:meth:`DialogueRecorder._reserve`; ``{n}`` filled in by
    ``str.format`` with a number: a query of two statements takes no parameters)."""
    return (
        f"LOCK TABLE {events_table} IN EXCLUSIVE MODE;"
        f" SELECT (SELECT hash FROM {chain_table.name} ORDER BY position DESC LIMIT 1),"
        f" l.leaf_index, l.position, (SELECT max(id) FROM {events_table}),"
        f" ARRAY(SELECT nextval(pg_get_serial_sequence('{events_table}', 'id')) FROM generate_series(1, {{n}}))"
        f" FROM (SELECT 1) AS one LEFT JOIN"
        f" (SELECT leaf_index, position FROM {tree_leaves.name} ORDER BY leaf_index DESC LIMIT 1) AS l ON true"
    )


def write_all_sql(events_table: str, notification: str, with_command: bool) -> str:
    """PostgreSQL: one statement inserting a save's events (at positions reserved by
    :func:`reserve_sql`), chain links, tree leaves and nodes, and (``with_command``) its
    command id, each table's rows given as arrays; its query is ``notification``
    (:meth:`DialogueRecorder._notification`; :meth:`DialogueRecorder._write_all`)."""
    command = (
        f", command AS (INSERT INTO {commands_table.name} (command_id, recorded_at, last_position)"
        " VALUES (CAST(:command_id AS VARCHAR), CAST(:recorded_at AS TIMESTAMP WITH TIME ZONE), CAST(:last_position AS BIGINT)))"
    ) if with_command else ""
    return (
        f"WITH events AS (INSERT INTO {events_table} (id, originator_id, originator_version, topic, state)"
        " SELECT * FROM unnest(CAST(:ids AS BIGINT[]), CAST(:originator_ids AS UUID[]), CAST(:versions AS BIGINT[]),"
        " CAST(:topics AS TEXT[]), CAST(:states AS BYTEA[]))),"
        f" chain AS (INSERT INTO {chain_table.name} (position, hash)"
        " SELECT * FROM unnest(CAST(:chain_positions AS BIGINT[]), CAST(:chain_hashes AS VARCHAR[]))),"
        f" leaves AS (INSERT INTO {tree_leaves.name} (leaf_index, position)"
        " SELECT * FROM unnest(CAST(:leaf_indexes AS BIGINT[]), CAST(:leaf_positions AS BIGINT[]))),"
        f" nodes AS (INSERT INTO {tree_nodes.name} (level, idx, hash)"
        " SELECT * FROM unnest(CAST(:node_levels AS INTEGER[]), CAST(:node_indexes AS BIGINT[]), CAST(:node_hashes AS VARCHAR[])))"
        f"{command}"
        f" {notification}"
    )


class DialogueFactory(SQLAlchemyFactory):
    """eventsourcing-sqlalchemy's factory on this process's shared engine for the URL."""

    application_recorder_class = DialogueRecorder
    tracking_recorder_class = LockingTrackingRecorder

    def __init__(self, env: Environment):
        super(SQLAlchemyFactory, self).__init__(env)
        self._schema_name = self.env.get(self.SQLALCHEMY_SCHEMA)
        url = self.env.get(self.SQLALCHEMY_URL)
        if not url:
            raise OSError("DIALOGUE_DATABASE_URL is not set")
        engine = get_engine(url)
        self.datastore = SQLAlchemyDatastore(session_maker=sessionmaker(bind=engine))
        self.datastore.is_sqlite_filedb = engine.dialect.name == "sqlite"


ERASED_TOPIC = "domain.participant:Participant.PersonalDataErased"
CONTRIBUTOR_ERASED_TOPIC = "domain.open_call:OpenCall.ContributorErased"
REQUESTER_ERASED_TOPIC = "domain.join_request:JoinRequests.RequesterErased"
PERSONAL_PADDING = 256  # bytes: sealed personal fields are a multiple of this long


def notifications(recorder: ApplicationRecorder, topics: Sequence[str] = (), batch: int = 500, after: int | None = None) -> Iterator[Notification]:
    """Every notification of the log in position order (only ``topics`` when given; only
    those after position ``after`` when given), read in batches of ``batch``."""
    start: int | None = after
    while True:
        page = recorder.select_notifications(start, batch, topics=topics, inclusive_of_start=False)
        if not page:
            return
        yield from page
        start = page[-1].id


def erased_participant_ids(recorder: ApplicationRecorder) -> set[str]:
    """Ids of every key owner erased in the log: each participant whose
    ``PersonalDataErased`` event is in it, and each contributor without an account named
    by an open call's ``ContributorErased`` or a table's ``RequesterErased`` (issue 17)."""
    erased = {str(n.originator_id) for n in notifications(recorder, [ERASED_TOPIC], batch=1000)}
    for n in notifications(recorder, [CONTRIBUTOR_ERASED_TOPIC, REQUESTER_ERASED_TOPIC], batch=1000):
        state = json.loads(n.state)
        erased.add(str(state.get("contributor") or state["requester"]))
    return erased


def drop_erased_keys(recorder: ApplicationRecorder, keys: KeyStore) -> int:
    """Delete the keys of every participant erased in the log (after a restore, so that
    no backup brings an erased person back). Returns how many keys were deleted."""
    return keys.delete(erased_participant_ids(recorder))


# ---------------------------------------------------------------------------- mapper
def _key_owner(cls: type, state: dict[str, Any], originator_id: Any) -> str | None:
    """Whose key seals the personal fields of an event of ``cls``: the aggregate's own
    (a participant), or the person named by the event's ``personal_key_field`` (a
    contributor without an account, issue 17), None when that field is empty."""
    field = getattr(cls, "personal_key_field", None)
    if field is None:
        return str(originator_id)
    owner = state.get(field)
    return None if owner is None else str(owner)


class PersonalDataMapper(Mapper[UUID]):
    """Stores every event with its ``class_version`` and encrypts personal fields.

    An event class with ``personal_fields`` gets those fields removed from the plain
    state and stored as ``personal``: base64 of nonce ‖ AES-GCM(participant key,
    JSON of the fields padded with spaces to a multiple of ``PERSONAL_PADDING`` bytes,
    aad = originator id and version). Reading an event whose key is gone yields
    ``None`` for each personal field, never an error.
    """

    def __init__(self, transcoder: JSONTranscoder, keys: KeyStore | None) -> None:
        super().__init__(transcoder=transcoder)
        self.keys = keys

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(domain_event.__class__)
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        state["class_version"] = getattr(type(domain_event), "class_version", 1)
        fields = getattr(type(domain_event), "personal_fields", ())
        owner = _key_owner(type(domain_event), state, originator_id)
        if fields and owner is None:
            if any(state.get(f) is not None for f in fields):
                raise MasterKeyError("Personal data is stored only with the key of the person it belongs to.")
        elif fields:
            if self.keys is None:
                raise MasterKeyError("Personal data cannot be stored without a master key.")
            personal = {f: state.pop(f) for f in fields}
            first = originator_version == 1 or hasattr(type(domain_event), "personal_key_field")
            key = self.keys.create(str(owner)) if first else self.keys.get(str(owner))
            if key is None:
                raise MasterKeyError("This participant's key is gone (erased); no personal data can be stored for them.")
            nonce = os.urandom(12)
            aad = f"{originator_id}:{originator_version}".encode()
            plain = self.transcoder.encode(personal)
            # Pad with JSON whitespace so the sealed length does not tell a name's length
            # or a gender (it stays in the log after the key is erased).
            plain += b" " * (-len(plain) % PERSONAL_PADDING)
            sealed = nonce + AESGCM(key).encrypt(nonce, plain, aad)
            state["personal"] = base64.b64encode(sealed).decode()
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=topic,
            state=self.transcoder.encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        sealed = state.pop("personal", None)
        if sealed is not None:
            state.update(self.open_personal(cls, stored_event, sealed, state))
        elif getattr(cls, "personal_key_field", None) is not None:
            self.forget_if_erased(cls, stored_event, state)
        state["originator_id"] = stored_event.originator_id if isinstance(stored_event.originator_id, UUID) else UUID(str(stored_event.originator_id))
        state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return cast(DomainEventProtocol[UUID], domain_event)

    def forget_if_erased(self, cls: type, stored_event: StoredEvent, state: dict[str, Any]) -> None:
        """An event stored before its personal fields were sealed (a position's reason,
        recorded in plaintext by the releases before it was sealed) reads them ``None``
        once the person's key is gone, as a sealed one does: the plaintext stays in the
        log, but nothing the service shows or projects reads it after the erasure."""
        fields = [f for f in getattr(cls, "personal_fields", ()) if state.get(f) is not None]
        owner = _key_owner(cls, state, stored_event.originator_id)
        if fields and self.keys is not None and owner and self.keys.get(owner) is None:
            state.update(dict.fromkeys(fields))

    def open_personal(self, cls: type, stored_event: StoredEvent, sealed: str, state: dict[str, Any] | None = None) -> dict[str, Any]:
        """The personal fields of an event, or ``None`` for each when the key is gone."""
        fields = getattr(cls, "personal_fields", ())
        owner = _key_owner(cls, state or {}, stored_event.originator_id)
        key = self.keys.get(owner) if self.keys and owner else None
        if key is None:
            return {f: None for f in fields}
        raw = base64.b64decode(sealed)
        aad = f"{stored_event.originator_id}:{stored_event.originator_version}".encode()
        try:
            values: dict[str, Any] = self.transcoder.decode(AESGCM(key).decrypt(raw[:12], raw[12:], aad))
        except InvalidTag:
            return {f: None for f in fields}
        return values
