"""The keys and weights of what web pages keep per process (web/pages/common.py): a view's row
gives an exact key (any changed value, or a value of another type, gives another key), and an
answer's weight counts everything it holds."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup
from sqlalchemy.sql.elements import quoted_name

import web.pages.common as common
from application.bootstrap import Services
from web.pages.common import FOOTPRINT_DEPTH, PositionMemo, footprint, key_footprint, value_key

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


class Thing:
    """A value of no literal type: a key holding one is made by ``_frozen``."""


THING = Thing()
PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (1, True), (0, False), (1, 1.0), (Markup("&lt;"), "&lt;"), (0.0, -0.0), (Decimal("1.0"), Decimal("1.00")),
        (datetime(2026, 3, 2, 12, tzinfo=UTC), datetime(2026, 3, 2, 14, tzinfo=PLUS_TWO)),
        (datetime(2026, 3, 2, 12, tzinfo=UTC), datetime(2026, 3, 2, 12, tzinfo=ZoneInfo("Europe/London"))),
        (time(12, tzinfo=UTC), time(14, tzinfo=PLUS_TWO)), ({"a": 1}, {"a": True}),
    ],
    ids=["1-True", "0-False", "1-1.0", "Markup-str", "0.0--0.0", "Decimal-places", "UTC-+02:00", "UTC-London", "time-offsets", "dict-values"],
)
def test_values_equal_in_python_give_other_keys_beside_a_value_of_no_literal_type(one: object, other: object) -> None:
    # equal in Python (one == other), shown differently: a key holding THING is _frozen's
    assert (one == other, value_key(THING, one) == value_key(THING, other)) == (True, False)


def test_a_key_beside_a_value_of_no_literal_type_is_the_same_for_the_same_values() -> None:
    row = {"at": datetime(2026, 3, 2, 12, tzinfo=UTC), "title": Markup("<b>x</b>"), "n": [1, 2.5]}

    assert value_key(THING, row, 1) == value_key(THING, dict(row), 1)


class Zone(tzinfo):
    """A zone whose ``repr`` is the same whatever its offset."""

    def __init__(self, hours: int) -> None:
        self.hours = hours

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=self.hours)

    def tzname(self, dt: datetime | None) -> str:
        return f"Z{self.hours}"

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def __repr__(self) -> str:
        return "Zone()"


def test_a_datetime_in_a_zone_of_another_kind_is_not_keyed_by_its_repr() -> None:
    one, other = datetime(2026, 3, 2, 12, tzinfo=Zone(1)), datetime(2026, 3, 2, 12, tzinfo=Zone(2))

    assert (repr(one) == repr(other), value_key(one) == value_key(other), value_key([one]) == value_key([other])) == (True, False, False)


def test_a_datetime_without_zone_in_utc_or_in_a_named_zone_is_keyed_by_its_repr() -> None:
    values = [datetime(2026, 3, 2), datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=ZoneInfo("America/Bogota")), time(9, tzinfo=PLUS_TWO)]

    assert [isinstance(value_key({"at": v}), str) for v in values] == [True] * 4


def test_a_key_weighs_the_text_a_value_of_no_literal_type_brings_into_it() -> None:
    text = "x" * 100_000
    key = ("piece", "en", value_key(THING, {"title": text}))

    assert key_footprint(key) >= sys.getsizeof(text)


def test_a_key_weighs_the_positions_it_shares_with_the_request_by_their_own_size() -> None:
    positions = tuple((f"view_{i}", i) for i in range(20))
    key = ("view", "amendments_of", "('x',)", positions)

    assert (key_footprint(key, positions), key_footprint(key)) == (sys.getsizeof(key) + sum(map(sys.getsizeof, key)), key_footprint(key[:3]) - sys.getsizeof(key[:3]) + sys.getsizeof(key) + footprint(positions))


def test_an_answer_too_heavy_to_keep_is_weighed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = PositionMemo(cast(Services, None), max_bytes=40_000)
    weighed: list[object] = []
    monkeypatch.setattr(common, "footprint", lambda value: weighed.append(value) or sys.getsizeof(value))
    heavy = "x" * 20_000
    given = [memo.put("heavy", heavy) for _ in range(3)]
    memo.put("light", "y")

    assert (given == [heavy] * 3, weighed.count(heavy), memo.peek("heavy"), memo.peek("light")) == (True, 1, None, "y")
