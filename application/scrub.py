"""Scrubbing the storage after an erasure: the copies of erased values the database engine keeps.

SQLite (``secure_delete`` is on for every connection, so deleted and overwritten cells are
zeroed): ``PRAGMA wal_checkpoint(TRUNCATE)`` copies the write-ahead log into the database and
empties it, retried while readers hold it. PostgreSQL: ``VACUUM (FULL)`` of the tables that held
a key or a plaintext personal value, which rewrites them without their dead row versions — but
only the versions no transaction still open anywhere on the server may see. A transaction whose
snapshot (``backend_xmin``) or own transaction id (``backend_xid``) is older than the scrub's
start holds them back, and so does a prepared (two-phase) transaction prepared before it
(``pg_prepared_xacts``): :func:`scrub_storage` names those transactions (pid, start, database,
application; never their query) so that the operator can run the scrub again once they end
(``dialogue participants scrub``). ``VACUUM (FULL)`` needs each table's ACCESS EXCLUSIVE lock,
which a transaction that has read the table keeps from it until that transaction ends, and
while the VACUUM waits for it every new reader of the table queues behind it: so the scrub
tries each table in short tries (``lock_timeout`` of ``deadlock_timeout`` + 1 s, so that an
autovacuum on the table yields to it), pausing between them for the queued readers, until the
one deadline of the whole scrub; a table it could not lock is reported NOT scrubbed yet with
the transactions that blocked its last try (``pg_blocking_pids``, read from a second
connection while it waited). What none of this reaches (the server's WAL, backups, replicas,
freed disk blocks) is listed in ``docs/privacy.md``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from application.accounts.tables import accounts as accounts_table
from application.accounts.tables import api_requests as api_requests_table
from application.accounts.tables import links as links_table
from application.accounts.tables import recovery_codes as recovery_codes_table
from application.accounts.tables import sign_in_failures as sign_in_failures_table
from application.accounts.tables import sign_ins as sign_ins_table
from application.bootstrap import Services
from application.persistence import keys_table
from projections import elections as election_views
from projections import people as people_views
from projections import sessions as session_views

# Tables whose rows held personal values in plaintext, or a key: vacuumed after an erasure
# (the API's kept answers named people: an erasure drops their bodies, application.privacy).
SCRUBBED_EVENT_STORE_TABLES = (
    keys_table.name, accounts_table.name, sign_ins_table.name, links_table.name, recovery_codes_table.name, sign_in_failures_table.name,
    api_requests_table.name,
)
# ``view_positions``: the reasons an erased member gave for positions are blanked there;
# ``view_candidacies``: an erased candidate's statement and criteria.
SCRUBBED_VIEW_TABLES = (
    people_views.view_participants.name, people_views.view_participation.name, session_views.view_positions.name,
    election_views.view_candidacies.name,
)
RESCRUB_COMMAND = "dialogue participants scrub"
WAIT_POLL_SECONDS = 0.5
# The longest --wait (an hour): a scrub that waits longer is better run again later.
MAX_WAIT_SECONDS = 3600.0
# A try for a table's lock (``lock_timeout``) lasts the server's ``deadlock_timeout`` (after
# which an autovacuum holding the table yields to a waiter) and this much more: while the
# VACUUM waits, every new reader of the table queues behind it, so the tries stay short.
TRY_BEYOND_DEADLOCK_TIMEOUT_SECONDS = 1.0
# The pause between two tries for a table's lock, for the readers queued behind the last one.
RETRY_PAUSE_SECONDS = 0.5
# Once the scrub's deadline has passed, a table not tried yet gets one try this long (a web
# request holds a table's lock for milliseconds).
LAST_TRY_SECONDS = 0.1
# How often the second connection reads which transactions block the waiting VACUUM.
BLOCKERS_POLL_SECONDS = 0.05
# PostgreSQL's time settings in milliseconds are 32-bit integers.
MAX_TIMEOUT_MS = 2**31 - 1
LOCK_NOT_AVAILABLE = "55P03"
XID_MODULUS = 2**32
FIRST_NORMAL_XID = 3


@dataclass(frozen=True)
class OlderTransaction:
    """A transaction open elsewhere on the PostgreSQL server whose snapshot is older than the
    scrub: ``VACUUM`` must keep every row version it may still see (or, in
    :attr:`LockedTable.by`, one holding a lock on a table to vacuum). ``started`` is ``None``
    when the database role may not see other roles' start times (``pg_read_all_stats``).
    A replication slot has ``slot``; a prepared (two-phase) transaction, which no backend runs
    any more, has its global id in ``prepared``, and ``started`` is when it was prepared."""

    pid: int
    started: datetime | None
    database: str
    application_name: str
    slot: str = ""
    prepared: str = ""

    def describe(self) -> str:
        if self.prepared:
            since = self.started.isoformat(timespec="seconds") if self.started else "an unknown time"
            return (
                f"prepared transaction {self.prepared!r} in database {self.database or '?'}, prepared at {since} "
                "(COMMIT PREPARED or ROLLBACK PREPARED ends it)"
            )
        if self.slot:
            return f"replication slot {self.slot!r} (a standby's feedback or a logical decoder keeps its snapshot)"
        since = self.started.isoformat(timespec="seconds") if self.started else "an unknown time (the role lacks pg_read_all_stats)"
        return f"pid {self.pid} in database {self.database or '?'} (application {self.application_name or 'unnamed'!r}), open since {since}"


@dataclass(frozen=True)
class LockedTable:
    """A PostgreSQL table whose ``VACUUM (FULL)`` did not get its ACCESS EXCLUSIVE lock by the
    scrub's deadline: its old row versions are still in its pages. ``by``: the transactions
    that blocked its last try (empty when they ended before they could be named, or when
    only an autovacuum did)."""

    database: str
    table: str
    by: list[OlderTransaction] = field(default_factory=list)


@dataclass
class Scrub:
    """What :func:`scrub_storage` did: steps done and warnings (sentences without personal
    data), the transactions that kept PostgreSQL from removing the old row versions, and the
    tables it could not lock."""

    done: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    held_by: list[OlderTransaction] = field(default_factory=list)
    locked: list[LockedTable] = field(default_factory=list)
    # The databases left unscrubbed for another reason (SQLite readers kept the write-ahead
    # log busy; a database engine without a known scrub).
    pending: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every database was scrubbed, every table locked and vacuumed, and nothing kept an
        old row version: the scrub need not be run again."""
        return not self.held_by and not self.locked and not self.pending


@dataclass(kw_only=True)
class Scrubbed:
    """The part of a command's report (an erasure's) that tells of the scrub after it."""

    scrub: Scrub = field(default_factory=Scrub)

    @property
    def scrubbed(self) -> list[str]:
        return self.scrub.done

    @property
    def warnings(self) -> list[str]:
        return self.scrub.warnings

    @property
    def held_by(self) -> list[OlderTransaction]:
        return self.scrub.held_by

    @property
    def locked(self) -> list[LockedTable]:
        return self.scrub.locked

    @property
    def storage_scrubbed(self) -> bool:
        """The storage was scrubbed (:attr:`Scrub.complete`): nothing to run again."""
        return self.scrub.complete


def clamp_wait(wait: float) -> float:
    """``wait`` within 0 … :data:`MAX_WAIT_SECONDS` (not a number: 0)."""
    if math.isnan(wait):
        return 0.0
    return min(max(wait, 0.0), MAX_WAIT_SECONDS)


def scrub_storage(services: Services, *, attempts: int = 10, wait: float = 0.0) -> Scrub:
    """Remove the copies of erased values that the database engine still keeps.

    SQLite: the write-ahead log checkpointed and truncated (``attempts`` tries). PostgreSQL:
    ``VACUUM (FULL)`` of ``dialogue_participant_keys``, the account tables and
    ``view_participants``/``view_participation``/``view_positions``; first waiting up to ``wait`` seconds
    (:func:`clamp_wait`) for the transactions older than this call to end. A transaction
    older than this call still open after the ``VACUUM`` is reported in ``held_by`` and in a
    warning that says the storage is not scrubbed yet and which command to run once it
    ends. One deadline, ``wait`` seconds after the start, bounds the whole scrub (every
    database): a table's lock is tried in short tries until it (at least one try, so until
    ``deadlock_timeout`` + 1 s after the start when ``wait`` is shorter; a table first tried
    after it gets one try of :data:`LAST_TRY_SECONDS`); a table still locked then is
    reported in ``locked`` the same way. A database whose scrub failed (an error of the
    server or the connection) is reported in ``pending`` and a warning, never raised: the
    erasure or rotation before it stands.
    """
    result = Scrub()
    started = time.monotonic()
    deadline = started + clamp_wait(wait)
    same = services.projector.engine.url == services.app.engine.url
    plans = [(services.app.engine, SCRUBBED_EVENT_STORE_TABLES + (SCRUBBED_VIEW_TABLES if same else ()))]
    if not same:
        plans.append((services.projector.engine, SCRUBBED_VIEW_TABLES))
    for engine, tables in plans:
        where = engine.url.render_as_string(hide_password=True).rsplit("/", 1)[-1]
        try:
            _scrub_database(result, engine, where, tables, started, deadline, attempts)
        except Exception as e:  # noqa: BLE001 - the erasure before it is committed: a warning and status 3, not a crash
            result.pending.append(where)
            result.warnings.append(f"{engine.dialect.name} {where}: storage NOT scrubbed yet: the scrub failed ({_error(e)}); run '{RESCRUB_COMMAND}' later")
    return result


def _scrub_database(result: Scrub, engine: Engine, where: str, tables: tuple[str, ...], started: float, deadline: float, attempts: int) -> None:
    if engine.dialect.name == "sqlite":
        if _checkpoint(engine, attempts):
            result.done.append(f"SQLite {where}: write-ahead log checkpointed and truncated")
        else:
            result.pending.append(where)
            result.warnings.append(f"SQLite {where}: storage NOT scrubbed yet: readers kept the write-ahead log busy; run '{RESCRUB_COMMAND}' later to checkpoint it")
    elif engine.dialect.name == "postgresql":
        held, locked = _vacuum(engine, where, tables, started, deadline)
        vacuumed = [t for t in tables if t not in {lt.table for lt in locked}]
        if held:
            result.held_by.extend(held)
            result.warnings.extend(_not_scrubbed(where, held))
        elif vacuumed:
            result.done.append(f"PostgreSQL: VACUUM (FULL) {', '.join(vacuumed)}")
        result.locked.extend(locked)
        result.warnings.extend(line for lt in locked for line in _not_locked(lt))
    else:
        result.pending.append(where)
        result.warnings.append(f"{engine.dialect.name}: storage NOT scrubbed: no storage scrubbing is known for this database")


def _error(e: Exception) -> str:
    """An error in one line: its class, SQLSTATE and the driver's first line (no row data:
    the scrub's statements read catalogs and vacuum)."""
    orig = e.orig if isinstance(e, DBAPIError) else e
    code = _sqlstate(e) if isinstance(e, DBAPIError) else None
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}{f' {code}' if code else ''}: {first}"


def _vacuum(engine: Engine, where: str, tables: tuple[str, ...], started: float, deadline: float) -> tuple[list[OlderTransaction], list[LockedTable]]:
    """``VACUUM (FULL)`` of ``tables``: the transactions older than the start that were still
    open after it, and the tables whose lock was not had by the deadline (two empty lists:
    every dead row version was removed). The session's ``statement_timeout`` is off for it
    (a role's or database's own would cancel a lock wait), and reset after."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c, engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        c.execute(text("SET statement_timeout = 0"))
        try:
            mark = _next_xid(c)
            before = older_transactions(c, mark)
            while before and time.monotonic() < deadline:
                time.sleep(min(WAIT_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
                before = older_transactions(c, mark)
            deadlock_ms = int(c.execute(text("SELECT setting::bigint FROM pg_settings WHERE name = 'deadlock_timeout'")).scalar_one())
            try_seconds = deadlock_ms / 1000 + TRY_BEYOND_DEADLOCK_TIMEOUT_SECONDS
            end = max(deadline, started + try_seconds)
            pid = int(c.execute(text("SELECT pg_backend_pid()")).scalar_one())
            tries = _LockTries(c, pid, watcher, where, try_seconds, end)
            locked = [lt for lt in map(tries.vacuum, tables) if lt is not None]
            after = older_transactions(c, mark)
            if before and not after:
                # They ended before or during the VACUUM: once more, now that none can hold a version back.
                missed = {lt.table for lt in locked}
                locked += [lt for lt in map(tries.vacuum, (t for t in tables if t not in missed)) if lt is not None]
        finally:
            try:
                c.execute(text("RESET lock_timeout"))
                c.execute(text("RESET statement_timeout"))
            except Exception:  # noqa: BLE001 - the error that broke the connection is the one to tell
                c.invalidate()  # not back to the pool with the scrub's settings
        return after, locked


@dataclass
class _LockTries:
    """The tries of each table's ``VACUUM (FULL)`` on connection ``c`` until ``end`` (a
    monotonic time): each try waits ``try_seconds`` at most for the lock, then pauses
    :data:`RETRY_PAUSE_SECONDS` so that the readers queued behind it get through. While a
    try waits, ``watcher`` (a second connection) reads its blockers (``pid``: ``c``'s backend)."""

    c: Connection
    pid: int
    watcher: Connection
    where: str
    try_seconds: float
    end: float

    def vacuum(self, table: str) -> LockedTable | None:
        """Vacuum ``table``: ``None`` once done, else the table with its last try's blockers."""
        while True:
            timeout = max(min(self.try_seconds, self.end - time.monotonic()), LAST_TRY_SECONDS)
            self.c.execute(text("SELECT set_config('lock_timeout', :ms, false)"), {"ms": f"{min(round(timeout * 1000), MAX_TIMEOUT_MS)}ms"})
            with _blockers(self.watcher, self.pid) as blockers:
                try:
                    self.c.execute(text(f'VACUUM (FULL) "{table}"'))
                    return None
                except OperationalError as e:
                    if _sqlstate(e) != LOCK_NOT_AVAILABLE:
                        raise
            if time.monotonic() + RETRY_PAUSE_SECONDS >= self.end:
                return LockedTable(database=self.where, table=table, by=lock_holders(self.c, table, among=blockers))
            time.sleep(RETRY_PAUSE_SECONDS)


@contextmanager
def _blockers(watcher: Connection, pid: int) -> Iterator[set[int]]:
    """While the block runs, read on ``watcher`` which backends block ``pid`` from the lock it
    waits for (``pg_blocking_pids``; 0 stands for a prepared transaction); the set yielded
    holds the last non-empty answer once the block is done. The readers that queue behind
    the waiting ``pid`` are not among them, as those that got the table's lock just after
    it gave up would be."""
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while True:
            try:
                pids = watcher.execute(text("SELECT pg_blocking_pids(:pid)"), {"pid": pid}).scalar_one() or []
            except Exception:  # noqa: BLE001 - the names are a help: without them the table is still reported
                return
            if pids:
                seen.clear()
                seen.update(int(p) for p in pids)
            if done.wait(BLOCKERS_POLL_SECONDS):
                return

    thread = threading.Thread(target=watch, name="scrub-lock-blockers", daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        done.set()
        thread.join()


def _sqlstate(e: DBAPIError) -> str | None:
    """The SQLSTATE of a driver's error (psycopg: ``sqlstate``; psycopg2: ``pgcode``)."""
    return getattr(e.orig, "sqlstate", None) or getattr(e.orig, "pgcode", None)


def lock_holders(c: Connection, table: str, *, among: Collection[int] | None = None) -> list[OlderTransaction]:
    """The other transactions holding a lock (any mode: each conflicts with ``VACUUM (FULL)``'s
    ACCESS EXCLUSIVE) on ``table`` in this database, oldest first: backends by pid, prepared
    transactions by global id (they hold their locks with no backend: found through the
    lock on their own transaction id, which shares their virtual transaction; their
    subtransactions' ids, which share it too, name nothing). Only the pids in ``among``
    when given (0: the prepared transactions); never an autovacuum worker (it yields to a
    lock waiter after ``deadlock_timeout``)."""
    rows = c.execute(text(
        "SELECT DISTINCT l.pid, a.xact_start, current_database(), a.application_name, p.gid, p.prepared "
        "FROM pg_locks l "
        "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
        "LEFT JOIN (pg_prepared_xacts p JOIN pg_locks x ON x.locktype = 'transactionid' AND x.pid IS NULL "
        "AND x.transactionid = p.transaction) ON l.pid IS NULL AND x.virtualtransaction = l.virtualtransaction "
        "WHERE l.locktype = 'relation' AND l.granted AND l.pid IS DISTINCT FROM pg_backend_pid() "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.relation = to_regclass(:table) "
        "AND (l.pid IS NOT NULL OR p.gid IS NOT NULL) "
        "AND a.backend_type IS DISTINCT FROM 'autovacuum worker' "
        "ORDER BY 2 NULLS LAST, 1"
    ), {"table": f'"{table}"'}).all()
    chosen = None if among is None else set(among)
    return [
        OlderTransaction(pid=int(pid or 0), started=prepared_at if gid else started, database=db, application_name=app or "", prepared=gid or "")
        for pid, started, db, app, gid, prepared_at in rows
        if chosen is None or int(pid or 0) in chosen
    ]


def _next_xid(c: Connection) -> int:
    """The next transaction id to be assigned (32-bit, as ``backend_xmin`` holds it): every
    transaction that committed before this call has a smaller one."""
    full = int(c.execute(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")).scalar_one())
    return max(full % XID_MODULUS, FIRST_NORMAL_XID)


def older_transactions(c: Connection, mark: int) -> list[OlderTransaction]:
    """Other backends of the server (any database: a ``VACUUM`` honours them all) whose
    snapshot or transaction id precedes ``mark``, oldest first, then the prepared (two-phase)
    transactions whose transaction id does (none where ``max_prepared_transactions`` is 0),
    then the replication slots whose ``xmin`` does. Compared by ``age()``, which stays right across transaction id
    wraparound. A plain ``VACUUM`` running elsewhere (``pg_stat_progress_vacuum``, autovacuum
    too) holds nothing back and is left out."""
    older = "age({}) > age(CAST(:mark AS xid))"
    rows = c.execute(text(
        "SELECT pid, xact_start, datname, application_name FROM pg_stat_activity a "
        "WHERE pid <> pg_backend_pid() AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_vacuum v WHERE v.pid = a.pid) "
        f"AND ({older.format('backend_xmin')} OR {older.format('backend_xid')}) "
        "ORDER BY xact_start NULLS LAST, pid"
    ), {"mark": str(mark)}).all()
    prepared = c.execute(text(
        f"SELECT gid, prepared, database FROM pg_prepared_xacts WHERE {older.format('transaction')} ORDER BY prepared, gid"
    ), {"mark": str(mark)}).all()
    slots = c.execute(text(
        f"SELECT slot_name, database, active_pid FROM pg_replication_slots WHERE {older.format('xmin')} ORDER BY slot_name"
    ), {"mark": str(mark)}).all()
    return [
        OlderTransaction(pid=int(pid), started=started, database=datname or "", application_name=app or "") for pid, started, datname, app in rows
    ] + [
        OlderTransaction(pid=0, started=at, database=db or "", application_name="", prepared=gid) for gid, at, db in prepared
    ] + [OlderTransaction(pid=int(pid or 0), started=None, database=db or "", application_name="", slot=name) for name, db, pid in slots]


def _not_scrubbed(where: str, held: list[OlderTransaction]) -> list[str]:
    lines = [
        f"PostgreSQL {where}: storage NOT scrubbed yet: VACUUM had to keep the old row versions for {len(held)} transaction(s) "
        f"open on the server since before the scrub; once they end, run '{RESCRUB_COMMAND}'"
    ]
    lines.extend(f"PostgreSQL {where}: held by {t.describe()}" for t in held)
    return lines


def _not_locked(locked: LockedTable) -> list[str]:
    lines = [
        f"PostgreSQL {locked.database}: storage NOT scrubbed yet: {locked.table} could not be locked for its VACUUM (FULL) "
        f"within the wait: {len(locked.by) or 'a'} transaction(s) held a lock on it; once they end, run '{RESCRUB_COMMAND}'"
    ]
    lines.extend(f"PostgreSQL {locked.database}: {locked.table} locked by {t.describe()}" for t in locked.by)
    return lines


def _checkpoint(engine: Engine, attempts: int) -> bool:
    for attempt in range(attempts):
        with engine.connect() as c:
            busy, _log, _done = c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return True
        time.sleep(0.05 * (attempt + 1))
    return False
