"""Write path: revising a proposal through the application (command-id check, load, command,
save with chain and command id, views brought up to date inline) against a raw ``INSERT`` +
``COMMIT`` of the same stored bytes into a table of the same database, through the same
connection pool and so at the same durability settings (SQLite: WAL, the default
``synchronous``; PostgreSQL: the server's defaults)."""

from __future__ import annotations

import itertools
from typing import Any
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
    """Revisions per round ``per_round``, each round on a freshly drafted proposal."""
    with fresh_database(backend, postgres) as url:
        s = services(url, inline=True)
        return _measure(s, backend, rounds, per_round)


def _measure(s: Services, backend: str, rounds: int, per_round: int) -> list[Figure]:
    app = s.app
    author = member(app)
    state: dict[str, Any] = {"proposal": draft(app, author)}
    app.revise_proposal(state["proposal"], {"title": "Safe pathways, revised"}, actor=str(author))
    last = app.recorder.select_events(state["proposal"], desc=True, limit=1)[0]
    row = (str(last.originator_id), last.topic, last.state)
    raw = RawInsert(app.engine)
    counter = itertools.count()

    def revise() -> None:
        app.revise_proposal(state["proposal"], {"title": f"Safe pathways {next(counter)}"}, actor=str(author), command_id=f"bench:{uuid4()}")

    def new_proposal(_round: int) -> None:
        state["proposal"] = draft(app, author)

    try:
        got = interleave({"revise": revise, "raw": lambda: raw(row)}, rounds, per_round, before_round=new_proposal)
    finally:
        raw.close()
    return [
        figure(
            GROUP, f"revising a proposal ({backend})", got["revise"], baseline=f"raw INSERT + COMMIT ({backend})",
            baseline_samples=got["raw"], target=0.25,
        ),
        figure(GROUP, f"raw INSERT + COMMIT ({backend})", got["raw"]),
    ]
