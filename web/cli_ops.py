"""``dialogue`` commands for running the service (registered by :func:`web.cli.register_commands`).

- ``dialogue serve --workers N [--bind HOST:PORT]``: gunicorn with the app factory; each
  worker builds its own application after the fork; no worker creates tables (schema
  creation is ``dialogue db init``, run once before).
- ``dialogue projections run``: the projection worker (:mod:`application.worker`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from gunicorn.app.base import BaseApplication
from sqlalchemy import inspect

from application.bootstrap import Config, bootstrap
from application.persistence import (
    EVENTS_TABLE,
    MasterKeyError,
    chain_table,
    commands_table,
    dispose_engines,
    get_engine,
)
from application.worker import ProjectionWorker, WorkerSettings
from web.cli import projections_group

REQUIRED_TABLES = (EVENTS_TABLE, chain_table.name, commands_table.name, "view_tracking")


def _config() -> Config:
    cfg = current_app.config["DIALOGUE"]
    assert isinstance(cfg, Config)
    return cfg


def missing_tables(url: str) -> list[str]:
    """The tables ``dialogue db init`` creates that the database at ``url`` lacks."""
    present = set(inspect(get_engine(url)).get_table_names())
    return [t for t in REQUIRED_TABLES if t not in present]


def _require_initialised(cfg: Config) -> None:
    try:
        missing = missing_tables(cfg.database_url)
        if cfg.views_url and "view_tracking" not in missing and "view_tracking" not in set(inspect(get_engine(cfg.views_url)).get_table_names()):
            missing.append("view_tracking")
    except Exception as e:  # noqa: BLE001 - any connection failure is reported the same way
        raise click.ClickException(f"Cannot reach the database: {type(e).__name__}: {e}") from e
    if missing:
        raise click.ClickException(f"The database is not set up (missing {', '.join(missing)}): run `dialogue db init` first.")


# ---------------------------------------------------------------------------- serve
class DialogueServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running :func:`web.create_app` in each worker, after the fork.

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
        from web import create_app

        return create_app()


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
    cfg = _config()
    _require_initialised(cfg)
    dispose_engines()  # the check above must leave no connection to inherit
    os.environ["DIALOGUE_CREATE_TABLES"] = "no"
    if cfg.demo_mode:
        click.echo("Warning: demo mode is on: any visitor can act as anyone. Set DIALOGUE_DEMO_MODE=no on a public deployment.", err=True)
    options: dict[str, Any] = {"bind": list(binds), "workers": workers, "timeout": timeout, "graceful_timeout": timeout}
    if access_log:
        options["accesslog"] = "-"
    DialogueServer(options).run()


# ---------------------------------------------------------------------------- projections run
@projections_group.command("run")
@click.option("--mode", type=click.Choice(["auto", "subscribe", "poll"]), default="auto", show_default=True,
              help="auto: the library's subscription (LISTEN/NOTIFY) on PostgreSQL, polling on SQLite.")
@click.option("--poll-interval", type=click.FloatRange(0.01, 60), default=0.5, show_default=True, help="Seconds between polls.")
@click.option("--check-interval", type=click.FloatRange(0.05, 600), default=5.0, show_default=True,
              help="Idle seconds after which a subscribing worker checks it is not behind (lost notification).")
@click.option("--report-interval", type=click.FloatRange(0.05, 3600), default=30.0, show_default=True, help="Seconds between lag log lines.")
@click.option("--batch", type=click.IntRange(1, 10000), default=200, show_default=True, help="Most events applied per transaction.")
@with_appcontext
def projections_run(mode: str, poll_interval: float, check_interval: float, report_interval: float, batch: int) -> None:
    """The projection worker: follow the event log into the read models until SIGTERM.

    Logs its position, the log's head and the lag on stderr; on SIGTERM or SIGINT it
    finishes the batch in progress and exits 0.
    """
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = Config(**{**_config().__dict__, "create_tables": False, "inline_projection": False})
    _require_initialised(cfg)
    try:
        services = bootstrap(cfg)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    settings = WorkerSettings(mode=mode, poll_interval=poll_interval, check_interval=check_interval,  # type: ignore[arg-type]
                              report_interval=report_interval, batch=batch)
    worker = ProjectionWorker(services.projector, settings)

    def on_signal(signum: int, _frame: Any) -> None:
        # Only start a thread here: the interrupted main thread may hold the locks stop() takes.
        def stop() -> None:
            logging.getLogger("dialogue.projections").info("received %s: finishing the current batch", signal.Signals(signum).name)
            worker.stop()

        threading.Thread(target=stop, name="projection-stop").start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker.run()
    dispose_engines()


COMMANDS: list[click.Command] = [serve]
