"""Alembic migrations of the project's own tables (``application/tables.py``): the hash
chain, the command ids, the participants' key store and the master-key check.

Run by :func:`application.schema.upgrade_own_tables` (``dialogue db upgrade``, ``db init``
and every process that starts with table creation on); never by hand with an
``alembic.ini``. The library's events table (``dialogue_events``) and the view tables
(``view_*``) are not Alembic's: the library creates the first, the projections' versions
rebuild the others (``docs/architecture.md``, "Upgrades"). ``README.md`` beside this file
says how to add a migration.
"""
