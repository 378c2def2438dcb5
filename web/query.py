"""Query arguments read with bounds: a number outside its range, or anything that is not a
plain whole number, is a 400 with a message naming the argument and its range, never a
500 and never a silent default; a ``next`` address is followed only when it is a path of
this site without control characters.

Every page reads its numeric query arguments through :func:`int_arg` (``?page=``,
``?objective=``, the audit's ``?after=``, ``?limit=``, ``?version=``, ``?from=``, ``?to=``,
the security log's ``?before=``), and its filters with a fixed set of values through
:func:`choice_arg` (``?table=``, ``?status=``, ``?country=``, the audit's ``?type=``). The digits are counted before they are converted, so a
number of thousands of digits costs nothing (Python refuses to convert more than 4,300).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

# The largest value the databases' integer columns hold (PostgreSQL BIGINT, SQLite INTEGER).
MAX_POSITION = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only: "²".isdigit() is true, int("²") fails


class QueryArgumentError(BadRequest):
    """A query argument that is not a whole number from ``low`` to ``high``."""

    def __init__(self, name: str, low: int, high: int) -> None:
        super().__init__()
        self.argument, self.low, self.high = name, low, high

    @property
    def message(self) -> str:
        """The reader's explanation (in their language)."""
        return _("In the address, %(name)s must be a whole number from %(low)s to %(high)s.", name=self.argument, low=self.low, high=self.high)


class QueryChoiceError(QueryArgumentError):
    """A filter argument that is not one of its allowed values (``?status=bogus``)."""

    def __init__(self, name: str, allowed: tuple[str, ...], label: Callable[[str], str] | None = None) -> None:
        super().__init__(name, 0, 0)
        self.allowed = allowed
        self.label = label

    @property
    def message(self) -> str:
        """The reader's explanation (in their language), naming the allowed values as they go
        in the address, each followed by its name in the reader's language where it has one
        (``adopted (Adoptada)``)."""
        named = [f"{a} ({self.label(a)})" if self.label and self.label(a) not in ("", a) else a for a in self.allowed]
        return _("In the address, %(name)s must be one of: %(allowed)s.", name=self.argument, allowed=", ".join(named))


def choice_arg(name: str, allowed: tuple[str, ...] | list[str], label: Callable[[str], str] | None = None) -> str | None:
    """The query argument ``name`` when it is one of ``allowed``, whatever its case and the
    spaces around it (``?table=rt1`` is RT1), as ``allowed`` writes it; None when it is absent
    or empty; :class:`QueryChoiceError` (400) otherwise: an unknown filter value is never
    silently ignored (the list would show everything); the refusal names each allowed value
    with ``label``'s name for it."""
    raw = (request.args.get(name) or "").strip()
    if raw == "":
        return None
    chosen = next((a for a in allowed if a == raw), None) or next((a for a in allowed if a.casefold() == raw.casefold()), None)
    if chosen is None:
        raise QueryChoiceError(name, tuple(allowed), label)
    return chosen


def parse_int(name: str, raw: str, low: int, high: int) -> int:
    """``raw`` as a whole number from ``low`` to ``high`` (non-negative bounds), else
    :class:`QueryArgumentError`."""
    if not _DIGITS.fullmatch(raw):
        raise QueryArgumentError(name, low, high)
    value = int(raw)
    if not low <= value <= high:
        raise QueryArgumentError(name, low, high)
    return value


def int_arg(name: str, default: int | None = None, *, low: int = 0, high: int = MAX_POSITION) -> int | None:
    """The query argument ``name`` as a whole number from ``low`` to ``high``; ``default``
    when it is absent or empty; :class:`QueryArgumentError` (400) otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    return parse_int(name, raw, low, high)


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path of this site: it starts with one ``/`` (not ``//`` nor
    ``/\\``, which browsers read as another host), names no scheme or host, and holds no
    control character (a line break would split the redirect's header); else None."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(unicodedata.category(c) == "Cc" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
