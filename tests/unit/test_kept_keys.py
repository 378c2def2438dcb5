"""The keys and weights of what web pages keep per process (web/pages/common.py): a view's row
gives an exact key (any changed value, or a value of another type, gives another key), and an
answer's weight counts everything it holds."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

from sqlalchemy.sql.elements import quoted_name

from web.pages.common import FOOTPRINT_DEPTH, footprint, value_key

ROW = {
    quoted_name("id", None): "d129631b-868e-59c5-9677-ba3a19202d54", quoted_name("title", None): "Safe pathways",
    quoted_name("objectives", None): [18, 2], quoted_name("tally", None): {"yes": 3, "no": 1},
    quoted_name("updated_on", None): date(2026, 3, 2), quoted_name("session_id", None): None,
}


def _with(**changes: object) -> dict[str, object]:
    return {**ROW, **{quoted_name(k, None): v for k, v in changes.items()}}


def test_a_row_gives_the_same_key_each_time_it_is_read() -> None:
    assert value_key("card", ROW, False) == value_key("card", dict(ROW), False)


def test_any_changed_value_of_a_row_gives_another_key() -> None:
    changed = [
        _with(title="Safe pathways "), _with(objectives=[18, 3]), _with(objectives=[2, 18]), _with(tally={"yes": 3, "no": 2}),
        _with(updated_on=date(2026, 3, 3)), _with(session_id=""), _with(extra=None),
    ]
    keys = {value_key("card", row, False) for row in changed}

    assert (len(keys), value_key("card", ROW, False) in keys) == (len(changed), False)


def test_values_equal_in_python_but_of_another_type_give_another_key() -> None:
    # 1 == 1.0 == True, and a date's text is not a date: each would show differently.
    values = [1, 1.0, True, "1", [1], (1,), date(2026, 3, 2), "2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)]

    assert len({value_key(_with(objectives=v)) for v in values}) == len(values)


def test_other_objects_get_a_key_of_their_own_kind() -> None:
    class Thing:
        pass

    thing = Thing()

    assert (value_key(thing) == value_key(thing), value_key(thing) == value_key(Thing()), isinstance(value_key(thing), str)) == (True, False, False)


def test_a_weight_counts_every_value_held_down_the_levels() -> None:
    text = "x" * 10_000
    rows = [{"title": text, "objectives": [18]}]
    nested = {"a": {"b": {"c": [text]}}}

    assert footprint(rows) >= sys.getsizeof(text) + sys.getsizeof(rows)
    assert footprint(nested) >= sys.getsizeof(text)
    assert footprint(text) == sys.getsizeof(text)


def test_a_weight_stops_at_its_depth_instead_of_recursing_without_end() -> None:
    loop: list[object] = []
    loop.append(loop)

    assert footprint(loop) == FOOTPRINT_DEPTH * sys.getsizeof(loop)
