"""Every page a visitor reaches by following links: a small crawler over the test client.

The crawl starts from the navigation's pages and follows the site's own links (GET only),
visiting at most ``per_route`` addresses of each route (two proposals show what every
proposal page shows), so the list of pages grows with the site without being written
down. Used by the checks that must hold on every page (labels, languages, accessibility).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient

ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)"')
STARTS = ("/", "/recommendations", "/tables", "/sessions", "/liaison", "/dialogues", "/dashboards", "/open-data", "/audit", "/me", "/account", "/proposals/new", "/search?q=migrantes")
# Links that act (sign out, switch demo account) or leave the HTML pages (files, feeds).
SKIP = re.compile(r"(\.(pdf|csv|json|xlsx|zip|svg|ics|xml|atom)$)|^/(logout|static/|login/demo|healthz|readyz|api/)")


def _route(app: Flask, path: str) -> str | None:
    try:
        rule, _args = app.url_map.bind("localhost").match(path, method="GET", return_rule=True)
    except Exception:  # noqa: BLE001  (a 404, a redirect or a method the crawl does not follow)
        return None
    return str(rule.rule)


def _kind(path: str, query: str) -> str:
    """What makes two addresses the same kind of page: the path with its ids blanked and
    the names of its query arguments (``/proposals/<id>?version``)."""
    names = sorted(k.split("=")[0] for k in query.split("&") if k and not k.startswith("lang="))
    return ID.sub("<id>", path) + "?" + ",".join(names)


def crawl(client: FlaskClient, per_route: int = 3, limit: int = 200, starts: tuple[str, ...] = STARTS) -> Iterator[tuple[str, str]]:
    """(address, HTML) of each page answered 200 with HTML, starting from ``starts``."""
    app = client.application
    queue = list(starts)
    seen: set[str] = set()
    per: dict[str, int] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = parts.path + ("?" + parts.query if parts.query else "")
        if key in seen or SKIP.search(parts.path):
            continue
        if _route(app, parts.path) is None:
            continue
        kind = _kind(parts.path, parts.query)
        if per.get(kind, 0) >= per_route:
            continue
        seen.add(key)
        per[kind] = per.get(kind, 0) + 1
        r = client.get(key)
        if r.status_code != 200 or not r.content_type.startswith("text/html"):
            continue
        page = r.get_data(as_text=True)
        yield key, page
        for href in HREF.findall(page):
            target = urlsplit(urljoin(parts.path, href.replace("&amp;", "&")))
            if target.netloc or "lang=" in target.query:
                continue
            queue.append(target.path + ("?" + target.query if target.query else ""))
