"""Build the open data from the log up to a stated position (issue 15, "Reproducible").

The views are rebuilt as of that position by the auditors' replay
(:class:`projections.runner.ViewProjector` with ``until`` and ``as_of``, as ``dialogue
audit replay`` does) into a private in-memory database, never the live views, so the
export says exactly what the log said there. The export carries the position and the
hash chain's value at it; the same position gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.pool import StaticPool

from application.audit.log import events_table, stored_timestamp
from application.open_data.formats import Provenance, archive_bytes, package_files, write_files
from application.open_data.model import collect
from application.tables import chain_table
from domain.errors import InvalidInputError, NotFoundError
from projections.runner import EventMapper, NotificationSource, ViewProjector


@dataclass(frozen=True)
class OpenDataExport:
    """An export: its provenance and its files (name → bytes, ``datapackage.json`` included)."""

    provenance: Provenance
    files: dict[str, bytes]

    def write(self, directory: Path) -> None:
        write_files(self.files, directory)

    def archive(self) -> bytes:
        """The files as one ZIP archive (deterministic)."""
        return archive_bytes(self.files)


def head_position(engine: Engine, until: int | None = None) -> int:
    """The last position of the log at or before ``until`` (default: the log's head).

    Raises:
        NotFoundError: ``empty_log``: nothing is recorded (up to ``until``).
        InvalidInputError: ``position_beyond_head``: ``until`` is past the log's head
            (an export must not change when the log grows); ``bad_position``: below 1.
    """
    if until is not None and until < 1:
        raise InvalidInputError("A log position is a whole number from 1.", code="bad_position", field="until")
    with engine.connect() as c:
        head = c.execute(select(func.max(chain_table.c.position))).scalar()
        if head is None:
            raise NotFoundError("The log is empty: there is nothing to export.", code="empty_log")
        if until is not None and until > int(head):
            raise InvalidInputError(f"Position {until} is beyond the log's head ({head}).", code="position_beyond_head", field="until")
        if until is None:
            return int(head)
        found = c.execute(select(func.max(chain_table.c.position)).where(chain_table.c.position <= until)).scalar()
    if found is None:
        raise NotFoundError(f"Nothing is recorded up to position {until}.", code="empty_log")
    return int(found)


def provenance_at(engine: Engine, position: int, as_of: date | None = None) -> Provenance:
    """The chain's hash at ``position`` and the instant its event was recorded."""
    with engine.connect() as c:
        chain_hash = c.execute(select(chain_table.c.hash).where(chain_table.c.position == position)).scalar_one()
        state = c.execute(select(events_table.c.state).where(events_table.c.id == position)).scalar()
    recorded = stored_timestamp(bytes(state)) if state is not None else None
    return Provenance(position=position, chain_hash=str(chain_hash), recorded_at=recorded or datetime(1970, 1, 1, tzinfo=UTC), as_of=as_of)


def replayed_views(source: NotificationSource, mapper: EventMapper, position: int, as_of: date | None = None) -> tuple[ViewProjector, Engine]:
    """Every view as of ``position`` (and effective date ``as_of``) in a private
    in-memory database (nothing written to disk: the replay holds the participant
    directory). The caller disposes the engine."""
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    projector = ViewProjector(source, mapper, engine, as_of=as_of)
    projector.catch_up(until=position)
    return projector, engine


def build_export(
    log_engine: Engine, source: NotificationSource, mapper: EventMapper, *, until: int | None = None, as_of: date | None = None,
) -> OpenDataExport:
    """The open data as of ``until`` (default: the log's head) and ``as_of``.

    Args:
        log_engine: the event store's database (events and chain).
        source, mapper: the application's recorder and mapper (``services.app.recorder``,
            ``services.app.mapper``).

    Raises:
        NotFoundError, InvalidInputError: see :func:`head_position`.
    """
    position = head_position(log_engine, until)
    provenance = provenance_at(log_engine, position, as_of)
    _projector, views = replayed_views(source, mapper, position, as_of)
    try:
        tables: dict[str, list[dict[str, Any]]] = collect(views)
    finally:
        views.dispose()
    return OpenDataExport(provenance=provenance, files=package_files(tables, provenance))
