"""Write path: revising a proposal through the application against a raw ``INSERT`` +
``COMMIT`` of the same stored bytes into a table of the same database, through the same
connection pool and so at the same durability settings (SQLite: WAL, the default
``synchronous``; PostgreSQL: the server's defaults).

Three figures, measured in the same rounds, each on its own fresh database:

- **revising a proposal** (the issue's target, 0.25x): what a web request pays in the
  production setting, a deployment with ``dialogue projections run`` (``Config.inline_projection``
  off): the command (command id and actor checked, the proposal loaded, its events saved with
  everything the project writes in the events' transaction: hash chain, transparency log's
  tree, command id, look-up tables) and then ``Services.wait_for_views``, which every web write
  calls so that the next page shows the write. A projection worker runs beside it in a thread
  of its own, as ``dialogue projections run`` does (subscribing on PostgreSQL, polling on
  SQLite). On PostgreSQL the request waits for the worker to apply its events; on SQLite the
  request applies them itself (``wait_for_views``), so in both the views' work is paid.
- **revising a proposal, save only** (no target): the command and its save alone, with no
  view brought up to date (no worker runs on that database): the part of the request before
  the wait, not what a request costs.
- **revising a proposal, views inline** (no target): the command with the views written in the
  events' transaction (one process, the default without a worker), and the request's
  ``wait_for_views``.
"""

from __future__ import annotations

import itertools
import threading
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import Engine

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.service import DialogueApplication
from application.worker import ProjectionWorker, WorkerSettings
from benchmarks.databases import fresh_database, services
from benchmarks.measure import Figure, figure, interleave
from domain.reference import ALL_GOVERNMENTS

GROUP = "write path"
ON = date(2026, 1, 5)  # the clock of benchmarks.databases.services


def member(app: DialogueApplication, table: str = "RT1") -> UUID:
    """A participant who joined ``table`` (registering the table when needed)."""
    if not app._exists(app.table_id(table)):
        app.register_table(table)
    pid = app.register_participant(
        reference=f"bench-{uuid4().hex[:8]}", display_name="Bench Member", organisation_id=None, gender="woman", preferred_language="es",
    )
    app.join_table(pid, table)
    return pid


def draft(app: DialogueApplication, author: UUID, title: str = "Safe pathways") -> UUID:
    return app.draft_proposal(
        actor=str(author), table="RT1", title=title, problem="Migrants lack regular pathways.",
        recommendation="Open regular pathways.", rationale="GCM objective 5.", objectives=[2], targets=[ALL_GOVERNMENTS], language="es",
    )


class RawInsert:
    """``INSERT`` of one stored event's columns + ``COMMIT`` on a DBAPI connection of ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self.conn = engine.raw_connection()
        self.postgres = engine.dialect.name == "postgresql"
        key = "BIGSERIAL PRIMARY KEY" if self.postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        blob = "BYTEA" if self.postgres else "BLOB"
        cur = self.conn.cursor()
        cur.execute(f"CREATE TABLE bench_raw (id {key}, originator_id TEXT, originator_version INTEGER, topic TEXT, state {blob})")
        self.conn.commit()
        self.sql = "INSERT INTO bench_raw (originator_id, originator_version, topic, state) VALUES " + (
            "(%s, %s, %s, %s)" if self.postgres else "(?, ?, ?, ?)"
        )
        self.version = itertools.count(1)

    def __call__(self, row: tuple[str, str, bytes]) -> None:
        cur = self.conn.cursor()
        cur.execute(self.sql, (row[0], next(self.version), row[1], row[2]))
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def measure(backend: str, postgres: str | None = None, *, rounds: int = 7, per_round: int = 20) -> list[Figure]:
    """Revisions per round ``per_round``, each round on a freshly drafted proposal; the
    three settings each on a fresh database of their own (module docstring)."""
    with (
        fresh_database(backend, postgres) as url, fresh_database(backend, postgres) as save_url,
        fresh_database(backend, postgres) as inline_url,
    ):
        deployed = services(url, inline=False)
        worker = ProjectionWorker(
            bootstrap(Config(database_url=url, master_key=deployed.config.master_key, inline_projection=False, create_tables=False), clock=FixedClock(ON)).projector,
            WorkerSettings(mode="auto"),
        )
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            return _measure(deployed, services(save_url, inline=False), services(inline_url, inline=True), backend, rounds, per_round)
        finally:
            worker.stop()
            thread.join(30)


class Reviser:
    """Revisions of a proposal of one member through ``s``'s application; with ``shown``,
    each followed by the web request's wait for the views (``Services.wait_for_views``)."""

    def __init__(self, s: Services, *, shown: bool = True) -> None:
        self.services = s
        self.app = s.app
        self.shown = shown
        self.author = member(self.app)
        self.proposal = draft(self.app, self.author)
        self.counter = itertools.count()
        self()

    def __call__(self) -> None:
        self.app.revise_proposal(
            self.proposal, {"title": f"Safe pathways {next(self.counter)}"}, actor=str(self.author), command_id=f"bench:{uuid4()}",
        )
        if self.shown and not self.services.wait_for_views(timeout=10):
            raise RuntimeError("the views did not reach the revision within 10 s")

    def new_proposal(self) -> None:
        self.proposal = draft(self.app, self.author)
        if self.shown:
            self.services.wait_for_views(timeout=10)


def _measure(deployed: Services, save_only: Services, inline: Services, backend: str, rounds: int, per_round: int) -> list[Figure]:
    revise, revise_saved, revise_inline = Reviser(deployed), Reviser(save_only, shown=False), Reviser(inline)
    last = deployed.app.recorder.select_events(revise.proposal, desc=True, limit=1)[0]
    row = (str(last.originator_id), last.topic, last.state)
    raw = RawInsert(deployed.app.engine)

    def new_proposals(_round: int) -> None:
        for r in (revise, revise_saved, revise_inline):
            r.new_proposal()

    try:
        got = interleave(
            {"revise": revise, "saved": revise_saved, "inline": revise_inline, "raw": lambda: raw(row)}, rounds, per_round, before_round=new_proposals,
        )
    finally:
        raw.close()
    baseline = f"raw INSERT + COMMIT ({backend})"
    return [
        figure(GROUP, f"revising a proposal ({backend})", got["revise"], baseline=baseline, baseline_samples=got["raw"], target=0.25),
        figure(GROUP, f"revising a proposal, save only ({backend})", got["saved"], baseline=baseline, baseline_samples=got["raw"]),
        figure(GROUP, f"revising a proposal, views inline ({backend})", got["inline"], baseline=baseline, baseline_samples=got["raw"]),
        figure(GROUP, baseline, got["raw"]),
    ]
