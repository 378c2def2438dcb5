"""``dialogue`` commands for running the service.

- ``dialogue serve --workers N [--bind HOST:PORT]``: gunicorn with the app factory; each
  worker builds its own application after the fork; no worker creates tables (schema
  creation is ``dialogue db init``, run once before).
- ``dialogue close-due [--as-of DATE]``: the deadline job (close endorsement rounds past
  their ``closes_on`` date; once a quarter has ended, build its open-data archive), to
  run daily.

The projection worker (``dialogue projections run``) is in :mod:`web.cli.views`.
"""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from gunicorn.app.base import BaseApplication
from gunicorn.util import import_app

from application.clock import FixedClock
from application.open_data.quarterly import close_due_quarter
from application.participation import close_due_statistics
from application.persistence import dispose_engines
from web.cli.common import config, demo_guard, parse_date, require_initialised, services

APP_FACTORY = "web.app:create_app()"


# ---------------------------------------------------------------------------- serve
class DialogueServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running :func:`web.app.create_app` in each worker, after the fork.

    ``preload_app`` stays off: nothing (no engine, no connection) is created in the
    master and shared across the fork.
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("preload_app", False)
        self.cfg.set("post_fork", _post_fork)

    def load(self) -> Flask:
        # By name, as gunicorn loads any application: the app factory registers this
        # command, so this module does not import it.
        app: Flask = import_app(APP_FACTORY)
        return app


def _post_fork(_server: Any, _worker: Any) -> None:
    # A pooled connection must never cross a fork (none should exist; this makes sure).
    dispose_engines()


@click.command("serve")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=2, show_default=True, help="Web worker processes.")
@click.option("--bind", "-b", "binds", multiple=True, default=["127.0.0.1:8000"], show_default=True, help="HOST:PORT or unix:PATH (repeatable).")
@click.option("--timeout", type=click.IntRange(1, 3600), default=30, show_default=True, help="Seconds before a silent worker is restarted.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="One line per request on stdout.")
@with_appcontext
def serve(workers: int, binds: tuple[str, ...], timeout: int, access_log: bool) -> None:
    """Serve the web application with gunicorn and N workers (tables must exist: `dialogue db init`).

    Workers start with table creation off (DIALOGUE_CREATE_TABLES=no): several processes
    creating tables at once fail on PostgreSQL. Stop with SIGTERM (graceful).
    """
    cfg = config()
    demo_guard(cfg)
    require_initialised(cfg)
    dispose_engines()  # the check above must leave no connection to inherit
    os.environ["DIALOGUE_CREATE_TABLES"] = "no"
    options: dict[str, Any] = {"bind": list(binds), "workers": workers, "timeout": timeout, "graceful_timeout": timeout}
    if access_log:
        options["accesslog"] = "-"
    DialogueServer(options).run()


# ---------------------------------------------------------------------------- the deadline job
@click.command("close-due")
@click.option("--as-of", "as_of", help="Close as of this date (YYYY-MM-DD) instead of the clock's today.")
@with_appcontext
def close_due(as_of: str | None) -> None:
    """The deadline job: close every endorsement round and open call whose closes_on date has passed;
    once a quarter has ended, take its participation statistics snapshot and build its
    open-data archive (served by /open-data)."""
    day = parse_date(as_of, "--as-of")
    s = services(clock=FixedClock(day)) if day else services()
    closed = s.app.close_due()
    calls = s.app.close_due_calls()
    s.projector.catch_up()
    for proposal_id, outcome in closed:
        click.echo(f"{proposal_id}\t{outcome}")
    for call_id in calls:
        click.echo(f"{call_id}\tcall closed")
    click.echo(f"{len(closed)} round(s) closed.", err=True)
    click.echo(f"{len(calls)} call(s) closed.", err=True)
    snapshot = close_due_statistics(s)
    if snapshot is not None:
        click.echo(f"Participation statistics of {snapshot['quarter']}: as of {snapshot['as_of']}.", err=True)
    archive = close_due_quarter(s)
    if archive is not None:
        click.echo(f"Open data of {archive.quarter}: log position {archive.position}, chain hash {archive.chain_hash}.", err=True)


COMMANDS: list[click.Command] = [serve, close_due]
