"""Fresh databases for one benchmark: a SQLite file in a temporary folder, or a PostgreSQL
database created (and dropped afterwards) on a server given by URL."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from uuid import uuid4

from sqlalchemy import create_engine, make_url, text

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "2026-Q1"


@contextmanager
def fresh_database(backend: str, postgres_server: str | None = None) -> Iterator[str]:
    """The URL of an empty database on ``backend`` (``sqlite`` or ``postgres``), removed on exit."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="dialogue-bench-") as d:
            try:
                yield f"sqlite:///{Path(d) / 'bench.sqlite'}"
            finally:
                dispose_engines()
        return
    if not postgres_server:
        raise ValueError("no PostgreSQL server URL given")
    name = f"dialogue_bench_{uuid4().hex[:10]}"
    admin = create_engine(make_url(postgres_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable(server: str | None) -> bool:
    """Whether a PostgreSQL server answers at ``server``."""
    if not server:
        return False
    try:
        engine = create_engine(make_url(server), connect_args={"connect_timeout": 3})
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def services(url: str, *, inline: bool = True, on: date = date(2026, 1, 5)) -> Services:
    """The application and its views on ``url`` (a new master key), clock pinned to ``on``."""
    return bootstrap(Config(database_url=url, master_key=generate_master_key(), inline_projection=inline), clock=FixedClock(on))
