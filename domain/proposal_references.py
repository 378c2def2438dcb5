"""References of proposals: ``RTn-YYYY-NNN``, numbered by the working table per year.

A proposal drafted without a reference gets the next number of its table for the year of
its drafting (``RT4-2026-007``); numbers only grow, so a reference is never given twice,
not even after the proposal was withdrawn or rejected (issue 12, "References"). A
reference given on drafting (a scenario's ``prop-rt1-01``) is kept as it is; one written in
the automatic form must name the drafting table and a number above the last one the table
gave that year, so the two never meet.
"""

from __future__ import annotations

import re

from domain.errors import InvalidInputError

AUTOMATIC_REFERENCE = re.compile(r"^(RT[1-9])-(\d{4})-(\d{3,})$")


def format_reference(table: str, year: int, number: int) -> str:
    """``format_reference("RT4", 2026, 7)`` → ``"RT4-2026-007"`` (three digits at least)."""
    return f"{table}-{year:04d}-{number:03d}"


def given_reference_number(table: str, reference: str, last_numbers: dict[str, int]) -> tuple[int, int] | None:
    """For a reference given on drafting: ``(year, number)`` when it has the automatic form
    (the table must then record it), else None (kept as given).

    Raises:
        InvalidInputError: ``reference_of_another_table`` (the form names another table),
            ``reference_taken`` (not above the last number the table gave that year).
    """
    m = AUTOMATIC_REFERENCE.match(reference)
    if m is None:
        return None
    if m.group(1) != table:
        raise InvalidInputError(
            f"The reference {reference} names another working table than {table}.",
            code="reference_of_another_table", field="reference",
        )
    year, number = int(m.group(2)), int(m.group(3))
    if number <= last_numbers.get(str(year), 0):
        raise InvalidInputError(f"The reference {reference} was already given.", code="reference_taken", field="reference")
    return year, number
