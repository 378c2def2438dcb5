"""A number an indicator's form was given, read as the reader writes numbers (the request's
locale, the one the pages write them in: 1.234,5 in es and pt, 1,234.5 in en, 1 234,5 in fr).

The rule (docs/rules.md, "Numbers typed in the forms"):

0. Only ASCII digits with a sign, points, commas and spaces are read at all: an exponent
   (``1e5``), underscores (``1_000``) or another script's digits (``١٢``) are refused naming
   how to write the number (a person types digits with the locale's marks).
1. Digits grouped by three with spaces (ordinary, no-break or narrow no-break:
   ``1 000``, ``1 234,5`` in es, pt and fr, ``1 234.5`` in en) read in every language: a
   space marks no decimals anywhere, so that grouping is unambiguous. Its first group is not
   0 (``0 001`` groups nothing). Three digits after the decimal mark, where the language's
   readers also group with that mark (``1 000,500`` in Spanish), are refused as in rule 2. Otherwise the text is
   read in the reader's locale, strictly (Babel's ``parse_decimal``), so that a wrong
   grouping (``1,2,3``) does not read.
2. A text with one separator, once, followed by exactly three digits (``1.500``,
   ``1,500``) is ambiguous where the language's readers write that separator both ways:
   in Spanish, both ('.' groups in Spain and Argentina, marks the decimals in Mexico and
   Central America; ',' the reverse), in French the point. It is refused, never guessed,
   with two ways of writing it that each read one way only: without the separator
   (``1500``), and the decimals with their trailing zeros left out (``1,5``) or, when the
   three digits end in no zero, one zero added (``1,2340``). A whole part of 0 (``0,001``)
   groups nothing: it reads as decimals.
3. What the locale does not read is read plainly when that is unambiguous: digits with
   one separator, once, not followed by exactly three digits, is a decimal mark
   (``1.5`` in Spanish, ``1,5`` in English are 1.5).
4. Anything else made of digits and separators is refused naming how to write it; a text
   that is no number at all goes to the application as typed (``not_a_number``).
5. A number read is refused, with the rule's words, when it is beyond an indicator's bounds
   as typed (12 digits before the decimal mark, 6 after it, 15 in all:
   ``domain.commission.decimal_within_bounds``), before it becomes a float, which would
   round it silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

from application.limits import (
    INDICATOR_DECIMALS,
    INDICATOR_DIGITS,
    INDICATOR_SIGNIFICANT,
    indicator_number_within,
)
from web.translate import gettext as _

# The separators a language's readers write both as the decimal mark and to group thousands.
AMBIGUOUS_SEPARATORS = {"es": ".,", "fr": "."}
SPACES = " \u00a0\u202f"
# What may be read as a number at all: ASCII digits with the marks a person types (a sign,
# points, commas, spaces); anything else is never handed to a parser (Python's and Babel's
# read 1e5, 1_000 and other scripts' digits).
_READABLE = re.compile(r"[+-]?[0-9.,\s\u00a0\u202f]*[0-9][0-9.,\s\u00a0\u202f]*")
# What looks like a number written otherwise (any script's digits, an exponent, underscores):
# refused naming how to write it; any other text is no number, left to the application.
_NUMBERISH = re.compile(r"[+-]?[\d.,_eE\s\u00a0\u202f]*\d[\d.,_eE\s\u00a0\u202f]*")
_ONE_SEPARATOR = re.compile(r"([+-]?[0-9]+)([.,])([0-9]+)")
_SPACE = "[ \u00a0\u202f]"
# Spaces group thousands from a first group of 1 to 3 digits that is not a 0 ("0 001" groups
# nothing: more likely 0,001 mistyped).
_SPACE_GROUPED = re.compile(rf"([+-]?)([1-9][0-9]{{0,2}}(?:{_SPACE}[0-9]{{3}})+)(?:([.,])([0-9]+))?")


@dataclass(frozen=True)
class Reading:
    """What a typed number reads as: ``value`` (a number, or the text when it is none) and
    ``problem``, the reader's words when the text is refused as it is written."""

    value: Any
    problem: str | None = None


def _read(raw: str, value: Decimal) -> Reading:
    """``value`` read from ``raw``, refused when it is beyond an indicator's bounds as typed
    (checked on the text's digits, before it becomes a float, which would round it)."""
    if value.is_finite() and not indicator_number_within(value):
        return Reading(raw, _("Give a number with at most %(digits)s digits before the decimal point, %(decimals)s after it "
                              "and %(significant)s in all.",
                              digits=INDICATOR_DIGITS, decimals=INDICATOR_DECIMALS, significant=INDICATOR_SIGNIFICANT))
    return Reading(_plain(value))


def _plain(value: Decimal) -> Any:
    """A whole number as ``int``, any other (NaN and infinities too) as ``float``."""
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return float(value)


def _how(language: str) -> str:
    """How to write one thousand two hundred and a half in ``language``, with and without grouping."""
    decimal = get_decimal_symbol(language)
    group = get_group_symbol(language)
    return _("write it like %(grouped)s or %(plain)s", grouped=f"1{group}234{decimal}5", plain=f"1234{decimal}5")


# Longer than any number the domain takes (12 digits, 6 decimals, their marks and a sign),
# with room for spaces: a longer text is refused before any pattern reads it (the patterns
# above take time growing with the square of a long text's length).
MAX_TYPED = 64


def read_number(text: str | None, language: str) -> Reading:
    """The number ``text`` says for a reader of ``language`` (see the module's rule)."""
    raw = (text or "").strip()
    if len(raw) > MAX_TYPED:
        return _refused(raw, language)
    group = get_group_symbol(language)
    typed = "".join(group if c in SPACES else c for c in raw.replace("\u2212", "-")) if group in SPACES else raw.replace("\u2212", "-")
    if not _READABLE.fullmatch(typed):
        return _refused(raw, language) if _NUMBERISH.fullmatch(raw) else Reading(raw)
    spaced = _SPACE_GROUPED.fullmatch(typed)
    if spaced and spaced.group(3) in (None, get_decimal_symbol(language)):
        # Spaces group thousands in every language (groups of three): one way to read it;
        # three digits after a mark this language also groups with still read two ways (rule 2).
        sign, whole, decimals = spaced.group(1), re.sub(_SPACE, "", spaced.group(2)), spaced.group(4)
        if decimals and len(decimals) == 3 and spaced.group(3) in AMBIGUOUS_SEPARATORS.get(language, ""):
            return _ambiguous(raw, sign + whole, decimals, language)
        return _read(raw, Decimal(f"{sign}{whole}.{decimals}" if decimals else f"{sign}{whole}"))
    single = _ONE_SEPARATOR.fullmatch(typed)
    if single and len(single.group(3)) == 3 and single.group(1).lstrip("+-") == "0":
        return _read(raw, Decimal(f"{single.group(1)}.{single.group(3)}"))  # 0,001: no thousands before it
    if single and len(single.group(3)) == 3 and single.group(2) in AMBIGUOUS_SEPARATORS.get(language, ""):
        return _ambiguous(raw, single.group(1), single.group(3), language)
    try:
        return _read(raw, parse_decimal(typed, language, strict=True))
    except NumberFormatError:
        pass
    if single and len(single.group(3)) != 3:
        return _read(raw, Decimal(f"{single.group(1)}.{single.group(3)}"))
    return _refused(raw, language)


def _ambiguous(raw: str, whole: str, part: str, language: str) -> Reading:
    """``raw`` (``whole``, a mark, three digits ``part``) refused as reading two ways, with two
    suggestions that each read one way only (rule 2): never the three digits again."""
    kept = part.rstrip("0")
    decimals = whole if not kept else whole + get_decimal_symbol(language) + (kept if len(kept) < 3 else kept + "0")
    return Reading(raw, _("%(text)s can be read as two numbers: write %(thousands)s or %(decimals)s.",
                          text=raw, thousands=whole + part, decimals=decimals))


def _refused(raw: str, language: str) -> Reading:
    """``raw`` refused as it is written, naming how to write a number in ``language`` (a text
    longer than :data:`MAX_TYPED` named by its first 20 characters)."""
    shown = raw if len(raw) <= MAX_TYPED else raw[:20] + "…"
    return Reading(raw, _("%(text)s is not a number as written here: %(how)s.", text=shown, how=_how(language)))
