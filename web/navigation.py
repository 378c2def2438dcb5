"""The layout's main navigation (base.html): its links, their labels in the reader's language
and which one is the page shown.

Every page shows the same eleven links. Their addresses depend only on the application's
routes and the request's script root, so they are built once per script root instead of by
eleven ``url_for`` calls and eleven template macro calls on every page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from markupsafe import Markup

from web.translate import lazy_gettext as _l

# (endpoint or a fixed path, label).
MAIN = (
    ("board.board", _l("Draft recommendations")),
    ("board.adopted", _l("Adopted recommendations")),
    ("tables.index", _l("Working tables")),
    ("sessions.index", _l("Table sessions")),
    ("liaison.index", _l("Liaison Table")),
    ("dialogues.index", _l("Dialogues with governments")),
    ("calls.index", _l("Open calls")),
    ("dashboards.index", _l("Dashboards")),
    ("open_data.download", _l("Open data")),
    ("search.search", _l("Search")),
    ("/audit", _l("Audit")),
)
KEPT = "dialogue_navigation"


def _urls() -> list[str]:
    """The links' addresses, kept by the application per script root."""
    kept: dict[str, list[str]] = current_app.extensions.setdefault(KEPT, {})
    found = kept.get(request.script_root)
    if found is None:
        found = [where if where.startswith("/") else url_for(where) for where, _ in MAIN]
        kept[request.script_root] = found
    return found


def current(here: str, url: str) -> bool:
    """Whether the link to ``url`` is the page at ``here`` (or, but for the board, a page under it)."""
    return here == url or (url != "/" and here.startswith(url + "/"))


def main_navigation(here: str) -> list[tuple[str, Any, bool]]:
    """``(address, label, current)`` of each main link, for the page at ``here``."""
    return [(url, Markup(str(label)) % {}, current(here, url)) for url, (_, label) in zip(_urls(), MAIN, strict=True)]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["main_navigation"] = main_navigation
