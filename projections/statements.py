"""Reusable statements for the handlers: built once per table and shape, then executed
with each event's values.

Building an SQLAlchemy statement and its cache key for every event was most of a
rebuild's time (``docs/performance.md``). Here an ``INSERT``, an ``UPDATE … WHERE`` or a
``DELETE … WHERE`` of a table is built the first time a handler asks for that shape (the
names of its key and value columns), its bound parameters carry the columns' types (JSON,
dates), and the same statement object, whose compiled form SQLAlchemy keeps, serves every
later event. Handlers may go on writing their own statements: these are a faster way to
the same rows, not a rule.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Delete, Insert, Select, Table, Update, bindparam, delete, insert, select
from sqlalchemy.orm import Session


def _key(name: str) -> str:
    return f"k_{name}"


def _value(name: str) -> str:
    return f"v_{name}"


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


@cache
def _update(table: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Update:
    c = table.c
    return (
        table.update()
        .where(*(c[k] == bindparam(_key(k), type_=c[k].type) for k in keys))
        .values({name: bindparam(_value(name), type_=c[name].type) for name in columns})
    )


@cache
def _delete(table: Table, keys: tuple[str, ...]) -> Delete:
    c = table.c
    return delete(table).where(*(c[k] == bindparam(_key(k), type_=c[k].type) for k in keys))


@cache
def _select(table: Table, columns: tuple[str, ...], keys: tuple[str, ...]) -> Select[Any]:
    c = table.c
    chosen = [c[n] for n in columns] if columns else [table]
    return select(*chosen).where(*(c[k] == bindparam(_key(k), type_=c[k].type) for k in keys))


def insert_row(s: Session, table: Table, **values: Any) -> None:
    """``INSERT`` one row of ``table``."""
    s.connection().execute(_insert(table), values)


def insert_rows(s: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` several rows of ``table`` with the same columns in one ``executemany``."""
    if rows:
        s.connection().execute(_insert(table), rows)


def update_rows(s: Session, table: Table, where: dict[str, Any], **values: Any) -> int:
    """``UPDATE table SET values WHERE`` every column of ``where`` equals its value; the
    number of rows changed."""
    params = {_key(k): v for k, v in where.items()} | {_value(k): v for k, v in values.items()}
    result = s.connection().execute(_update(table, tuple(where), tuple(values)), params)
    return int(getattr(result, "rowcount", 0) or 0)


def delete_rows(s: Session, table: Table, **where: Any) -> None:
    """``DELETE FROM table WHERE`` every column of ``where`` equals its value."""
    s.connection().execute(_delete(table, tuple(where)), {_key(k): v for k, v in where.items()})


def select_first(s: Session, table: Table, columns: tuple[str, ...] = (), **where: Any) -> Any:
    """The first row (a mapping) of ``columns`` (default: all) of ``table`` where every
    column of ``where`` equals its value, or None."""
    return s.connection().execute(_select(table, columns, tuple(where)), {_key(k): v for k, v in where.items()}).mappings().first()
