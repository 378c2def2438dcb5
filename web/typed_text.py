"""How a typed text is read, by the web forms and the JSON API alike, before the domain
counts it against its limits: the line ends a browser sends (CRLF, or a lone CR) as LF, so
that a text is as long through a form as through the API; everything else exactly as typed,
spaces around it included (the domain keeps and counts them: ``docs/rules.md``); and how a
long one is cut to be listed (:func:`shorten`)."""

from __future__ import annotations

from typing import Any

from domain.base import as_one_line
from domain.proposal import line_ends_as_lf


def lf(value: Any) -> Any:
    """``value`` with its CRLF (and lone CR) line ends read as LF; anything but a text as is."""
    return line_ends_as_lf(value) if isinstance(value, str) else value


ELLIPSIS = "…"


def shorten(value: Any, length: int = 80) -> str:
    """``value`` as a text of at most ``length`` characters: as is when it fits, else cut
    before the word that does not fit, followed by "…" (a first word longer than ``length``
    is cut inside). Every page that cuts a title, a name or a text to list it cuts it here
    (the ``shorten`` filter of the templates)."""
    text = str(value)
    if len(text) <= length:
        return text
    head = text[: length - len(ELLIPSIS)]
    if not (head[-1:].isspace() or text[len(head)].isspace()):
        words = head.rsplit(maxsplit=1)
        head = words[0] if len(words) == 2 else head
    return head.rstrip(" \t\n,;:·-–—") + ELLIPSIS


def one_line(value: Any) -> Any:
    """A single-line field's text (a title, a name) shown on one line (``domain.base.as_one_line``:
    each run of line breaks, control characters and bidirectional overrides, what the domain
    now refuses in such a field, read as one space). Only events stored before that rule hold
    such a text; they load and are shown this way (the ``one_line`` filter, the feeds and the
    calendars). Anything but a text comes back as is."""
    return as_one_line(value) if isinstance(value, str) else value
