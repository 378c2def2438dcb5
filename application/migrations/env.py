"""The Alembic environment of the project's own tables: the migrations run on the
connection given by :func:`application.schema.upgrade_own_tables`, inside its transaction."""

from __future__ import annotations

from alembic import context

from application.schema import VERSION_TABLE, include_object
from application.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    include_object=include_object,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
