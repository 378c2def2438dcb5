"""Write path: revising a proposal through the application against a raw ``INSERT`` +
``COMMIT`` of the same stored bytes into a table of the same database, through the same
connection pool and so at the same durability settings (SQLite: WAL, the default
``synchronous``; PostgreSQL: the server's defaults).

Two figures, measured in the same rounds, each on its own fresh database:

- **revising a proposal** (the issue's target, 0.25x): the production setting, a deployment
  with ``dialogue projections run`` (``Config.inline_projection`` off). The request checks the
  command id and the actor, loads the proposal, runs the command and saves its events with
  everything the project writes in the events' transaction (hash chain, transparency log's
  tree, command id, look-up tables); the views are brought up to date by the separate
  projection worker, whose work is not counted (none runs during the measurement).
- **revising a proposal, views inline** (no target): the same with the views written in the
  events' transaction as well (one process, the default without a worker), kept so that
  the views' cost is shown, not hidden.
"""

from __future__ import annotations

import itertools
from uuid import UUID, uuid4

from sqlalchemy import Engine

from application.bootstrap import Services
from application.service import DialogueApplication
from benchmarks.databases import fresh_database, services
from benchmarks.measure import Figure, figure, interleave
from domain.reference import ALL_GOVERNMENTS

GROUP = "write path"


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
    views by the worker and inline each on a fresh database of their own (module docstring)."""
    with fresh_database(backend, postgres) as url, fresh_database(backend, postgres) as inline_url:
        return _measure(services(url, inline=False), services(inline_url, inline=True), backend, rounds, per_round)


class Reviser:
    """Revisions of a proposal of one member through ``s``'s application."""

    def __init__(self, s: Services) -> None:
        self.app = s.app
        self.author = member(self.app)
        self.proposal = draft(self.app, self.author)
        self.counter = itertools.count()
        self()

    def __call__(self) -> None:
        self.app.revise_proposal(
            self.proposal, {"title": f"Safe pathways {next(self.counter)}"}, actor=str(self.author), command_id=f"bench:{uuid4()}",
        )

    def new_proposal(self) -> None:
        self.proposal = draft(self.app, self.author)


def _measure(worker: Services, inline: Services, backend: str, rounds: int, per_round: int) -> list[Figure]:
    revise, revise_inline = Reviser(worker), Reviser(inline)
    last = worker.app.recorder.select_events(revise.proposal, desc=True, limit=1)[0]
    row = (str(last.originator_id), last.topic, last.state)
    raw = RawInsert(worker.app.engine)

    def new_proposals(_round: int) -> None:
        revise.new_proposal()
        revise_inline.new_proposal()

    try:
        got = interleave({"revise": revise, "inline": revise_inline, "raw": lambda: raw(row)}, rounds, per_round, before_round=new_proposals)
    finally:
        raw.close()
    return [
        figure(
            GROUP, f"revising a proposal ({backend})", got["revise"], baseline=f"raw INSERT + COMMIT ({backend})",
            baseline_samples=got["raw"], target=0.25,
        ),
        figure(
            GROUP, f"revising a proposal, views inline ({backend})", got["inline"], baseline=f"raw INSERT + COMMIT ({backend})",
            baseline_samples=got["raw"],
        ),
        figure(GROUP, f"raw INSERT + COMMIT ({backend})", got["raw"]),
    ]
