"""How values are written in the open data's cells (docs/open-data.md, "Cells")."""

from __future__ import annotations

from datetime import date

import pytest

from application.open_data.cells import (
    csv_cell,
    join_values,
    json_value,
    neutralise,
    read_text,
    split_values,
)


@pytest.mark.parametrize("text", ["=1+1", "+34 600", "-5", "@SUM(A1)", "\tTab", "\rCR", "'quoted"])
def test_text_a_spreadsheet_would_run_gets_one_apostrophe_in_front(text: str) -> None:
    assert neutralise(text) == "'" + text.replace("\r", "\n")


@pytest.mark.parametrize("text", ["=1+1", "-5", "@x", "\ttab", "'already", "plain, with \"quotes\"\nand a line 🌎", ""])
def test_a_reader_gets_the_text_back_by_removing_one_apostrophe(text: str) -> None:
    assert read_text(neutralise(text)) == text


def test_ordinary_text_is_written_as_it_is() -> None:
    assert neutralise("Vías regulares, \"ya\" 🙌\nlínea 2") == "Vías regulares, \"ya\" 🙌\nlínea 2"


def test_a_carriage_return_is_written_as_a_line_feed() -> None:
    assert neutralise("a\r\nb\rc") == "a\nb\nc"


def test_numbers_dates_and_booleans_are_never_prefixed() -> None:
    assert [csv_cell(-5), csv_cell(0), csv_cell(True), csv_cell(date(2026, 3, 1)), csv_cell(None)] == ["-5", "0", "true", "2026-03-01", ""]
    assert [json_value(-5), json_value(False), json_value(date(2026, 3, 1)), json_value(None)] == [-5, False, "2026-03-01", None]


def test_multi_valued_fields_join_with_a_semicolon_and_split_back() -> None:
    cell = join_values([2, 5, 12])
    assert (cell, split_values(cell), split_values("")) == ("2;5;12", ["2", "5", "12"], [])


@pytest.mark.parametrize("values", [["a;b"], [""]])
def test_a_value_holding_the_separator_or_nothing_is_refused(values: list[str]) -> None:
    with pytest.raises(ValueError):
        join_values(values)
