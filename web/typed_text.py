"""How a typed text is read, by the web forms and the JSON API alike, before the domain
counts it against its limits: the line ends a browser sends (CRLF, or a lone CR) as LF, so
that a text is as long through a form as through the API; everything else exactly as typed,
spaces around it included (the domain keeps and counts them: ``docs/rules.md``)."""

from __future__ import annotations

from typing import Any

from domain.proposal import line_ends_as_lf


def lf(value: Any) -> Any:
    """``value`` with its CRLF (and lone CR) line ends read as LF; anything but a text as is."""
    return line_ends_as_lf(value) if isinstance(value, str) else value
