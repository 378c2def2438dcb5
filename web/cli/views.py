"""``dialogue projections …`` (the read models: rebuild, check, the projection worker) and
``dialogue recommendations`` (the recommendation board)."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from typing import Any

import click
from flask.cli import with_appcontext

from application.bootstrap import Config, bootstrap
from application.persistence import MasterKeyError, dispose_engines
from application.worker import ProjectionWorker, WorkerSettings
from projections import proposals as proposal_views
from projections.runner import ViewProjector, snapshot_rows
from web.cli.common import config, require_initialised, services


# ---------------------------------------------------------------------------- reads
@click.command("recommendations")
@click.option("--status", type=click.Choice([
    "draft", "submitted", "on_agenda", "returned_for_revision", "adopted", "rejected", "withdrawn",
    "under_liaison_review", "endorsed", "not_endorsed", "published",
]))
@click.option("--table", type=click.Choice(["RT1", "RT2", "RT3", "RT4"]))
@click.option("--objective", type=click.IntRange(1, 23))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def recommendations(status: str | None, table: str | None, objective: int | None, fmt: str) -> None:
    """List the recommendation board (every proposal, whatever its status, without --status)."""
    s = services()
    s.projector.catch_up()
    rows = proposal_views.list_recommendations(s.projector.engine, status=status, table=table, objective=objective)
    out = [
        {"id": r["id"], "reference": r["reference"], "title": r["title"], "status": r["status"], "table": r["table"],
         "objectives": r["objectives"], "targets": r["targets"], "version": r["version"]}
        for r in rows
    ]
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for r in out:
        click.echo(f"{r['reference'] or r['id']:<14} {r['table']:<4} {r['status']:<22} v{r['version']:<3} {r['title'][:70]}")
    click.echo(f"{len(out)} proposal(s).", err=True)


# ---------------------------------------------------------------------------- projections
@click.group("projections")
def projections_group() -> None:
    """Read models."""


@projections_group.command("rebuild")
@click.option("--check", is_flag=True, help="Rebuild into a scratch database and compare row by row with the live views.")
@with_appcontext
def projections_rebuild(check: bool) -> None:
    """Rebuild every read model from the event log (or check a rebuild equals the live views)."""
    s = services()
    if not check:
        with click.progressbar(length=s.app.recorder.max_notification_id() or 0, label="Rebuilding", file=sys.stderr) as bar:
            n = s.projector.rebuild(progress=bar.update)
        click.echo(f"Rebuilt from {n} events.")
        return
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    s.projector.catch_up()
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    position = s.projector.position()
    fresh = ViewProjector(s.app.recorder, s.app.mapper, scratch)
    fresh.catch_up(until=position)
    differences = compare_views(snapshot_rows(s.projector.engine), snapshot_rows(scratch))
    for line in differences:
        click.echo(line)
    if differences:
        raise click.ClickException(f"{len(differences)} difference(s) between the live views and a rebuild")
    click.echo(f"The live views equal a rebuild from zero (position {position}).")


def compare_views(live: dict[str, list[tuple[Any, ...]]], rebuilt: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Lines naming every row present on one side only."""
    out = []
    for table in sorted(set(live) | set(rebuilt)):
        a, b = set(live.get(table, [])), set(rebuilt.get(table, []))
        for row in sorted(a - b, key=repr):
            out.append(f"{table}: live only:    {row!r}")
        for row in sorted(b - a, key=repr):
            out.append(f"{table}: rebuild only: {row!r}")
    return out


# ---------------------------------------------------------------------------- the projection worker
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
    cfg = Config(**{**config().__dict__, "create_tables": False, "inline_projection": False})
    require_initialised(cfg)
    try:
        running = bootstrap(cfg)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    settings = WorkerSettings(mode=mode, poll_interval=poll_interval, check_interval=check_interval,  # type: ignore[arg-type]
                              report_interval=report_interval, batch=batch)
    worker = ProjectionWorker(running.projector, settings)

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


COMMANDS: list[click.Command] = [recommendations, projections_group]
