"""Page: search (``/search?q=``) over proposal titles and texts, amendments and
government responses, for everyone (``docs/search.md``).

The query and its results come from :func:`projections.search.search`, which indexes only
texts every reader may see; the words that matched come back as plain pieces that the
template escapes and marks (``<mark>``), so nothing typed by anyone is ever read as HTML.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from projections import search as search_views
from web.pages.common import engine, install
from web.pagination import Pager, asked_page

bp = Blueprint("search", __name__)
install(bp)

MAX_QUERY = 200  # characters read of ``q``; at most 12 words count


@bp.get("/search")
def search() -> str:
    """One page of the texts that hold every word of ``q`` (case, accents and word endings
    aside); an empty ``q`` shows the form alone."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    if not query:
        return render_template("search/search.html", query="", results=None, pager=None)
    asked = Pager(asked_page(), 0)
    results = search_views.search(engine(), query, limit=asked.per_page, offset=asked.offset)
    pager = Pager.asked(results.total)
    if pager.number != asked.number:
        results = search_views.search(engine(), query, limit=pager.per_page, offset=pager.offset)
    return render_template("search/search.html", query=query, results=results, pager=pager)
