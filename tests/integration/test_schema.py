"""The project's own tables follow their migrations (``application/migrations/``): an upgraded
database has exactly the shape of ``application/tables.py``, ``db init`` on an empty database
equals ``db upgrade``, and no migration looks at the library's events table or the views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, inspect

from application.persistence import dispose_engines, generate_master_key, get_engine
from application.schema import (
    VERSION_TABLE,
    alembic_config,
    draft,
    head_revision,
    include_object,
    upgrade_own_tables,
)
from application.tables import metadata
from projections import proposals as proposal_views
from tests.conftest import reset_postgres
from web import create_app


def shape(engine: Engine) -> dict[str, Any]:
    """Every table of the database: its columns (name, type, nullable), primary key, indexes."""
    i = inspect(engine)
    return {
        t: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in i.get_columns(t)],
            "primary_key": i.get_pk_constraint(t)["constrained_columns"],
            "indexes": sorted((x["name"], tuple(x["column_names"]), bool(x["unique"])) for x in i.get_indexes(t)),
        }
        for t in sorted(i.get_table_names())
    }


def cli(url: str, key: str, *args: str) -> str:
    app: Flask = create_app({"DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": key, "SECRET_KEY": "test-secret-key-0123456789abcdef"})
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_the_migrations_have_one_head() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [head_revision()]


def test_an_upgraded_database_has_exactly_the_shape_of_the_tables_module(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade_own_tables(engine)
    with engine.connect() as c:
        ctx = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE, "include_object": include_object})
        differences = compare_metadata(ctx, metadata)
    assert differences == []
    assert [line.strip() for line in draft().splitlines() if not line.strip().startswith("#")] == ["pass"]


def test_migrations_never_look_at_the_events_table_nor_the_views() -> None:
    assert include_object(None, "dialogue_events", "table", True, None) is False
    assert include_object(None, "view_proposals", "table", True, None) is False
    assert include_object(None, "dialogue_chain", "table", True, None) is True


def test_db_init_on_an_empty_database_equals_db_upgrade(database_url: str, tmp_path: Path) -> None:
    key = generate_master_key()

    def on_an_empty_database(command: str) -> tuple[str, dict[str, Any], str | None]:
        dispose_engines()
        if database_url.startswith("sqlite"):
            for suffix in ("", "-wal", "-shm"):
                Path(database_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            reset_postgres(database_url)
        output = cli(database_url, key, "db", command)
        engine = get_engine(database_url)
        with engine.connect() as c:
            revision = c.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()
        return output, shape(engine), revision

    init = on_an_empty_database("init")
    upgrade = on_an_empty_database("upgrade")

    assert init == upgrade
    assert init[2] == head_revision()
    assert {"dialogue_events", "dialogue_chain", proposal_views.view_proposals.name, "view_projections", "view_tracking", VERSION_TABLE} <= set(init[1])
