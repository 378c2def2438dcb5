"""Rows written in batches (projections.statements): they wait until the batch ends, yet every
statement of the transaction sees them; a replaced row keeps its last values; a failed
transaction writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from projections import batch
from projections.statements import (
    delete_rows,
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
