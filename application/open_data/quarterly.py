"""The quarterly open data (issue 15, "Reproducible"): one archive per quarter, as of the
quarter's last day, built by ``dialogue close-due`` once the quarter has ended and served
as one file by the download page (``/open-data``).

The archive is :func:`application.open_data.export.build_export` up to the log's head when
it is built, limited to the events effective on or before the quarter's last day; it
states both (``log_position``, ``effective_as_of``), so ``dialogue export open-data DIR
--until POSITION --as-of DATE`` gives the same files again. The secretariat may publish
the quarter so far (``dialogue export quarter``); that archive is marked not final and is
replaced by the final one once the quarter has ended. A final archive is never rebuilt.

The quarter's participation statistics snapshot (issue 11) is taken beside it, by
:mod:`application.participation`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from application.bootstrap import Services
from application.open_data.export import OpenDataExport, build_export
from application.tables import open_data_table
from domain.deliberation import QUARTER, quarter_of
from domain.errors import InvalidInputError, NotFoundError


@dataclass(frozen=True)
class QuarterlyExport:
    """A stored quarterly archive: its quarter, provenance, whether final, and bytes."""

    quarter: str
    position: int
    chain_hash: str
    as_of: date
    final: bool
    archive: bytes
    built_at: datetime

    @property
    def filename(self) -> str:
        return f"gcm-lac-dialogue-open-data-{self.quarter}.zip"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """The first and last day of ``YYYY-Qn``.

    Raises:
        InvalidInputError: ``bad_quarter``.
    """
    if not QUARTER.match(quarter or ""):
        raise InvalidInputError("A quarter reads YYYY-Qn, e.g. 2026-Q1.", code="bad_quarter", field="quarter")
    year, n = int(quarter[:4]), int(quarter[-1])
    first = date(year, 3 * (n - 1) + 1, 1)
    following = date(year + (n == 4), 1 if n == 4 else 3 * n + 1, 1)
    return first, following - timedelta(days=1)


def previous_quarter(today: date) -> str:
    """The last quarter that ended before ``today``."""
    return quarter_of(quarter_bounds(quarter_of(today))[0] - timedelta(days=1))


def publish_quarter(services: Services, quarter: str | None = None) -> QuarterlyExport:
    """Build and store the archive of ``quarter`` (default: the current quarter) as of its
    last day, or as of today when it has not ended (then not final). A final archive
    already stored is returned unchanged.

    Raises:
        InvalidInputError: ``bad_quarter``; ``quarter_in_future``.
        domain.errors.NotFoundError: ``empty_log``.
    """
    today = services.app.clock.today()
    quarter = quarter or quarter_of(today)
    first, last = quarter_bounds(quarter)
    if first > today:
        raise InvalidInputError(f"The quarter {quarter} has not started.", code="quarter_in_future", field="quarter")
    stored = stored_quarter(services.app.engine, quarter)
    if stored is not None and stored.final:
        return stored
    final = last < today
    export: OpenDataExport = build_export(services.app.engine, services.app.recorder, services.app.mapper, as_of=min(last, today))
    p = export.provenance
    built = QuarterlyExport(
        quarter=quarter, position=p.position, chain_hash=p.chain_hash, as_of=p.as_of or last, final=final,
        archive=export.archive(), built_at=datetime.now(UTC),
    )
    with services.app.engine.begin() as c:
        c.execute(delete(open_data_table).where(open_data_table.c.quarter == quarter))
        c.execute(insert(open_data_table).values(**asdict(built)))
    return built


def close_due_quarter(services: Services) -> QuarterlyExport | None:
    """The deadline job's part: once a quarter has ended, build its final archive (once).
    Returns the archive built, or None when it was already there (or nothing is logged)."""
    quarter = previous_quarter(services.app.clock.today())
    stored = stored_quarter(services.app.engine, quarter)
    if stored is not None and stored.final:
        return None
    try:
        return publish_quarter(services, quarter)
    except NotFoundError:
        return None


def _row(r: Any) -> QuarterlyExport:
    return QuarterlyExport(
        quarter=r.quarter, position=int(r.position), chain_hash=r.chain_hash, as_of=r.as_of, final=bool(r.final),
        archive=bytes(r.archive), built_at=r.built_at,
    )


def stored_quarter(engine: Engine, quarter: str) -> QuarterlyExport | None:
    with engine.connect() as c:
        r = c.execute(select(open_data_table).where(open_data_table.c.quarter == quarter)).first()
    return None if r is None else _row(r)


def latest_quarter(engine: Engine) -> QuarterlyExport | None:
    """The most recent quarter's stored archive (None: none built yet)."""
    with engine.connect() as c:
        r = c.execute(select(open_data_table).order_by(open_data_table.c.quarter.desc()).limit(1)).first()
    return None if r is None else _row(r)
