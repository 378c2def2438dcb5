"""HTTP: the service as it runs, ``dialogue serve`` (gunicorn, 2 workers) beside a projection
worker (``dialogue projections run``), views not written inline; the load generator is this
process, with a browser's cookies. Measured: a member's draft POST (the form fetched first,
not counted; the answer is the redirect, after the views show the draft), the board's
first page and a proposal page (a draft revised twice, read by the public), each as
p50/p95/p99, against baselines served by gunicorn the same way (:mod:`benchmarks.http_baseline`),
on SQLite and PostgreSQL: the pages against the same-page baseline (the same HTML from the
service's own Flask application and templates, the rows read by plain SQL on one
connection: the issue's 1.5× target), and, without a target, against the bare baseline
(the same rows rendered by a small Jinja template, no framework); the draft against a plain
``INSERT`` + ``COMMIT`` of the form's fields. Requests go one at a time; the subject and the
baselines take turns in rounds, after a few unmeasured requests of each page (each worker's
first pages compile its templates).

A draft is saved before each of those page reads, so the views have moved and the public
pages are never answered from the page cache (:mod:`web.page_cache`): they are rendered.
Each round then reads the board and the proposal page again ``per_round`` times with no
write in between, against the same-page baselines ("repeated reads (public, cached)"): after
the round's first reads, unmeasured, each worker answers them from its page cache.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from application.persistence import dispose_engines, get_engine
from benchmarks.browser import Browser
from benchmarks.databases import fresh_database, services
from benchmarks.http_baseline import create_table
from benchmarks.measure import Figure, figure
from benchmarks.write_path import draft, member
from domain.reference import ALL_GOVERNMENTS

GROUP = "HTTP (gunicorn, 2 workers)"
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "una clave larga de medida"
SECRET = "bench-secret-key-0123456789abcdef"
WARM_UP = 4  # unmeasured requests of each page first, so that both workers have served it
DRAFTS_PER_ACCOUNT = 10  # under the writes' limit per account (15 in 10 s)
SAME_BOARD = "same-page endpoint (plain SQL, same templates and app)"
SAME_PROPOSAL = "same-page proposal endpoint (plain SQL, same templates and app)"


field = Browser.field


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def running(*commands: list[str], env: dict[str, str]) -> Iterator[None]:
    """The processes of ``commands`` (Python arguments), stopped with SIGTERM at the end."""
    procs = [subprocess.Popen([sys.executable, *c], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in commands]
    try:
        yield
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)


def _env(url: str, master_key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALOGUE_") or k == "DIALOGUE_PAGE_CACHE"}  # =off: measure without it
    return env | {
        "DIALOGUE_DATABASE_URL": url, "DIALOGUE_MASTER_KEY": master_key, "DIALOGUE_SECRET_KEY": SECRET,
        "DIALOGUE_INLINE_PROJECTION": "no", "DIALOGUE_CLOCK": "2026-01-05", "PYTHONPATH": str(ROOT),
    }


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(backend: str, postgres: str | None = None, *, rounds: int = 5, per_round: int = 10) -> list[Figure]:
    """``rounds`` rounds of ``per_round`` drafts, baseline inserts, board pages, baseline boards,
    proposal pages and baseline proposal pages."""
    with fresh_database(backend, postgres) as url:
        s = services(url, inline=False)
        create_table(get_engine(url))
        drafts = rounds * per_round
        accounts = []
        for n in range(-(-drafts // DRAFTS_PER_ACCOUNT)):
            email = f"bench-{n}@bench.invalid"
            s.accounts.create_participant_account(str(member(s.app)), email, password=PASSWORD)
            accounts.append(email)
        author = member(s.app)
        shown = draft(s.app, author, title="Regular pathways for migrant workers")
        for n in (1, 2):
            s.app.revise_proposal(shown, {"title": f"Regular pathways for migrant workers ({n})"}, actor=str(author))
        s.projector.catch_up()
        dispose_engines()
        env = _env(url, str(s.config.master_key))
        port, base_port = free_port(), free_port()
        serve = ["-c", "from web.cli import main; main()", "serve", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--no-access-log"]
        worker = ["-c", "from web.cli import main; main()", "projections", "run"]
        baseline = ["-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{base_port}", "benchmarks.http_baseline:create()"]
        with running(serve, worker, baseline, env=env):
            site, plain = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{base_port}"
            _wait_up(site + "/healthz")
            _wait_up(plain + "/board")
            _wait_up(plain + "/")
            return _rounds(site, plain, accounts, str(shown), backend, rounds, per_round)


def _rounds(site: str, plain: str, accounts: list[str], proposal: str, backend: str, rounds: int, per_round: int) -> list[Figure]:
    browsers = []
    for email in accounts:
        b = Browser(site)
        page = b.get("/login")
        if b.post("/login", {"email": email, "password": PASSWORD, "csrf_token": field(page, "csrf_token")}) != 302:
            raise RuntimeError(f"{email} could not sign in")
        browsers.append(b)
    public, base = Browser(site), Browser(plain)
    pages = ((public, "/"), (public, f"/proposals/{proposal}"), (base, "/"), (base, f"/proposals/{proposal}"), (base, "/board"), (base, f"/proposal?id={proposal}"))
    for _ in range(WARM_UP):  # each worker compiles its templates on its first pages: not counted
        for b, path in pages:
            b.get(path)
    for path in ("/", f"/proposals/{proposal}"):  # the comparison is fair only while the pages are the same
        if public.get(path) != base.get(path):
            raise RuntimeError(f"the same-page baseline's {path} differs from the service's page")
    got: dict[str, list[float]] = {
        "draft": [], "insert": [], "board": [], "board_same": [], "board_sql": [], "proposal": [], "proposal_same": [], "proposal_sql": [],
        "board_cached": [], "board_cached_same": [], "proposal_cached": [], "proposal_cached_same": [],
    }
    count = 0
    for _ in range(rounds):
        for _ in range(per_round):
            b = browsers[count // DRAFTS_PER_ACCOUNT]
            count += 1
            page = b.get("/proposals/new")
            form = {
                "csrf_token": field(page, "csrf_token"), "command_id": field(page, "command_id"), "table": "RT1",
                "title": f"Safe pathways {count}", "problem": "Migrants lack regular pathways.", "recommendation": "Open regular pathways.",
                "rationale": "GCM objective 5.", "objectives": "2", "targets": ALL_GOVERNMENTS, "language": "es",
            }
            got["draft"].append(_timed_post(b, "/proposals/new", form))
            got["insert"].append(_timed_post(base, "/insert", form))
            got["board"].append(_timed_get(public, "/"))
            got["board_same"].append(_timed_get(base, "/"))
            got["board_sql"].append(_timed_get(base, "/board"))
            got["proposal"].append(_timed_get(public, f"/proposals/{proposal}"))
            got["proposal_same"].append(_timed_get(base, f"/proposals/{proposal}"))
            got["proposal_sql"].append(_timed_get(base, f"/proposal?id={proposal}"))
        # The same pages again with no write in between: after a first read on each worker
        # (not counted, as a browser's first visit after a change), from the page cache.
        for _ in range(2 * WARM_UP):  # connections go to either worker: each reads them at least once, most likely
            public.get("/")
            public.get(f"/proposals/{proposal}")
        for _ in range(per_round):
            got["board_cached"].append(_timed_get(public, "/"))
            got["board_cached_same"].append(_timed_get(base, "/"))
            got["proposal_cached"].append(_timed_get(public, f"/proposals/{proposal}"))
            got["proposal_cached_same"].append(_timed_get(base, f"/proposals/{proposal}"))
    out = []
    for name, subject, baseline, what, target in (
        (f"draft POST ({backend})", "draft", "insert", "plain INSERT + COMMIT endpoint", None),
        (f"board page ({backend})", "board", "board_same", SAME_BOARD, 1.5),
        (f"proposal page ({backend})", "proposal", "proposal_same", SAME_PROPOSAL, 1.5),
        # The bare baselines (bare template, no framework), kept beside without a target.
        (f"board page, against the bare template ({backend})", "board", "board_sql", "plain SQL + Jinja endpoint", None),
        (f"proposal page, against the bare template ({backend})", "proposal", "proposal_sql", "plain SQL + Jinja proposal endpoint", None),
    ):
        out.append(figure(
            GROUP, f"{name} p50", got[subject], baseline=what, baseline_samples=got[baseline], ratio_means="cost / baseline cost", invert=True,
            target=target, meets="<=",
        ))
        if "bare" not in name:  # the subject's percentiles once
            out += [figure(GROUP, f"{name} p{p}", [percentile(got[subject], p)]) for p in (95, 99)]
        out.append(figure(GROUP, f"{what} ({backend}) p50", got[baseline]))
        out += [figure(GROUP, f"{what} ({backend}) p{p}", [percentile(got[baseline], p)]) for p in (95, 99)]
    for name, subject, baseline, what in (
        (f"board page, repeated reads (public, cached) ({backend})", "board_cached", "board_cached_same", SAME_BOARD),
        (f"proposal page, repeated reads (public, cached) ({backend})", "proposal_cached", "proposal_cached_same", SAME_PROPOSAL),
    ):
        out.append(figure(
            GROUP, f"{name} p50", got[subject], baseline=what, baseline_samples=got[baseline], ratio_means="cost / baseline cost", invert=True,
        ))
        out += [figure(GROUP, f"{name} p{p}", [percentile(got[subject], p)]) for p in (95, 99)]
    return out


def _timed_post(b: Browser, path: str, form: dict[str, Any]) -> float:
    start = time.perf_counter()
    status = b.post(path, form)
    took = time.perf_counter() - start
    if status not in (302, 303):
        raise RuntimeError(f"POST {path}: {status}")
    return took


def _timed_get(b: Browser, path: str) -> float:
    start = time.perf_counter()
    b.get(path)
    return time.perf_counter() - start


def sqlite_against_postgres(figures: list[Figure]) -> list[Figure]:
    """The issue's target: the SQLite draft POST p50 within 2× the PostgreSQL one (a ratio of
    the two medians, measured one after the other); nothing without both figures."""
    by_name = {f.name: f for f in figures if f.group == GROUP}
    lite, pg = by_name.get("draft POST (sqlite) p50"), by_name.get("draft POST (postgres) p50")
    if lite is None or pg is None:
        return []
    return [Figure(
        group=GROUP, name="draft POST p50, SQLite against PostgreSQL", unit=lite.unit, value=lite.value, low=lite.low, high=lite.high,
        baseline="draft POST (postgres) p50", ratio=lite.value / pg.value, ratio_means="cost / baseline cost (medians)",
        target=2.0, meets="<=", rounds=lite.rounds,
    )]
