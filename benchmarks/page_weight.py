"""Page weight: the bytes a reader on a weak connection downloads for each main page, its
HTML plus the site's stylesheet, as sent without compression, with gzip and with brotli
(``Accept-Encoding``; Flask-Compress answers). Sizes, not times: one request each."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import text

from application.bootstrap import Services
from benchmarks.measure import Figure
from benchmarks.pages import web_client
from projections.proposals import view_proposal_versions

GROUP = "page weight"
ENCODINGS = ("identity", "gzip", "br")
STYLESHEET = re.compile(rb'<link rel="stylesheet" href="([^"]+)"')


def _size(client: FlaskClient, path: str, encoding: str) -> int | None:
    r = client.get(path, headers={"Accept-Encoding": encoding})
    return len(r.get_data()) if r.status_code == 200 else None


def pages(s: Services) -> dict[str, str]:
    """The main pages by name → path (the proposal with the most versions)."""
    with s.projector.engine.connect() as c:
        pid = c.execute(text(
            f"SELECT proposal_id FROM {view_proposal_versions.name} GROUP BY proposal_id ORDER BY count(*) DESC, proposal_id LIMIT 1"
        )).scalar()
    found = {"board": "/", "sessions": "/sessions", "tables": "/tables", "Liaison Table": "/liaison", "audit": "/audit"}
    if pid is not None:
        found["proposal page"] = f"/proposals/{pid}"
    return found


def measure(s: Services, label: str) -> list[Figure]:
    """One figure per page and encoding: kilobytes of HTML + stylesheet."""
    client = web_client(s)
    home = client.get("/").get_data()
    sheet = STYLESHEET.search(home)
    css_path = sheet.group(1).decode() if sheet else None
    out: list[Figure] = []
    for name, path in pages(s).items():
        for encoding in ENCODINGS:
            html = _size(client, path, encoding)
            if html is None:
                continue
            css = (_size(client, css_path, encoding) or 0) if css_path else 0
            kb = (html + css) / 1000
            out.append(Figure(group=GROUP, name=f"{name}, HTML + CSS, {encoding} ({label})", unit="kB", value=kb, low=kb, high=kb, rounds=1))
    return out
