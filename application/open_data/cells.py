"""How one value is written in a cell of the open data (``docs/open-data.md``, "Cells").

- **Formula-like text is neutralised** with one prefix, an apostrophe: a text cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (which a spreadsheet
  would run as a formula), or with an apostrophe itself, is written with one more
  apostrophe in front. A reader removes one leading apostrophe from every text cell that
  starts with one (:func:`read_text`), and gets the text exactly back. Numbers, dates and
  booleans are never prefixed.
- **Multi-valued fields** (a recommendation's GCM objectives, its addressees) hold their
  values in the order recorded, separated by a semicolon without spaces (``2;5;12``).
  The values are codes of the reference lists, none containing a semicolon.
- **Line breaks** are written as a line feed: a carriage return, alone or before a line
  feed, becomes a line feed (a workbook would otherwise carry it as the escape
  ``_x000D_``, which common readers such as openpyxl and pandas do not undo). Tabs, line
  feeds, commas, quotes and emoji are kept as they are.
- A missing value is an empty cell (CSV, XLSX) or ``null`` (JSON).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

FORMULA_PREFIX = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", FORMULA_PREFIX)
SEPARATOR = ";"


def neutralise(text: str) -> str:
    """``text`` as written in a text cell: line breaks as line feeds, then prefixed with an
    apostrophe when a spreadsheet would run it as a formula (or when it starts with an
    apostrophe)."""
    written = text.replace("\r\n", "\n").replace("\r", "\n")
    return FORMULA_PREFIX + written if text.startswith(FORMULA_STARTS) else written


def read_text(cell: str) -> str:
    """The text a text cell holds (what a reader does): one leading apostrophe removed."""
    return cell[1:] if cell.startswith(FORMULA_PREFIX) else cell


def join_values(values: Iterable[Any]) -> str:
    """A multi-valued field's cell: the values as text, separated by ``;``.

    Raises:
        ValueError: a value contains the separator or is empty (never for reference codes).
    """
    parts = [str(v) for v in values]
    for p in parts:
        if not p or SEPARATOR in p:
            raise ValueError(f"A multi-valued field's value cannot be empty or contain {SEPARATOR!r}: {p!r}")
    return SEPARATOR.join(parts)


def split_values(cell: str) -> list[str]:
    """The values of a multi-valued cell (what a reader does)."""
    return cell.split(SEPARATOR) if cell else []


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: text neutralised, dates ISO 8601, booleans ``true``/``false``,
    integers and numbers in decimal (``1850``, ``12.5``), missing values empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def json_value(value: Any) -> Any:
    """A value as JSON: text neutralised as in the other formats, dates ISO 8601 text,
    integers, numbers and booleans as such, missing values ``null``."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))
