"""Versions of the projections: which version of each projection a views database holds, and
the upgrade that builds a new version from the log beside the old one, then switches to it.

``view_projections`` has one row per projection and version: its tables and its state,

- ``building``: the tables of a version the code declares, being filled from the log;
- ``current``: the version the newest release serves (switched to once it caught up);
- ``previous``: the version before, still kept up to date by the previous release while it
  serves; its tables are dropped by the next switch of that projection. A release going back
  to it (a rollback) catches it up and switches back to it.

:func:`upgrade` (``dialogue db upgrade``, and a one-process server when it starts):

1. replaces the one tracking row of the releases before versions (``views``) by a row per
   projection at the same position, and records their tables as version 1;
2. creates the tables of every version the code declares that the database lacks, and records
   them as ``building``;
3. catches the building versions up with the log, from the start (in batches; the other
   projections are left to their workers);
4. in one transaction, makes each building version ``current``, the version it replaces
   ``previous``, and drops the tables of versions older than that.

Until the switch, the previous release keeps serving from its own tables and tracking rows;
projections whose version did not change share their tables and tracking row between the
two releases (the tracking row lock keeps every event applied once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)

if TYPE_CHECKING:
    from projections.base import Projection
    from projections.runner import ViewProjector

registry = MetaData()
view_projections = Table(
    "view_projections", registry,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("tables", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("switched_at", DateTime(timezone=True)),
)
BUILDING, CURRENT, PREVIOUS = "building", "current", "previous"
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"dialogue:views-upgrade").digest()[:8], "big", signed=True)
LEGACY_TRACKING = "views"


def create_registry(engine: Engine) -> None:
    registry.create_all(engine, checkfirst=True)


def states(engine: Engine) -> dict[tuple[str, int], str]:
    """(projection name, version) → state, for every version recorded (none before any upgrade)."""
    if not inspect(engine).has_table(view_projections.name):
        return {}
    with engine.connect() as c:
        return {(r.name, int(r.version)): str(r.state) for r in c.execute(select(view_projections.c.name, view_projections.c.version, view_projections.c.state))}


def not_ready(engine: Engine, projections: tuple[Projection, ...]) -> list[str]:
    """The projections whose version the code declares is not the current one of ``engine``
    (``proposals.v2 (building)``); empty when the views can serve."""
    known = states(engine)
    return [f"{p.tracking_name} ({known.get((p.name, p.version), 'missing')})" for p in projections if known.get((p.name, p.version)) != CURRENT]


def upgrade(projector: ViewProjector, *, batch: int = 200, progress: Callable[[int], None] | None = None) -> list[str]:
    """Bring the views database of ``projector`` to the code's versions; returns what was done
    (one line each). ``batch`` notifications are applied per transaction while building;
    ``progress`` is told how many after each batch."""
    with _one_upgrade_at_a_time(projector.engine):
        return _upgrade(projector, batch, progress)


@contextmanager
def _one_upgrade_at_a_time(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, a session advisory lock held for the whole upgrade (its build runs in
    many transactions): a second process upgrading at once waits, then finds it done."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as c:
        c.execute(select(func.pg_advisory_lock(_LOCK_KEY)))
        c.commit()
        try:
            yield
        finally:
            c.execute(select(func.pg_advisory_unlock(_LOCK_KEY)))
            c.commit()


def _upgrade(projector: ViewProjector, batch: int, progress: Callable[[int], None] | None) -> list[str]:
    engine = projector.engine
    # Read before creating the tables: a projection new in this release has no tables yet
    # and is built from the log, never adopted at the legacy position with empty tables.
    present = set(inspect(engine).get_table_names())
    projector.create_tables()
    create_registry(engine)
    done = _adopt_legacy_tracking(projector, present)
    known = states(engine)
    building: list[Projection] = []
    returning: list[Projection] = []
    for p in projector.projections:
        state = known.get((p.name, p.version))
        if state is None:
            with engine.begin() as c:
                c.execute(insert(view_projections).values(name=p.name, version=p.version, tables=[t.name for t in p.tables], state=BUILDING))
            state = BUILDING
        if state == BUILDING:
            building.append(p)
        elif state == PREVIOUS:
            returning.append(p)
    if building:
        projector.reset(building)  # an interrupted build starts again from zero
        n = projector.catch_up(only=building, batch=batch, progress=progress)
        done.append(f"built {', '.join(p.tracking_name for p in building)} from {n} events")
        done.extend(_switch(projector, building))
    if returning:
        # A release going back to the version before (its tables and tracking rows are
        # consistent with each other): catch it up from where it stopped, switch back.
        n = projector.catch_up(only=returning, batch=batch, progress=progress)
        done.append(f"caught {', '.join(p.tracking_name for p in returning)} up by {n} events")
        done.extend(_switch(projector, returning))
    return done


def _adopt_legacy_tracking(projector: ViewProjector, present: set[str]) -> list[str]:
    """A database of a release before versions: one tracking row (``views``) for every view.
    Its position becomes each version-1 projection's whose tables were all there before
    this upgrade (``present``), and the row goes (that release's projector must be stopped
    first: ``docs/operations.md``)."""
    engine, t = projector.engine, projector.tracking.tracking_table
    with engine.begin() as c:
        position = c.execute(select(t.c.notification_id).where(t.c.application_name == LEGACY_TRACKING)).scalar()
        if position is None:
            return []
        adopted = []
        for p in projector.projections:
            names = [table.name for table in p.tables]
            recorded = c.execute(select(func.count()).select_from(view_projections).where(view_projections.c.name == p.name)).scalar()
            if p.version != 1 or not set(names) <= present or recorded:
                continue
            c.execute(insert(view_projections).values(name=p.name, version=1, tables=names, state=CURRENT, switched_at=datetime.now(UTC)))
            c.execute(delete(t).where(t.c.application_name == p.tracking_name))
            c.execute(insert(t).values(application_name=p.tracking_name, notification_id=int(position)))
            adopted.append(p.tracking_name)
        c.execute(delete(t).where(t.c.application_name == LEGACY_TRACKING))
    return [f"took over the views of a release before versions at position {position}: {', '.join(adopted) or 'none'}"]


def _switch(projector: ViewProjector, built: list[Projection]) -> list[str]:
    """Make each built version current, the one it replaces previous, and drop older ones."""
    engine, t = projector.engine, projector.tracking.tracking_table
    done = []
    with engine.begin() as c:
        for p in built:
            others = c.execute(select(view_projections).where(view_projections.c.name == p.name, view_projections.c.version != p.version)).mappings().all()
            for row in others:
                key = (view_projections.c.name == p.name, view_projections.c.version == row["version"])
                if row["state"] == CURRENT:
                    c.execute(update(view_projections).where(*key).values(state=PREVIOUS))
                    continue
                for name in row["tables"]:
                    Table(name, MetaData()).drop(c, checkfirst=True)
                c.execute(delete(t).where(t.c.application_name == f"{p.name}.v{row['version']}"))
                c.execute(delete(view_projections).where(*key))
                done.append(f"dropped {p.name} version {row['version']} ({', '.join(row['tables'])})")
            c.execute(update(view_projections).where(view_projections.c.name == p.name, view_projections.c.version == p.version).values(
                state=CURRENT, switched_at=datetime.now(UTC)))
    done.append(f"switched to {', '.join(p.tracking_name for p in built)}")
    return done
