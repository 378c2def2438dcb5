"""The shape of the project's own tables, kept by Alembic migrations
(``application/migrations/``; ``docs/architecture.md``, "Upgrades").

:func:`upgrade_own_tables` brings any earlier database to the current shape: an empty one is
created by the migrations; one created before migrations existed (its tables are there but
not the version table) is first stamped with the baseline revision; one at an older revision
is upgraded. The library's ``dialogue_events`` table and the ``view_*`` tables are never
touched (:func:`include_object`). On PostgreSQL an advisory lock lets one process upgrade at a
time; the others wait and find the work done.

``python -m application.schema heads`` prints the head revision; ``python -m
application.schema draft`` prints the operations that would bring an upgraded database to the
shape of ``application/tables.py`` (a draft for the next migration).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    inspect,
    select,
)
from sqlalchemy.pool import StaticPool

from application.tables import metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "dialogue_schema_version"
NOTES = "notes"
"""The key of the Alembic configuration's attributes where a migration leaves what it did
to data (a list of sentences), which ``dialogue db upgrade`` prints with its steps."""
BASELINE = "0001"
# The tables the baseline revision stands for: a database holding them without a version
# table was created before migrations existed.
BASELINE_TABLES = ("dialogue_chain", "dialogue_commands", "dialogue_participant_keys", "dialogue_key_check")
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"dialogue:schema-upgrade").digest()[:8], "big", signed=True)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic looks only at the tables of ``application/tables.py`` (and what is on them)."""
    if type_ == "table":
        return name in metadata.tables
    table = getattr(obj, "table", None)
    return table is None or table.name in metadata.tables


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration of the migrations shipped in the package (no ini file)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head_revision() -> str:
    """The revision the code expects (the one head of ``application/migrations/versions``)."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"The migrations have {len(heads)} heads ({', '.join(heads)}); give one the other as down_revision.")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    """The database's revision (None: no version table, or an empty one); read directly, so
    that a check logs nothing."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32)))
    return connection.execute(select(versions.c.version_num)).scalar()


@dataclass
class SchemaReport:
    """What :func:`upgrade_own_tables` did: the revision before (None for a new database),
    whether a database from before migrations was stamped, and the revision after; ``notes``
    are what a migration asks the operators to know (also among ``steps``)."""

    before: str | None = None
    stamped: bool = False
    after: str | None = None
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.stamped or self.before != self.after


def own_tables_current(engine: Engine) -> bool:
    """Whether the database's own tables are at the code's revision (one cheap query)."""
    with engine.connect() as c:
        return current_revision(c) == head_revision()


@cache
def known_revisions() -> frozenset[str]:
    """Every revision of the code's migration scripts."""
    return frozenset(s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions())


def own_tables_state(engine: Engine) -> str:
    """``current`` (at the code's head), ``behind`` (an earlier revision of the code's scripts,
    or none: ``dialogue db upgrade`` brings it to the head) or ``ahead`` (a revision the code's
    scripts do not know: a newer release upgraded it, e.g. during a rolling deployment or
    before a rollback; no upgrade of this release can apply to it). One cheap query."""
    with engine.connect() as c:
        revision = current_revision(c)
    if revision == head_revision():
        return "current"
    return "behind" if revision is None or revision in known_revisions() else "ahead"


def upgrade_own_tables(engine: Engine) -> SchemaReport:
    """Bring the project's own tables to the code's revision, in one transaction.

    Returns what was done; raises what the database raises (nothing is changed then).
    """
    report = SchemaReport()
    if own_tables_current(engine):
        report.before = report.after = head_revision()
        return report
    with engine.begin() as c:
        if c.dialect.name == "postgresql":
            c.execute(select(func.pg_advisory_xact_lock(_LOCK_KEY)))
        present = set(inspect(c).get_table_names())
        report.before = current_revision(c)
        cfg = alembic_config(c)
        if report.before is None and set(BASELINE_TABLES) <= present:
            command.stamp(cfg, BASELINE)
            report.stamped = True
            report.before = BASELINE
            report.steps.append(f"stamped the tables of a database from before migrations as {BASELINE}")
        if report.before != head_revision():
            command.upgrade(cfg, "head")
            report.steps.append(f"upgraded from {report.before or 'nothing'} to {head_revision()}")
            report.notes.extend(cfg.attributes.get(NOTES, []))
            report.steps.extend(report.notes)
        report.after = current_revision(c)
    return report


def draft() -> str:
    """The Alembic operations that would bring an upgraded empty database to the shape of
    ``application/tables.py`` (Python source to review, not a migration to run as is)."""
    from alembic.autogenerate import produce_migrations, render_python_code

    engine = create_engine("sqlite://", poolclass=StaticPool)
    upgrade_own_tables(engine)
    with engine.connect() as c:
        ctx = MigrationContext.configure(c, opts={
            "version_table": VERSION_TABLE, "include_object": include_object, "target_metadata": metadata,
        })
        script = produce_migrations(ctx, metadata)
        assert script.upgrade_ops is not None
        return render_python_code(script.upgrade_ops)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "heads"
    print(head_revision() if what == "heads" else draft())
