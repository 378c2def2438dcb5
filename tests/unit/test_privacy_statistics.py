"""Small counts in the participation statistics are suppressed so no person can be singled
out (docs/design.md, "Projections"): a pure function, no I/O."""

from __future__ import annotations

from projections.people import suppress_small_counts


def test_counts_at_or_above_the_threshold_are_shown_largest_first() -> None:
    assert suppress_small_counts([("es", 40), ("en", 10), ("pt", 6)]) == [
        {"value": "es", "count": 40}, {"value": "en", "count": 10}, {"value": "pt", "count": 6},
    ]


def test_counts_below_the_threshold_read_less_than_five() -> None:
    cells = suppress_small_counts([("woman", 31), ("man", 25), ("non_binary", 2), ("prefer_not_to_say", 1)])
    assert cells == [
        {"value": "woman", "count": 31}, {"value": "man", "count": 25},
        {"value": "non_binary", "count": "<5"}, {"value": "prefer_not_to_say", "count": "<5"},
    ]


def test_a_lone_small_count_hides_the_next_smallest_so_it_cannot_be_derived() -> None:
    cells = suppress_small_counts([("es", 40), ("en", 10), ("pt", 6), ("fr", 4)])
    assert cells == [
        {"value": "es", "count": 40}, {"value": "en", "count": 10},
        {"value": "fr", "count": "<5"}, {"value": "pt", "count": "suppressed"},
    ]


def test_the_threshold_is_a_parameter() -> None:
    assert suppress_small_counts([("a", 9), ("b", 9), ("c", 12)], threshold=10) == [
        {"value": "c", "count": 12}, {"value": "a", "count": "<10"}, {"value": "b", "count": "<10"},
    ]


def test_a_dimension_with_only_one_small_cell_shows_nothing_else_to_hide() -> None:
    assert suppress_small_counts([("a", 1)]) == [{"value": "a", "count": "<5"}]
