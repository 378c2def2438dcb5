"""The public pages for anonymous readers: validated by ETag, and kept in memory while the
history has not moved.

People read the public pages (the board, a proposal, the tables, sessions, the Liaison Table,
the recommendations, the audit pages…) far more often than the history changes, often on
phones and weak connections. For an anonymous ``GET`` of one of the pages in
:data:`CACHED_ENDPOINTS`:

- **Conditional GET.** The answer carries a strong ``ETag`` (the SHA-1 of its uncompressed
  body, Werkzeug's ``add_etag``) and ``Cache-Control: no-cache`` (the browser asks again each
  time); a request whose ``If-None-Match`` names it gets ``304 Not Modified`` without a body.
  Flask-Compress, which runs after this module's tagging, turns the tag of a compressed body
  into ``"<tag>:br"`` (or ``:gzip``) and answers the conditional request itself; the tag of an
  uncompressed body is answered by :func:`_conditional`, the last hook of a response.
- **The page cache.** The body is kept, in a bounded LRU of this process
  (:class:`PageCache`: 256 pages, 32 MiB), under the page's address (host, script root,
  path) and its sorted query arguments, the reader's language, the position of every view
  (one indexed query of the tracking rows; the audit pages, which read the log itself, also
  the log's last position; the pages showing a table written without an event, that
  table's mark, :mod:`application.outside_the_log`), the current minute and the service's date (pages show
  deadlines and relative dates). A later request with the same key is answered from memory
  before its view runs; the ``after_request`` hooks still run (security headers, the
  language cookie, compression, the ``ETag``). Any write moves a view's position, so a page is never served older than
  the history it was asked after.

Never for a signed-in person or an API token, never in demo mode, never while a flash
message waits, never for a page that made a form token (``csrf_token`` in ``g``) or changed
the session, never for an answer other than a ``200`` HTML page or one that sets a cookie
(the language cookie is set after, by :mod:`web.i18n`, on hits too). ``DIALOGUE_PAGE_CACHE=off``
turns both off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from sqlalchemy import Connection

from application.outside_the_log import checkpoints_mark, statistics_mark
from web.identity import current_identity
from web.positions import log_position, outside_mark, views_positions
from web.services import services

# Pages an anonymous visitor reads that show only the history (through the views or the
# log), the service's date and the reader's language. Pages reading other tables that change
# without an event (the checkpoints' own pages, open-data archives) are not listed; those
# that show a signed checkpoint or the participation statistics are, with a mark of that
# table in their key (OUTSIDE_THE_LOG).
CACHED_ENDPOINTS = frozenset({
    "board.board", "board.adopted", "search.search",
    "proposals.show", "proposals.version",
    "sessions.index", "sessions.show",
    "tables.index", "tables.show",
    "liaison.index",
    "elections.index", "elections.show",
    "dialogues.index", "dialogues.responses",
    "calls.index", "calls.show", "calls.summary",
    "commission.show",
    "dashboards.index", "dashboards.show",
    "audit.index", "audit.aggregate", "audit.log", "audit.diff",
})
# These read the log itself, which may be ahead of the views (a separate projection worker).
READS_THE_LOG = frozenset({"audit.index", "audit.aggregate", "audit.log", "audit.diff"})
# These also show a table written without an event (:mod:`application.outside_the_log`):
# their key holds that table's mark too.
OUTSIDE_THE_LOG: dict[str, Callable[[Connection], tuple[Any, ...]]] = {
    "proposals.show": checkpoints_mark, "proposals.version": checkpoints_mark,  # a recommendation's provenance
    "dashboards.index": statistics_mark, "dashboards.show": statistics_mark,  # the participation statistics
}
MIMETYPES = frozenset({"text/html"})
MAX_ENTRIES = 256
MAX_BYTES = 32 * 1024 * 1024
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link")


@dataclass(frozen=True)
class Entry:
    """A page as answered: its body (uncompressed), the headers its view set, its tag."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


class PageCache:
    """A bounded LRU of pages: at most ``max_entries`` pages and ``max_bytes`` of bodies."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES, now: Callable[[], float] = time.time) -> None:
        self.max_entries = max_entries
        self.now = now  # seconds since the epoch: the key's minute (tests pin it)
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The bytes of the bodies kept."""
        return self._bytes

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        """Keep ``entry`` (a body over a quarter of the byte cap is not kept), dropping the
        least recently used pages over the caps."""
        if len(entry.body) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def page_cache(app: Flask | None = None) -> PageCache | None:
    """The page cache of ``app`` (default: the current one); None when turned off."""
    a = app or current_app
    found = a.extensions.get("page_cache")
    return found if isinstance(found, PageCache) else None


def _anonymous_page() -> bool:
    """Whether this request may be answered from, and stored in, the cache (before its view)."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return False
    if current_app.config["DIALOGUE"].demo_mode or "Authorization" in request.headers:
        return False
    if "_user_id" in session or "_flashes" in session:
        return False
    # ``g`` may outlive a request (an app context pushed around several): a form token left
    # there would hide whether this page makes one.
    if "csrf_token" in g:
        return False
    return current_identity().account_id is None


def _key(cache: PageCache) -> tuple[Any, ...]:
    # The same once-per-request reads the page's kept answers are keyed on (:mod:`web.positions`).
    log = log_position() if request.endpoint in READS_THE_LOG else None
    mark = OUTSIDE_THE_LOG.get(request.endpoint or "")
    outside = outside_mark(mark) if mark is not None else None
    # By name, each name's values in the order sent: a view reads a repeated name's first value
    # (``?table=RT2&table=RT1`` is not ``?table=RT1&table=RT2``).
    query = tuple(sorted(request.args.items(multi=True), key=lambda item: item[0]))
    return (request.root_url, request.path, query, str(get_locale()), views_positions(), log, outside, int(cache.now() // 60), services().app.clock.today())


def _serve_kept() -> Response | None:
    """``before_request``: the kept page of this key, if any (its view does not run)."""
    for mark in ("page_cache_key", "page_cache_hit", "page_cache_tagged"):  # ``g`` may outlive a request
        g.pop(mark, None)
    cache = page_cache()
    if cache is None or not _anonymous_page():
        return None
    key = _key(cache)
    g.page_cache_key = key
    entry = cache.get(key)
    if entry is None:
        return None
    g.page_cache_hit = True
    response = Response(entry.body, headers=list(entry.headers))
    response.set_etag(entry.etag)
    return response


def _cacheable(response: Response) -> bool:
    """Whether the view's answer may be kept and tagged (after it ran)."""
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return False
    if response.mimetype not in MIMETYPES or "Set-Cookie" in response.headers or "Content-Encoding" in response.headers:
        return False
    return not (session.modified or "_user_id" in session or "_flashes" in session or "csrf_token" in g)


def _tag(response: Response) -> Response:
    """``after_request`` (before compression): tag a public page, keep it on a miss."""
    key = g.pop("page_cache_key", None)
    if key is None:
        return response
    if g.pop("page_cache_hit", False):
        response.headers["Cache-Control"] = "no-cache"
        response.vary.update(("Cookie", "Accept-Language"))
        g.page_cache_tagged = True
        return response
    cache = page_cache()
    if cache is None or not _cacheable(response):
        return response
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    etag, _weak = response.get_etag()
    if request.method == "GET" and etag:
        kept = tuple((name, value) for name in KEPT_HEADERS for value in response.headers.getlist(name))
        cache.put(key, Entry(body=response.get_data(), headers=kept, etag=etag))
    g.page_cache_tagged = True
    return response


def _conditional(response: Response) -> Response:
    """The last ``after_request`` hook: ``304`` for a tagged page whose tag the request names
    (a compressed body's conditional request was answered by Flask-Compress already)."""
    if g.pop("page_cache_tagged", False) and response.status_code == 200:
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """Install the page cache, unless ``DIALOGUE_PAGE_CACHE=off``. Call after
    :mod:`web.assets` (compression) and :mod:`web.identity`: hooks run in the order of
    registration before a request and in the reverse order after it, so the page is tagged
    before it is compressed."""
    if not app.config["DIALOGUE"].page_cache:
        return
    app.extensions["page_cache"] = PageCache()
    app.before_request(_serve_kept)
    app.after_request(_tag)
    app.after_request_funcs.setdefault(None, []).insert(0, _conditional)
