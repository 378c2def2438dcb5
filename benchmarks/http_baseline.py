"""The HTTP benchmark's baselines, served by gunicorn like the service (same workers, same
database, the project's engine settings), in one WSGI application:

- ``GET /`` and ``GET /proposals/<id>``: the same-page baseline
  (:func:`benchmarks.same_page.same_page_app`): the service's own Flask application, built
  in each worker as ``dialogue serve`` builds it (same hooks, compression, layout,
  navigation, translations; the page cache off), whose board and proposal page read their
  rows by plain SQL on one connection. The pages' targets are measured against these.
- the bare ones, without a target: ``POST /insert`` inserts one row of a form's fields and
  commits (then answers 303, as a draft does); ``GET /board`` renders the board's first page
  from one plain SQL query with a small Jinja template and ``GET /proposal?id=ID`` a
  proposal with its versions and amendments the same way (:mod:`benchmarks.pages`'s bare
  baselines: bare template, no framework).

Served with ``gunicorn 'benchmarks.http_baseline:create()'``; the configuration is the
service's ``DIALOGUE_*`` environment (``DIALOGUE_DATABASE_URL``, ``DIALOGUE_MASTER_KEY``,
``DIALOGUE_SECRET_KEY``...). Never part of the service's own application.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from uuid import uuid4

from sqlalchemy import Engine, text

from application.persistence import get_engine

TABLE = "bench_http_inserts"
Start = Callable[[str, list[tuple[str, str]]], Any]


def create_table(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (id VARCHAR(36) PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)"))


BARE = frozenset({"/insert", "/board", "/proposal"})


def create() -> Callable[[dict[str, Any], Start], Iterable[bytes]]:
    """The WSGI application (made in each worker, after the fork, as its engines): the bare
    baselines' paths (:data:`BARE`), every other path to the same-page baseline's Flask app."""
    from benchmarks.same_page import same_page_app

    state: dict[str, Engine] = {}
    same_page = same_page_app()

    def engine() -> Engine:
        if "engine" not in state:
            state["engine"] = get_engine(os.environ["DIALOGUE_DATABASE_URL"])
        return state["engine"]

    def app(environ: dict[str, Any], start: Start) -> Iterable[bytes]:
        from benchmarks.pages import board_baseline, proposal_baseline

        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path not in BARE:
            return same_page(environ, start)  # type: ignore[arg-type,no-any-return]
        if path == "/insert" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            with engine().begin() as c:
                c.execute(text(f"INSERT INTO {TABLE} (id, title, body) VALUES (:id, :title, :body)"),
                          {"id": str(uuid4()), "title": form.get("title", ""), "body": form.get("problem", "")})
            start("303 See Other", [("Location", "/board"), ("Content-Length", "0")])
            return [b""]
        if path in ("/board", "/proposal"):
            with engine().connect() as c:
                if path == "/board":
                    html = board_baseline(c)
                else:
                    html = proposal_baseline(c, parse_qs(environ.get("QUERY_STRING", "")).get("id", [""])[0])
            body = html.encode()
            start("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
            return [body]
        start("404 Not Found", [("Content-Length", "0")])
        return [b""]

    return app
