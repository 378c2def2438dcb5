"""Names in the reader's alphabetical order (no ICU on the servers: the rules people expect).

Letters are compared without their accents and case first (Álvaro with alvaro, Óscar with
oscar), then with them, so that the order does not depend on how a name was typed; in Spanish
ñ is a letter of its own, after n (Nora, Núñez, Ñandú, Óscar). Equal names keep a stable
order by the tie-breaker the caller gives (a participant id).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_AFTER_N = "n\U0010ffff"  # Spanish ñ: after every n…, before o


def _base(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def collation_key(text: str, language: str) -> tuple[str, str, str]:
    """A sort key of ``text`` for readers of ``language`` (es, en, pt, fr)."""
    folded = unicodedata.normalize("NFC", text.strip()).casefold()
    primary = "".join(_AFTER_N if (ch == "ñ" and language == "es") else _base(ch) for ch in folded)
    return primary, folded, text


def in_name_order(items: Iterable[T], name_of: Callable[[T], str], language: str, tie: Callable[[T], str] = str) -> list[T]:
    """``items`` sorted by their names (``name_of``) in ``language``'s order, then by ``tie``."""
    return sorted(items, key=lambda item: (*collation_key(name_of(item), language), tie(item)))
