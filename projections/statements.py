"""Reusable statements for the handlers, and rows written in batches.

Building an SQLAlchemy statement and its cache key for every event was most of a
rebuild's time (``docs/performance.md``). Here an ``INSERT``, an ``UPDATE … WHERE``, a
``DELETE … WHERE`` or a ``SELECT … WHERE`` of a table is built the first time a handler
asks for that shape (the names of its key and value columns), its bound parameters carry
the columns' types (JSON, dates), and the same statement object, whose compiled form
SQLAlchemy keeps, serves every later event.

Rows given to :func:`insert_row` and :func:`replace_row` are not written at once: they wait,
by table and primary key, and are written with one ``executemany`` per table and shape
when the batch of events ends (:mod:`projections.batch`), or earlier when something could
see them: before any other statement of these helpers on the same table (a ``SELECT`` by the
full primary key of a row that is not waiting goes straight to the table), and before any
statement a handler runs itself with ``Session.execute`` that names the table (every waiting
row before a statement that names none, such as a text statement). So every statement sees the rows
as if each had been written at once, and a handler may mix these helpers with its own
statements. (A handler must not read the views through ``Session.connection()`` directly.)

A row read by :func:`select_first` by its whole primary key is kept, whole, for the rest of
the batch and kept current by :func:`update_row`: the next events of the same row (a
proposal revised a thousand times) read it from memory instead of writing the waiting
update and reading the row again (:func:`edit_row` gives a handler that row and its
waiting write together, to change both without finding the row twice per event). Anything
else that may change the table's rows (:func:`insert_row` or :func:`replace_row` of that
key, :func:`update_rows`, :func:`delete_rows`, a handler's own statement that writes and
names the table, or names no table) forgets what was kept of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from itertools import count
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    Delete,
    Dialect,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from projections.batch import batch_state, peek


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


class _Waiting:
    """The rows of one batch not written yet: table → primary key → (row, how), ``how``
    one of ``insert``, ``replace`` (delete by the key, then insert) and ``update`` (the row
    holds the key and the new values); or, for a row inserted as its values alone
    (:meth:`insert_values`), (values, the names of their columns), made a dict only if
    something asks for the row before it is written (:meth:`found`)."""

    def __init__(self) -> None:
        self.tables: dict[Table, dict[Any, tuple[Any, Any]]] = {}
        self.serial = count()
        # table → primary key → the whole row as read by select_first, then updated.
        self.known: dict[Table, dict[Any, dict[str, Any]]] = {}

    def key(self, table: Table, row: dict[str, Any]) -> Any:
        get = _key_of(table)
        if get is None:
            return ("#", next(self.serial))
        try:
            return get(row)
        except KeyError:
            return ("#", next(self.serial))  # no key to find it by: always a new row

    def write(self, s: Session, table: Table) -> None:
        """Write the waiting rows of ``table``: the replaced rows' old versions deleted, then
        every new row inserted and every update made, in one ``executemany`` per shape."""
        waiting = self.tables.pop(table, None)
        if not waiting:
            return
        c = s.connection()
        names = _primary_key(table)
        replaced = [{_key(n): row[n] for n in names} for row, how in waiting.values() if how == "replace"]
        if replaced:
            _executemany(c, _delete(table, names), replaced)
        # Each shape's rows inserted as tuples of their values, in the shape's order.
        inserts: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row, how in waiting.values():
            if type(how) is tuple:  # a row's values alone (insert_values)
                group = inserts.get(how)
                if group is None:
                    group = inserts[how] = []
                group.append(row)
            elif how == "update":
                values = tuple(n for n in row if n not in names)
                updates.setdefault(values, []).append({_key(n): row[n] for n in names} | {_value(n): row[n] for n in values})
            else:
                inserts.setdefault(tuple(row), []).append(tuple(row.values()))
        for shape, tuples in inserts.items():
            _executemany_values(c, _insert(table), shape, tuples)
        for values, rows in updates.items():
            _executemany(c, _update(table, names, values), rows)

    def write_all(self, s: Session) -> None:
        for table in list(self.tables):
            self.write(s, table)

    def insert(self, s: Session, table: Table, key: tuple[Any, ...], row: dict[str, Any], how: str = "insert") -> None:
        """:func:`insert_row` of ``row`` (or, by ``how``, its other ways of writing a row),
        whose primary key the caller gives (``key``, the key's values in its columns' order)."""
        kept = self.known.get(table)
        if kept:
            kept.pop(key, None)
        rows = self.tables.get(table)
        if rows is None:
            rows = self.tables[table] = {}
        elif key in rows and how == "insert":
            self.write(s, table)  # the same key inserted again: the table answers as it would have
            rows = self.tables.setdefault(table, {})
        rows[key] = (row, how)

    def insert_values(self, s: Session, table: Table, key: tuple[Any, ...], shape: tuple[str, ...], values: tuple[Any, ...]) -> None:
        """:meth:`insert` of a row given as its ``values``, those of the columns ``shape``
        in that order (``key``: its primary key's values): a row inserted for each of many
        events (a proposal's version row per revision) without a dict per row."""
        kept = self.known.get(table)
        if kept:
            kept.pop(key, None)
        rows = self.tables.get(table)
        if rows is None:
            rows = self.tables[table] = {}
        elif key in rows:
            self.write(s, table)  # the same key inserted again: the table answers as it would have
            rows = self.tables.setdefault(table, {})
        rows[key] = (values, shape)

    @staticmethod
    def found(rows: dict[Any, tuple[Any, Any]] | None, key: Any) -> tuple[dict[str, Any], str] | None:
        """The waiting row of ``rows`` (a table's) with ``key``, as (row, how): a row waiting
        as its values alone becomes a dict here (and stays one)."""
        found = None if rows is None else rows.get(key)
        if found is not None and type(found[1]) is tuple:
            found = rows[key] = (dict(zip(found[1], found[0], strict=True)), "insert")  # type: ignore[index]
        return found

    def edit(self, s: Session, table: Table, key: dict[str, Any], columns: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """:func:`edit_row`."""
        full = tuple(key.values())
        rows = self.tables.get(table)
        found = None if rows is None else rows.get(full)
        if found is not None and found[1] != "update":
            if type(found[1]) is tuple:
                found = self.found(rows, full)
            row = found[0]  # type: ignore[index]
            if row.keys() >= columns:
                return row, row
        kept = self.known.get(table)
        current = None if kept is None else kept.get(full)
        if current is None:
            if select_first(s, table, (), **key) is None:
                return None
            current = self.known[table][full]
            # Reading it wrote whatever of the table was waiting for this key.
            rows = self.tables.get(table)
            found = self.found(rows, full)
        if rows is None:
            rows = self.tables[table] = {}
        if found is None:
            write = dict(key)
            rows[full] = (write, "update")
            return current, write
        return current, found[0]


class _Prepared:
    """A statement compiled once for a dialect and one shape of rows: its SQL, the names of
    its parameters in order, and each one's bind processor (None: the value as it is) and
    how its values may be processed once for many rows (``_processed``)."""

    def __init__(
        self, sql: str, names: tuple[str, ...], processors: tuple[Callable[[Any], Any] | None, ...], positional: bool,
        kinds: tuple[str, ...] | None = None,
    ) -> None:
        self.sql = sql
        self.names = names
        self.processors = processors
        self.positional = positional
        self.kinds = kinds or ("",) * len(names)
        self.processed = [(i, f, k) for i, (f, k) in enumerate(zip(processors, self.kinds, strict=True)) if f is not None]
        self.getters = [itemgetter(n) for n in names]
        # The shape of rows given as tuples → the index in it of each of ``names``.
        self.orders: dict[tuple[str, ...], tuple[int, ...]] = {}
        get = itemgetter(*names) if names else None
        self.values: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            (lambda row: ()) if get is None else (lambda row: (get(row),)) if len(names) == 1 else get  # type: ignore[assignment]
        )

    def parameters(self, rows: list[dict[str, Any]]) -> list[Any]:
        """The driver's parameters of each row, every value through its column type's bind
        processor (as SQLAlchemy would, once per value, None included: JSON's ``null``)."""
        values: list[Any]
        if self.processed and rows:
            # Column by column (one pass of each column's getter), then into rows once.
            columns: list[Any] = [list(map(get, rows)) for get in self.getters]
            for i, f, kind in self.processed:
                columns[i] = _processed(columns[i], f, kind)
            values = list(zip(*columns, strict=True))
        else:
            values = list(map(self.values, rows))
        if self.positional:
            return values
        return [dict(zip(self.names, v, strict=True)) for v in values]

    def parameters_of_values(self, shape: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[Any]:
        """:meth:`parameters` of rows given as tuples of the values of the columns ``shape``
        (the same names as the statement's, perhaps in another order)."""
        values: list[Any]
        if not shape or not rows:
            values = [()] * len(rows)
        else:
            order = self.orders.get(shape)
            if order is None:
                order = self.orders[shape] = tuple(shape.index(n) for n in self.names)
            if not self.processed and order == tuple(range(len(shape))):
                values = rows
            else:
                # Column by column (one transposition), then into rows once.
                by_shape = list(zip(*rows, strict=True))
                columns: list[Any] = [by_shape[i] for i in order]
                for i, f, kind in self.processed:
                    columns[i] = _processed(columns[i], f, kind)
                values = list(zip(*columns, strict=True))
        if self.positional:
            return values
        return [dict(zip(self.names, v, strict=True)) for v in values]


def _processed(values: Sequence[Any], processor: Callable[[Any], Any], kind: str = "") -> list[Any]:
    """``values`` through ``processor``. In a JSON column (``kind`` ``json``), a list or dict
    met again (the same object: a proposal's objectives in each of its versions) is
    processed once (JSON serialised once); in a date column (``date``), each date once; in
    a date and time column of SQLite (``sqlite_datetime``, :func:`_bind_processor`), each
    date and time made text here, without a call of the processor per value."""
    if kind == "sqlite_datetime":
        return [v.isoformat(" ", "microseconds")[:26] if type(v) is datetime else processor(v) for v in values]
    # Consecutive rows mostly hold the same value (the versions of one proposal): the
    # last one's processed value is reused before any look-up.
    last: Any = None
    done: Any = None
    if kind == "date":
        memo: dict[Any, Any] = {}
        out = []
        for v in values:
            if type(v) is date:
                if v != last or done is None:
                    found = memo.get(v)
                    if found is None:
                        found = memo[v] = processor(v)
                    last, done = v, found
                out.append(done)
            else:
                out.append(processor(v))
        return out
    if kind != "json":
        return list(map(processor, values))
    seen: dict[int, Any] = {}
    out = []
    for v in values:
        if isinstance(v, list | dict):
            if v is not last:
                found = seen.get(id(v))
                if found is None:
                    found = seen[id(v)] = processor(v)
                last, done = v, found
            out.append(done)
        else:
            out.append(processor(v))
    return out


def _bind_processor(impl: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The bind processor of a column type's ``impl`` for ``dialect``: the type's own, but
    for a date and time on SQLite in its default storage format, the same text made by
    ``datetime.isoformat`` (a version row's ``recorded_at``: the type's own formatting, a
    dict and a ``%`` per value, was a tenth of writing those rows)."""
    processor = impl.bind_processor(dialect)
    if processor is None or not _sqlite_text_datetime(impl):
        return processor
    fallback = processor

    def process(value: Any) -> Any:
        if type(value) is datetime:
            # 'YYYY-MM-DD HH:MM:SS.ffffff' (a year is always 4 digits): the storage format's
            # text; an offset after it is left out, as the storage format leaves it out.
            return value.isoformat(" ", "microseconds")[:26]
        return fallback(value)

    return process


_SQLITE_DATETIME_FORMAT = SQLITE_DATETIME._storage_format


def _sqlite_text_datetime(impl: Any) -> bool:
    """Whether a column type's ``impl`` is SQLite's date and time in its default storage
    format (whose text :func:`_bind_processor` makes with ``datetime.isoformat``)."""
    return isinstance(impl, SQLITE_DATETIME) and getattr(impl, "_storage_format", None) == _SQLITE_DATETIME_FORMAT


def _kind(column_type: Any) -> str:
    """How the values of a column of this type may be processed once for many rows."""
    if isinstance(column_type, JSON):
        return "json"
    if isinstance(column_type, Date):
        return "date"
    return ""


# dialect → (statement, shape) → prepared form, or None when SQLAlchemy must execute it.
_PREPARED: WeakKeyDictionary[Dialect, dict[tuple[Any, tuple[str, ...]], _Prepared | None]] = WeakKeyDictionary()


def _prepare(dialect: Dialect, statement: Insert | Update | Delete, shape: tuple[str, ...]) -> _Prepared | None:
    found = _PREPARED.setdefault(dialect, {})
    key = (statement, shape)
    if key not in found:
        found[key] = _compile(dialect, statement, shape)
    return found[key]


def _compile(dialect: Dialect, statement: Insert | Update | Delete, shape: tuple[str, ...]) -> _Prepared | None:
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(shape))
    if compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params or compiled.post_compile_params:
        return None  # defaults computed in Python, or parameters expanded per row: SQLAlchemy's work
    positional = bool(compiled.positional)
    order = tuple(compiled.positiontup) if positional else tuple(compiled.binds)
    if set(order) != set(shape):
        return None
    escaped = getattr(compiled, "escaped_bind_names", None) or {}
    processors = tuple(_bind_processor(compiled.binds[n].type.dialect_impl(dialect), dialect) for n in order)
    kinds = tuple(
        "sqlite_datetime" if _sqlite_text_datetime(compiled.binds[n].type.dialect_impl(dialect)) else _kind(compiled.binds[n].type) for n in order
    )
    if not positional and escaped:
        return None
    return _Prepared(compiled.string, order, processors, positional, kinds)


def _executemany(c: Connection, statement: Insert | Update | Delete, rows: list[dict[str, Any]]) -> None:
    """``c.execute(statement, rows)`` (rows of one shape), with the statement compiled once
    per dialect and shape and the rows' values processed here: SQLAlchemy's per-row work
    on the parameters of an ``executemany`` was a fifth of a rebuild (``docs/performance.md``)."""
    prepared = _prepare(c.dialect, statement, tuple(rows[0]))
    if prepared is None:
        c.execute(statement, rows)
        return
    c.exec_driver_sql(prepared.sql, prepared.parameters(rows))  # type: ignore[arg-type]


def _executemany_values(c: Connection, statement: Insert, shape: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """:func:`_executemany` of rows given as tuples of the values of the columns ``shape``."""
    prepared = _prepare(c.dialect, statement, shape)
    if prepared is None:
        c.execute(statement, [dict(zip(shape, row, strict=True)) for row in rows])
        return
    c.exec_driver_sql(prepared.sql, prepared.parameters_of_values(shape, rows))  # type: ignore[arg-type]


@cache
def _columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns)


@cache
def _primary_key(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


@cache
def _key_of(table: Table) -> Callable[[dict[str, Any]], tuple[Any, ...]] | None:
    """A row's primary key as a tuple (None: the table has none)."""
    names = _primary_key(table)
    if not names:
        return None
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return itemgetter(*names)


_STATE = "statements.waiting"


def _write_before_execute(state: ORMExecuteState) -> None:
    """A handler's own statement: the waiting rows of the tables it names are written
    first (every waiting row when it names none, e.g. a text statement)."""
    waiting = peek(state.session, _STATE)
    if waiting is None or not (waiting.tables or waiting.known):
        return
    statement = state.statement
    writes = not state.is_select
    if not isinstance(statement, ClauseElement):
        waiting.write_all(state.session)
        waiting.known.clear()
        return
    named = find_tables(statement, check_columns=True, include_aliases=True, include_joins=True, include_selects=True, include_crud=True)
    if not named:
        waiting.write_all(state.session)
        if writes:
            waiting.known.clear()
    for table in named:
        if isinstance(table, Table):
            waiting.write(state.session, table)
            if writes:
                waiting.known.pop(table, None)


def _load(s: Session) -> _Waiting:
    if not event.contains(s, "do_orm_execute", _write_before_execute):
        event.listen(s, "do_orm_execute", _write_before_execute)
    return _Waiting()


def _write_all(s: Session, waiting: _Waiting) -> None:
    waiting.write_all(s)


def _waiting(s: Session) -> _Waiting:
    return batch_state(s, _STATE, _load, _write_all)


def _wait(s: Session, table: Table, row: dict[str, Any], how: str) -> None:
    waiting = _waiting(s)
    waiting.insert(s, table, waiting.key(table, row), row, how)


def _before(s: Session, table: Table, where: dict[str, Any] | None = None) -> None:
    """Write the waiting rows of ``table`` that a statement ``where`` could meet."""
    waiting = peek(s, _STATE)
    if waiting is None or table not in waiting.tables:
        return
    full = None if where is None else _full_key(table, where)
    if full is not None and full not in waiting.tables[table]:
        return  # the one row it can meet is not waiting
    waiting.write(s, table)


def _forget(s: Session, table: Table) -> None:
    """Forget the rows of ``table`` kept in memory (a statement may change any of them)."""
    waiting = peek(s, _STATE)
    if waiting is not None:
        waiting.known.pop(table, None)


def _full_key(table: Table, where: dict[str, Any]) -> Any:
    """The primary key that ``where`` names whole, else None."""
    names = _primary_key(table)
    if not names or len(where) != len(names):
        return None
    try:
        return tuple([where[n] for n in names])
    except KeyError:
        return None


def insert_row(s: Session, table: Table, **values: Any) -> None:
    """``INSERT`` one row of ``table`` (written with the batch)."""
    _wait(s, table, values, "insert")


def replace_row(s: Session, table: Table, **values: Any) -> None:
    """The row of ``table`` with this primary key becomes ``values`` (``DELETE`` by the key,
    then ``INSERT``; written with the batch)."""
    if not _primary_key(table):
        raise ValueError(f"{table.name} has no primary key")
    _wait(s, table, values, "replace")


def update_row(s: Session, table: Table, key: dict[str, Any], **values: Any) -> None:
    """``UPDATE`` the row of ``table`` whose whole primary key is ``key`` (written with the
    batch; merged into the row when it waits to be inserted)."""
    full = _full_key(table, key)
    if full is None or not values.keys().isdisjoint(key):
        update_rows(s, table, key, **values)
        return
    waiting = _waiting(s)
    kept = waiting.known.get(table)
    if kept is not None:
        known = kept.get(full)
        if known is not None:
            known.update(values)
    rows = waiting.tables.get(table)
    if rows is None:
        rows = waiting.tables[table] = {}
    found = waiting.found(rows, full)
    if found is not None:
        found[0].update(values)
    else:
        rows[full] = ({**key, **values}, "update")


def edit_row(s: Session, table: Table, key: dict[str, Any], columns: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The row of ``table`` whose whole primary key is ``key`` (given in the key's column
    order), for a handler that changes it event after event: ``(current, write)``, or None
    when there is no such row. ``current`` holds at least ``columns`` as they are now;
    ``write`` is the row's waiting write (``current`` itself when the row waits to be
    inserted). The handler sets each changed column in both (what :func:`select_first`
    then :func:`update_row` do, without finding the row twice per event)."""
    return _waiting(s).edit(s, table, key, columns)


def batch_rows(s: Session) -> _Waiting:
    """The batch's waiting and kept rows, for a handler that edits a row and inserts another
    for each of many events (:meth:`_Waiting.edit`, :meth:`_Waiting.insert`,
    :meth:`_Waiting.insert_values`): the batch's
    state found once per event instead of once per call."""
    return batch_state(s, _STATE, _load, _write_all)


def update_rows(s: Session, table: Table, where: dict[str, Any], **values: Any) -> int:
    """``UPDATE table SET values WHERE`` every column of ``where`` equals its value; the
    number of rows changed."""
    _forget(s, table)
    _before(s, table)
    params = {_key(k): v for k, v in where.items()} | {_value(k): v for k, v in values.items()}
    result = s.connection().execute(_update(table, tuple(where), tuple(values)), params)
    return int(getattr(result, "rowcount", 0) or 0)


def delete_rows(s: Session, table: Table, **where: Any) -> None:
    """``DELETE FROM table WHERE`` every column of ``where`` equals its value."""
    _forget(s, table)
    _before(s, table)
    s.connection().execute(_delete(table, tuple(where)), {_key(k): v for k, v in where.items()})


def select_first(s: Session, table: Table, columns: tuple[str, ...] = (), **where: Any) -> Any:
    """The first row (a mapping) of ``columns`` (default: all) of ``table`` where every
    column of ``where`` equals its value, or None. A row waiting to be inserted is read
    from memory when it holds every column asked for; a row asked for by its whole primary
    key is read whole once in the batch, then from memory."""
    waiting = peek(s, _STATE)
    full = _full_key(table, where)
    wanted = columns or _columns(table)
    if waiting is not None and full is not None:
        found = waiting.found(waiting.tables.get(table), full)
        if found is not None and found[1] != "update":
            row = found[0]
            try:
                return {n: row[n] for n in wanted}
            except KeyError:
                pass  # the waiting row lacks a column asked for: read from the table
        kept = waiting.known.get(table)
        known = None if kept is None else kept.get(full)
        if known is not None:
            return {n: known[n] for n in wanted}
    _before(s, table, where)
    params = {_key(k): v for k, v in where.items()}
    if full is None:
        return s.connection().execute(_select(table, columns, tuple(where)), params).mappings().first()
    found = s.connection().execute(_select(table, (), tuple(where)), params).mappings().first()
    if found is None:
        return None
    whole = dict(found)
    _waiting(s).known.setdefault(table, {})[full] = whole
    return {n: whole[n] for n in wanted}
