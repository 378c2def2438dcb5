"""Rows written in batches (projections.statements): they wait until the batch ends, yet every
statement of the transaction sees them; a replaced row keeps its last values; a failed
transaction writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from projections import batch
from projections.statements import (
    batch_rows,
    delete_rows,
    edit_row,
    insert_row,
    replace_row,
    select_first,
    update_row,
    update_rows,
)

metadata = MetaData()
things = Table("things", metadata, Column("id", Integer, primary_key=True), Column("name", String(20), nullable=False))


@pytest.fixture
def engine() -> Engine:
    e = create_engine("sqlite://")
    metadata.create_all(e)
    return e


def names(engine: Engine) -> dict[int, str]:
    with engine.connect() as c:
        return {int(i): str(n) for i, n in c.execute(select(things.c.id, things.c.name))}


def count_in(s: Session) -> int:
    return int(s.connection().execute(select(func.count()).select_from(things)).scalar_one())


def test_waiting_rows_are_written_in_one_statement_when_the_batch_ends(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        for i in range(3):
            insert_row(s, things, id=i, name=f"n{i}")
        assert count_in(s) == 0
        batch.flush(s)
        assert count_in(s) == 3
    assert names(engine) == {0: "n0", 1: "n1", 2: "n2"}


def test_a_commit_outside_the_runner_writes_the_waiting_rows(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
    assert names(engine) == {1: "one"}


def test_a_statement_of_the_handler_sees_the_waiting_rows(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        assert s.execute(select(things.c.name).where(things.c.id == 1)).scalar() == "one"


def test_a_text_statement_sees_every_waiting_row(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        assert s.execute(text("SELECT name FROM things")).scalar() == "one"


def test_update_delete_and_select_of_the_helpers_see_the_waiting_rows(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        insert_row(s, things, id=2, name="two")
        assert update_rows(s, things, {"id": 1}, name="uno") == 1
        delete_rows(s, things, id=2)
        assert select_first(s, things, ("name",), id=1)["name"] == "uno"
        assert select_first(s, things, id=2) is None
    assert names(engine) == {1: "uno"}


def test_a_replaced_row_keeps_its_last_values(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
    with Session(engine) as s, s.begin():
        replace_row(s, things, id=1, name="first")
        replace_row(s, things, id=1, name="second")
        replace_row(s, things, id=2, name="two")
    assert names(engine) == {1: "second", 2: "two"}


def test_a_key_inserted_twice_is_refused_as_written_at_once(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        insert_row(s, things, id=1, name="again")
    assert names(engine) == {}


def test_a_failed_transaction_writes_no_waiting_row(engine: Engine) -> None:
    with pytest.raises(RuntimeError), Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        raise RuntimeError("handler failed")
    assert names(engine) == {}


def test_an_update_of_a_waiting_row_is_merged_into_it_and_read_back(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        update_row(s, things, {"id": 1}, name="uno")
        assert select_first(s, things, ("name",), id=1) == {"name": "uno"}
        assert count_in(s) == 0
    assert names(engine) == {1: "uno"}


def test_updates_of_stored_rows_wait_and_the_last_value_wins(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        insert_row(s, things, id=2, name="two")
    with Session(engine) as s, s.begin():
        update_row(s, things, {"id": 1}, name="a")
        update_row(s, things, {"id": 2}, name="b")
        update_row(s, things, {"id": 1}, name="c")
        assert select_first(s, things, ("name",), id=1)["name"] == "c"
    assert names(engine) == {1: "c", 2: "b"}


NAME = frozenset({"name"})


def edited(s: Session, key: int, name: str) -> None:
    """What a handler does with :func:`edit_row`: the column set in both dicts."""
    found = edit_row(s, things, {"id": key}, NAME)
    assert found is not None
    current, write = found
    current["name"] = name
    if write is not current:
        write["name"] = name


def test_edit_row_of_a_stored_row_is_read_once_and_written_with_the_batch(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
    with Session(engine) as s, s.begin():
        edited(s, 1, "a")
        edited(s, 1, "b")
        assert select_first(s, things, ("name",), id=1) == {"name": "b"}
        assert s.connection().execute(select(things.c.name).where(things.c.id == 1)).scalar() == "one"  # not written yet
    assert names(engine) == {1: "b"}


def test_edit_row_of_a_row_waiting_to_be_inserted_changes_that_row(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        insert_row(s, things, id=1, name="one")
        current, write = edit_row(s, things, {"id": 1}, NAME) or ({}, {})
        assert current is write
        edited(s, 1, "uno")
        assert s.execute(select(things.c.name).where(things.c.id == 1)).scalar() == "uno"  # written first, changed
    assert names(engine) == {1: "uno"}


def test_edit_row_of_a_missing_row_is_none(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        assert edit_row(s, things, {"id": 7}, NAME) is None
    assert names(engine) == {}


dated = Table(
    "dated", metadata, Column("id", Integer, primary_key=True), Column("on", Date), Column("tags", JSON, nullable=False),
)
keys_only = Table("keys_only", metadata, Column("id", Integer, primary_key=True))


def test_dates_and_lists_shared_by_waiting_rows_are_written_for_each_row(engine: Engine) -> None:
    shared = [1, 2]
    days = [date(2026, 1, 5), date(2026, 1, 5), None, date(2026, 2, 1)]
    with Session(engine) as s, s.begin():
        for i, day in enumerate(days):
            insert_row(s, dated, id=i, on=day, tags=shared if i < 3 else [i])
    with engine.connect() as c:
        got = {int(r.id): (r.on, r.tags) for r in c.execute(select(dated))}
    assert got == {0: (days[0], [1, 2]), 1: (days[1], [1, 2]), 2: (None, [1, 2]), 3: (days[3], [3])}


def test_consecutive_rows_sharing_a_date_or_list_then_another_are_written_each_with_its_own(engine: Engine) -> None:
    first, second = [1], [2]
    values = [(date(2026, 1, 5), first), (date(2026, 1, 5), first), (date(2026, 1, 6), second), (date(2026, 1, 5), first)]
    with Session(engine) as s, s.begin():
        for i, (day, tags) in enumerate(values):
            insert_row(s, dated, id=i, on=day, tags=tags)
    with engine.connect() as c:
        got = {int(r.id): (r.on, r.tags) for r in c.execute(select(dated))}
    assert got == dict(enumerate(values))


def test_rows_of_a_table_of_one_column_are_written_in_a_batch(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        for i in (3, 1, 2):
            insert_row(s, keys_only, id=i)
        replace_row(s, keys_only, id=1)
    with engine.connect() as c:
        assert sorted(int(i) for i in c.execute(select(keys_only.c.id)).scalars()) == [1, 2, 3]


def test_a_date_and_time_waiting_to_be_written_is_stored_in_sqlalchemy_s_sqlite_text() -> None:
    """The batch writes' own formatting of a SQLite date and time gives the column type's text."""
    stamps = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", DateTime(timezone=True)))
    e = create_engine("sqlite://")
    stamps.metadata.create_all(e)
    values = [
        datetime(2016, 3, 4, 5, 6, 7), datetime(2016, 3, 4, 5, 6, 7, 89, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))), date(2020, 1, 2), None,
    ]
    with Session(e) as s, s.begin():
        for i, v in enumerate(values):
            insert_row(s, stamps, id=i, at=v)
    expected = DateTime(timezone=True).dialect_impl(e.dialect).bind_processor(e.dialect)
    assert expected is not None
    with e.connect() as c:
        stored = dict(c.exec_driver_sql("SELECT id, at FROM stamps").all())
    assert stored == {i: expected(v) for i, v in enumerate(values)}
    assert stored[1] == "2016-03-04 05:06:07.000089"


versions = Table(
    "versions", metadata, Column("owner", String(8), primary_key=True), Column("number", Integer, primary_key=True),
    Column("on", Date, nullable=False), Column("tags", JSON, nullable=False), Column("note", String(20), nullable=False),
)
_SHAPE = ("owner", "number", "on", "tags", "note")  # the table's order
_OTHER_ORDER = ("note", "tags", "on", "number", "owner")


def stored_versions(engine: Engine) -> list[tuple[object, ...]]:
    """The rows of ``versions`` in the order they were inserted (their rowid)."""
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(select(versions).order_by(text("rowid")))]


def test_rows_given_as_values_are_written_in_the_order_given_among_rows_given_as_dicts(engine: Engine) -> None:
    """One statement per shape (the columns and their order), the shapes in the order first met."""
    day, tags = date(2026, 1, 5), [3, 1]
    with Session(engine) as s, s.begin():
        rows = batch_rows(s)
        insert_row(s, versions, owner="a", number=1, on=day, tags=tags, note="drafted")
        rows.insert_values(s, versions, ("b", 1), _SHAPE, ("b", 1, day, tags, "values"))
        insert_row(s, versions, owner="a", number=2, on=day, tags=[], note="dict")
        rows.insert_values(s, versions, ("a", 3), _OTHER_ORDER, ("other order", [7], date(2026, 2, 1), 3, "a"))
        assert select_first(s, versions, ("note",), owner="b", number=1) is not None
        rows.insert_values(s, versions, ("b", 2), _SHAPE, ("b", 2, day, tags, "last"))
    assert stored_versions(engine) == [
        ("a", 1, day, [3, 1], "drafted"), ("b", 1, day, [3, 1], "values"), ("a", 2, day, [], "dict"), ("b", 2, day, [3, 1], "last"),
        ("a", 3, date(2026, 2, 1), [7], "other order"),
    ]


def test_a_row_waiting_as_values_is_read_edited_and_updated_as_a_row(engine: Engine) -> None:
    day = date(2026, 1, 5)
    with Session(engine) as s, s.begin():
        rows = batch_rows(s)
        rows.insert_values(s, versions, ("a", 1), _SHAPE, ("a", 1, day, [1], "first"))
        rows.insert_values(s, versions, ("a", 2), _SHAPE, ("a", 2, day, [2], "second"))
        rows.insert_values(s, versions, ("a", 3), _SHAPE, ("a", 3, day, [3], "third"))
        assert select_first(s, versions, ("note", "tags"), owner="a", number=1) == {"note": "first", "tags": [1]}
        found = edit_row(s, versions, {"owner": "a", "number": 2}, frozenset({"note"}))
        assert found is not None
        current, write = found
        assert (current["note"], write is current) == ("second", True)
        current["note"] = "edited"
        update_row(s, versions, {"owner": "a", "number": 3}, note="updated")
        assert count_in(s) == 0
    assert [r[4] for r in stored_versions(engine)] == ["first", "edited", "updated"]


def test_a_key_given_as_values_twice_is_refused_as_written_at_once(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), Session(engine) as s, s.begin():
        rows = batch_rows(s)
        rows.insert_values(s, versions, ("a", 1), _SHAPE, ("a", 1, date(2026, 1, 5), [], "one"))
        rows.insert_values(s, versions, ("a", 1), _SHAPE, ("a", 1, date(2026, 1, 5), [], "again"))
    assert stored_versions(engine) == []
