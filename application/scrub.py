"""Scrubbing the storage after an erasure: the copies of erased values the database engine keeps.

SQLite (``secure_delete`` is on for every connection, so deleted and overwritten cells are
zeroed): ``PRAGMA wal_checkpoint(TRUNCATE)`` copies the write-ahead log into the database and
empties it, retried while readers hold it. PostgreSQL: ``VACUUM (FULL)`` of the tables that held
a key or a plaintext personal value, which rewrites them without their dead row versions — but
only the versions no transaction still open anywhere on the server may see. A transaction whose
snapshot (``backend_xmin``) or own transaction id (``backend_xid``) is older than the scrub's
start holds them back: :func:`scrub_storage` names those transactions (pid, start, database,
application; never their query) so that the operator can run the scrub again once they end
(``dialogue participants scrub``). What none of this reaches (the server's WAL, backups,
replicas, freed disk blocks) is listed in ``docs/privacy.md``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, text

from application.accounts.tables import accounts as accounts_table
from application.accounts.tables import links as links_table
from application.accounts.tables import recovery_codes as recovery_codes_table
from application.accounts.tables import sign_in_failures as sign_in_failures_table
from application.accounts.tables import sign_ins as sign_ins_table
from application.bootstrap import Services
from application.persistence import keys_table
from projections import people as people_views

# Tables whose rows held personal values in plaintext, or a key: vacuumed after an erasure.
SCRUBBED_EVENT_STORE_TABLES = (
    keys_table.name, accounts_table.name, sign_ins_table.name, links_table.name, recovery_codes_table.name, sign_in_failures_table.name,
)
SCRUBBED_VIEW_TABLES = (people_views.view_participants.name, people_views.view_participation.name)
RESCRUB_COMMAND = "dialogue participants scrub"
WAIT_POLL_SECONDS = 0.5
XID_MODULUS = 2**32
FIRST_NORMAL_XID = 3


@dataclass(frozen=True)
class OlderTransaction:
    """A transaction open elsewhere on the PostgreSQL server whose snapshot is older than the
    scrub: ``VACUUM`` must keep every row version it may still see. ``started`` is ``None``
    when the database role may not see other roles' start times (``pg_read_all_stats``)."""

    pid: int
    started: datetime | None
    database: str
    application_name: str
    slot: str = ""

    def describe(self) -> str:
        if self.slot:
            return f"replication slot {self.slot!r} (a standby's feedback or a logical decoder keeps its snapshot)"
        since = self.started.isoformat(timespec="seconds") if self.started else "an unknown time (the role lacks pg_read_all_stats)"
        return f"pid {self.pid} in database {self.database or '?'} (application {self.application_name or 'unnamed'!r}), open since {since}"


@dataclass
class Scrub:
    """What :func:`scrub_storage` did: steps done and warnings (sentences without personal
    data), and the transactions that kept PostgreSQL from removing the old row versions."""

    done: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    held_by: list[OlderTransaction] = field(default_factory=list)
    # The databases left unscrubbed for another reason (SQLite readers kept the write-ahead
    # log busy; a database engine without a known scrub).
    pending: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every database was scrubbed and nothing kept an old row version: the scrub need
        not be run again."""
        return not self.held_by and not self.pending


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
    def storage_scrubbed(self) -> bool:
        """The storage was scrubbed (:attr:`Scrub.complete`): nothing to run again."""
        return self.scrub.complete


def scrub_storage(services: Services, *, attempts: int = 10, wait: float = 0.0) -> Scrub:
    """Remove the copies of erased values that the database engine still keeps.

    SQLite: the write-ahead log checkpointed and truncated (``attempts`` tries). PostgreSQL:
    ``VACUUM (FULL)`` of ``dialogue_participant_keys``, the account tables and
    ``view_participants``/``view_participation``; first waiting up to ``wait`` seconds for the
    transactions older than this call to end. A transaction older than this call still open
    after the ``VACUUM`` is reported in ``held_by`` and in a warning that says the storage is
    not scrubbed yet and which command to run once it ends.
    """
    result = Scrub()
    same = services.projector.engine.url == services.app.engine.url
    plans = [(services.app.engine, SCRUBBED_EVENT_STORE_TABLES + (SCRUBBED_VIEW_TABLES if same else ()))]
    if not same:
        plans.append((services.projector.engine, SCRUBBED_VIEW_TABLES))
    for engine, tables in plans:
        where = engine.url.render_as_string(hide_password=True).rsplit("/", 1)[-1]
        if engine.dialect.name == "sqlite":
            if _checkpoint(engine, attempts):
                result.done.append(f"SQLite {where}: write-ahead log checkpointed and truncated")
            else:
                result.pending.append(where)
                result.warnings.append(f"SQLite {where}: storage NOT scrubbed yet: readers kept the write-ahead log busy; run '{RESCRUB_COMMAND}' later to checkpoint it")
        elif engine.dialect.name == "postgresql":
            held = _vacuum(engine, tables, wait)
            if held:
                result.held_by.extend(held)
                result.warnings.extend(_not_scrubbed(where, held))
            else:
                result.done.append(f"PostgreSQL: VACUUM (FULL) {', '.join(tables)}")
        else:
            result.pending.append(where)
            result.warnings.append(f"{engine.dialect.name}: storage NOT scrubbed: no storage scrubbing is known for this database")
    return result


def _vacuum(engine: Engine, tables: tuple[str, ...], wait: float) -> list[OlderTransaction]:
    """``VACUUM (FULL)`` of ``tables``; the transactions older than the start that were still
    open after it (an empty list: every dead row version was removed)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        mark = _next_xid(c)
        before = older_transactions(c, mark)
        deadline = time.monotonic() + wait
        while before and time.monotonic() < deadline:
            time.sleep(min(WAIT_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
            before = older_transactions(c, mark)
        _vacuum_tables(c, tables)
        after = older_transactions(c, mark)
        if before and not after:
            # They ended before or during the VACUUM: once more, now that none can hold a version back.
            _vacuum_tables(c, tables)
        return after


def _vacuum_tables(c: Connection, tables: tuple[str, ...]) -> None:
    for table in tables:
        c.execute(text(f'VACUUM (FULL) "{table}"'))


def _next_xid(c: Connection) -> int:
    """The next transaction id to be assigned (32-bit, as ``backend_xmin`` holds it): every
    transaction that committed before this call has a smaller one."""
    full = int(c.execute(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")).scalar_one())
    return max(full % XID_MODULUS, FIRST_NORMAL_XID)


def older_transactions(c: Connection, mark: int) -> list[OlderTransaction]:
    """Other backends of the server (any database: a ``VACUUM`` honours them all) whose
    snapshot or transaction id precedes ``mark``, oldest first, then the replication slots
    whose ``xmin`` does. Compared by ``age()``, which stays right across transaction id
    wraparound. A plain ``VACUUM`` running elsewhere (``pg_stat_progress_vacuum``, autovacuum
    too) holds nothing back and is left out."""
    older = "age({}) > age(CAST(:mark AS xid))"
    rows = c.execute(text(
        "SELECT pid, xact_start, datname, application_name FROM pg_stat_activity a "
        "WHERE pid <> pg_backend_pid() AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_vacuum v WHERE v.pid = a.pid) "
        f"AND ({older.format('backend_xmin')} OR {older.format('backend_xid')}) "
        "ORDER BY xact_start NULLS LAST, pid"
    ), {"mark": str(mark)}).all()
    slots = c.execute(text(
        f"SELECT slot_name, database, active_pid FROM pg_replication_slots WHERE {older.format('xmin')} ORDER BY slot_name"
    ), {"mark": str(mark)}).all()
    return [
        OlderTransaction(pid=int(pid), started=started, database=datname or "", application_name=app or "") for pid, started, datname, app in rows
    ] + [OlderTransaction(pid=int(pid or 0), started=None, database=db or "", application_name="", slot=name) for name, db, pid in slots]


def _not_scrubbed(where: str, held: list[OlderTransaction]) -> list[str]:
    lines = [
        f"PostgreSQL {where}: storage NOT scrubbed yet: VACUUM had to keep the old row versions for {len(held)} transaction(s) "
        f"open on the server since before the scrub; once they end, run '{RESCRUB_COMMAND}'"
    ]
    lines.extend(f"PostgreSQL {where}: held by {t.describe()}" for t in held)
    return lines


def _checkpoint(engine: Engine, attempts: int) -> bool:
    for attempt in range(attempts):
        with engine.connect() as c:
            busy, _log, _done = c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return True
        time.sleep(0.05 * (attempt + 1))
    return False
