"""Pages, in process: the board and a proposal page through Flask's test client (the whole
request: identity, queries, templates, translations; the test client asks for no compression),
each read right after a write (a revision of another proposal, untimed), against the same-page baseline (:mod:`benchmarks.same_page`): the same HTML from the same
templates in the same Flask application, its rows read by plain SQL on one connection (the
issue's target, 1.5×). Beside it, without a target, the earlier bare baseline
(:func:`board_baseline`, :func:`proposal_baseline`): the same rows rendered by a small Jinja
template without Flask, the layout, navigation, filters or translations ("bare template, no
framework"), kept so that the figures of earlier reports can still be compared. Served over
HTTP by gunicorn: :mod:`benchmarks.http`."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from jinja2 import Environment
from sqlalchemy import Connection, text

from application.bootstrap import Services
from benchmarks.measure import Figure, figure, interleave
from benchmarks.same_page import same_page_app
from projections.proposals import view_amendments, view_proposal_versions, view_proposals
from web.app import create_app

GROUP = "pages (in process)"

_JINJA = Environment(autoescape=True)
BOARD = _JINJA.from_string(
    "<!doctype html><html lang=en><title>Draft recommendations</title><h1>Draft recommendations</h1>"
    "<p>{{ total }} proposals</p><ol>{% for p in rows %}<li><h2><a href='/proposals/{{ p.id }}'>{{ p.title }}</a></h2>"
    "<p>{{ p.status }} · {{ p.table_code }} · {{ p.reference }} · version {{ p.content_version }}</p>"
    "<p>GCM objectives: {{ p.objectives }} · updated {{ p.updated_on }}</p><p>By {{ p.author_id }}</p></li>{% endfor %}</ol>"
)
PROPOSAL = _JINJA.from_string(
    "<!doctype html><html lang=en><title>{{ p.title }}</title><h1>{{ p.title }}</h1><p>{{ p.status }} · {{ p.table_code }}</p>"
    "{% for f in ('problem', 'recommendation', 'rationale') %}<h2>{{ f }}</h2><p>{{ p[f] }}</p>{% endfor %}"
    "<h2>Versions</h2><ol>{% for v in versions %}<li>{{ v.content_version }} {{ v.title }}</li>{% endfor %}</ol>"
    "<h2>Amendments</h2><ol>{% for a in amendments %}<li>{{ a.reference }} {{ a.status }} {{ a.text }}</li>{% endfor %}</ol>"
)
BOARD_STATUSES = ("draft", "submitted", "on_agenda", "returned_for_revision")


def _dicts(result: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in result]


def board_baseline(c: Connection) -> str:
    """The bare baseline's board: its rows from one plain SQL query (and their count), rendered
    by a small template without Flask, layout, navigation or translations."""
    marks = ", ".join(f"'{x}'" for x in BOARD_STATUSES)
    total = c.execute(text(f"SELECT count(*) FROM {view_proposals.name} WHERE status IN ({marks})")).scalar_one()
    rows = _dicts(c.execute(text(
        f"SELECT * FROM {view_proposals.name} WHERE status IN ({marks}) ORDER BY table_code, reference, drafted_on, id LIMIT 10"
    )))
    return BOARD.render(rows=rows, total=total)


def proposal_baseline(c: Connection, pid: str) -> str:
    """The bare baseline's proposal page: the proposal, its versions and amendments by plain SQL,
    rendered by a small template without Flask, layout, navigation or translations."""
    p = dict(c.execute(text(f"SELECT * FROM {view_proposals.name} WHERE id = :id"), {"id": pid}).one()._mapping)
    versions = _dicts(c.execute(text(f"SELECT * FROM {view_proposal_versions.name} WHERE proposal_id = :id ORDER BY content_version"), {"id": pid}))
    amendments = _dicts(c.execute(text(f"SELECT * FROM {view_amendments.name} WHERE proposal_id = :id ORDER BY proposed_on, reference"), {"id": pid}))
    return PROPOSAL.render(p=p, versions=versions, amendments=amendments)


def web_client(s: Services) -> FlaskClient:
    """A test client of the web app on the database of ``s`` (public visitor, 2026-03-27)."""
    return web_client_on(s.config.database_url, str(s.config.master_key))


def web_client_on(database_url: str, master_key: str) -> FlaskClient:
    """A test client of the web app on ``database_url`` with ``master_key`` (public visitor, 2026-03-27),
    without the page cache, which would answer every read after the first with the stored page
    (the HTTP benchmark measures it); the reads the service keeps per process still serve a
    page read again with no write between."""
    return create_app(web_config(database_url, master_key)).test_client()


def same_page_client(s: Services) -> FlaskClient:
    """A test client of the same-page baseline's application (:func:`benchmarks.same_page.same_page_app`)
    on the database of ``s``, configured as :func:`web_client`'s."""
    return same_page_app(web_config(s.config.database_url, str(s.config.master_key))).test_client()


def web_config(database_url: str, master_key: str) -> dict[str, Any]:
    """The web application's configuration for the in-process pages (page cache off)."""
    return {
        "DIALOGUE_DATABASE_URL": database_url, "DIALOGUE_MASTER_KEY": master_key, "DIALOGUE_CLOCK": "2026-03-27",
        "SECRET_KEY": "bench-secret-key-0123456789abcdef", "TESTING": True, "DIALOGUE_CREATE_TABLES": "no",
        "DIALOGUE_PAGE_CACHE": "off",
    }


def board_client(s: Services) -> Callable[[], None]:
    """A call that gets the board's first page (the app started and warmed)."""
    client = web_client(s)

    def board() -> None:
        r = client.get("/")
        assert r.status_code == 200, r.status_code

    board()
    return board


SAME = "same page: plain SQL, same templates and app"
SAME_CPU = SAME + ", CPU time"
BARE = "plain SQL + Jinja (bare template, no framework)"


class Reviser:
    """A revision of the first proposal of the board's first page by its author, the views
    brought up to date (as a web request's ``wait_for_views``): what a page read right after a
    write meets. Its title takes turns between two of the same length, so the pages keep their
    size."""

    def __init__(self, s: Services, avoid: str) -> None:
        self.services = s
        with s.projector.engine.connect() as c:
            row = c.execute(text(
                f"SELECT id, author_id, title FROM {view_proposals.name} WHERE status IN ('draft', 'returned_for_revision') AND id != :avoid"
                " ORDER BY table_code, reference, drafted_on, id LIMIT 1"
            ), {"avoid": avoid}).one_or_none()
            if row is None:  # a history of one draft (the smoke run): that one
                row = c.execute(text(f"SELECT id, author_id, title FROM {view_proposals.name} WHERE id = :id"), {"id": avoid}).one()
        self.proposal, self.author, title = str(row[0]), str(row[1]), str(row[2])
        self.titles = (title, title[:-1] + ("." if title[-1:] != "." else ","))
        self.turn = 0

    def __call__(self) -> None:
        self.turn += 1
        self.services.app.revise_proposal(self.proposal, {"title": self.titles[self.turn % 2]}, actor=self.author)
        if not self.services.wait_for_views(timeout=10):
            raise RuntimeError("the views did not reach the revision within 10 s")


def measure(s: Services, label: str, *, rounds: int = 7, per_round: int = 10) -> list[Figure]:
    """The board's first page and the page of the proposal with the most versions, each read
    right after a revision of another proposal (the first of the board's first page; untimed),
    against the same-page baseline read after one too (the target) and the bare one (no
    target); each read again with no write between (the answers the service keeps per
    process, no target); and the revised proposal's own page right after its revision,
    against the same-page baseline after it too (none of its reads can be kept; no target)."""
    client, same = web_client(s), same_page_client(s)
    engine = s.projector.engine
    with engine.connect() as c:
        pid = c.execute(text(
            f"SELECT proposal_id FROM {view_proposal_versions.name} GROUP BY proposal_id ORDER BY count(*) DESC, proposal_id LIMIT 1"
        )).scalar_one()
    write = Reviser(s, avoid=str(pid))
    # The public reads come from a few addresses in turn, as a page's visitors do: a single
    # one would meet the service's limit of reads per address (web/limits.py) within a round.
    addresses = itertools.cycle([f"192.0.2.{n}" for n in range(1, 33)])
    for each in (client, same):
        each.environ_base["REMOTE_ADDR"] = next(addresses)

    def visitor(c: FlaskClient) -> FlaskClient:
        c.environ_base["REMOTE_ADDR"] = next(addresses)
        return c

    def board() -> None:
        r = visitor(client).get("/")
        assert r.status_code == 200, r.status_code

    def board_sql() -> None:
        with engine.connect() as c:
            board_baseline(c)

    def board_same() -> None:
        r = visitor(same).get("/")
        assert r.status_code == 200, r.status_code

    def proposal() -> None:
        r = visitor(client).get(f"/proposals/{pid}")
        assert r.status_code == 200, r.status_code

    def proposal_same() -> None:
        r = visitor(same).get(f"/proposals/{pid}")
        assert r.status_code == 200, r.status_code

    def proposal_sql() -> None:
        with engine.connect() as c:
            proposal_baseline(c, pid)

    own = f"/proposals/{write.proposal}"

    def proposal_own() -> None:
        r = visitor(client).get(own)
        assert r.status_code == 200, r.status_code

    def proposal_own_same() -> None:
        r = visitor(same).get(own)
        assert r.status_code == 200, r.status_code

    for warm in (board, board_same, proposal, proposal_same, proposal_own, proposal_own_same):  # the services start, templates compile
        warm()
    cases: dict[str, Callable[[], object]] = {
        "board": board, "board_kept": board, "board_same": board_same, "board_sql": board_sql,
        "proposal": proposal, "proposal_kept": proposal, "proposal_same": proposal_same, "proposal_sql": proposal_sql,
        "own": proposal_own, "own_same": proposal_own_same,
    }
    # Every read after a write, except the kept ones: read once first, untimed, so each timed
    # read meets the answers kept from it.
    before: dict[str, Callable[[], object]] = {name: ({"board_kept": board, "proposal_kept": proposal}.get(name) or write) for name in cases}
    got = interleave(cases, rounds, per_round, before_each=before)
    timed_cpu = {k: v for k, v in cases.items() if not k.endswith("_sql")}
    cpu = interleave(timed_cpu, rounds, per_round, clock=time.process_time, before_each=before)
    out = []
    for page, name, after in (("board", "board, first page", "after a revision"), ("proposal", "proposal page", "after a revision of another proposal")):
        out += [
            figure(GROUP, f"{name}, {after} ({label})", got[page], baseline=SAME, baseline_samples=got[f"{page}_same"],
                   ratio_means="cost / baseline cost", invert=True, target=1.5, meets="<="),
            figure(GROUP, f"{name}, against the bare template ({label})", got[page], baseline=BARE, baseline_samples=got[f"{page}_sql"],
                   ratio_means="cost / baseline cost", invert=True),
            figure(GROUP, f"{name}, read again with no write between ({label})", got[f"{page}_kept"], baseline=SAME,
                   baseline_samples=got[f"{page}_same"], ratio_means="cost / baseline cost", invert=True),
        ]
    # The revised proposal's own page right after its revision: none of its reads can be kept.
    out.append(figure(GROUP, f"proposal page, after a revision of itself ({label})", got["own"], baseline=SAME,
                      baseline_samples=got["own_same"], ratio_means="cost / baseline cost", invert=True))
    out += [
        figure(GROUP, f"board baseline: {SAME} ({label})", got["board_same"]),
        figure(GROUP, f"proposal baseline: {SAME} ({label})", got["proposal_same"]),
        figure(GROUP, f"revised proposal's own page baseline: {SAME} ({label})", got["own_same"]),
        # The bare baselines' rows keep their earlier names (the 'before' column).
        figure(GROUP, f"board baseline: plain SQL + Jinja ({label})", got["board_sql"]),
        figure(GROUP, f"proposal baseline: plain SQL + Jinja ({label})", got["proposal_sql"]),
        # The same in the process's CPU time: other work on a shared machine does not add to it.
        figure(GROUP, f"board, first page, after a revision, CPU time ({label})", cpu["board"], baseline=SAME_CPU,
               baseline_samples=cpu["board_same"], ratio_means="cost / baseline cost", invert=True),
        figure(GROUP, f"proposal page, after a revision of another proposal, CPU time ({label})", cpu["proposal"], baseline=SAME_CPU,
               baseline_samples=cpu["proposal_same"], ratio_means="cost / baseline cost", invert=True),
    ]
    return out
