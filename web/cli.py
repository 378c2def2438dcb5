"""The ``dialogue`` console script, built on Flask's CLI (``dialogue run`` serves the app).

Commands print data on stdout and refusals on stderr, and exit non-zero on failure.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import MasterKeyError, generate_master_key
from application.scenario import ScenarioError, load_scenario
from projections import proposals as proposal_views
from projections.runner import ViewProjector, snapshot_rows


def _config() -> Config:
    cfg = current_app.config["DIALOGUE"]
    assert isinstance(cfg, Config)
    return cfg


def _services(clock: FixedClock | None = None) -> Services:
    try:
        if clock is None:
            from web import services

            return services()
        return bootstrap(_config(), clock=clock)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from e


# ---------------------------------------------------------------------------- db
@click.group("db")
def db_group() -> None:
    """Database set-up."""


@db_group.command("init")
@with_appcontext
def db_init() -> None:
    """Create the tables and the key-check record (creating a master key file for a
    local instance when none is configured)."""
    cfg = _config()
    if not cfg.master_key and cfg.master_key_file and not Path(cfg.master_key_file).exists():
        path = Path(cfg.master_key_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_master_key() + "\n")
        path.chmod(0o600)
        click.echo(f"Created a master key file: {path.name} in the instance folder. Back it up apart from the database.", err=True)
    init_cfg = Config(**{**cfg.__dict__, "create_tables": True})
    try:
        s = bootstrap(init_cfg)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    s.app.create_tables()
    s.projector.create_tables()
    s.keys.write_key_check()
    click.echo("Database ready.")


# ---------------------------------------------------------------------------- scenario
@click.command("load-scenario")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON report here.")
@with_appcontext
def load_scenario_command(folder: Path, report_file: Path | None) -> None:
    """Replay FOLDER/quarter.json through the application's commands."""
    s = _services(clock=FixedClock(date.today()))
    s.app.on_saved.clear()
    try:
        steps = len(json.loads((folder / "quarter.json").read_text("utf-8")).get("steps", []))
    except (OSError, ValueError) as e:
        raise click.ClickException(f"Cannot read {folder / 'quarter.json'}: {e}") from e
    try:
        with click.progressbar(length=steps, label="Loading steps", file=sys.stderr) as bar:
            report = load_scenario(s.app, folder, progress=bar.update)
    except ScenarioError as e:
        raise click.ClickException(str(e)) from e
    s.projector.catch_up()
    if report_file:
        report_file.write_text(json.dumps(report.as_dict(), indent=1, ensure_ascii=False), "utf-8")
    for r in report.refused:
        expected = r not in report.unexpected_refusals
        click.echo(f"step {r['seq']} ({r['verb']}) refused{' as expected' if expected else ''}: {r['code']}: {r['message']}", err=True)
    click.echo(f"{report.steps} steps, {report.applied} applied ({report.already_applied} already before), {len(report.refused)} refused.")
    if report.unexpected_refusals:
        raise click.ClickException(f"{len(report.unexpected_refusals)} step(s) refused unexpectedly")


@click.command("close-due")
@click.option("--as-of", "as_of", help="Close as of this date (YYYY-MM-DD) instead of the clock's today.")
@with_appcontext
def close_due(as_of: str | None) -> None:
    """The deadline job: close every endorsement round whose closes_on date has passed."""
    day = _date(as_of, "--as-of")
    s = _services(clock=FixedClock(day)) if day else _services()
    closed = s.app.close_due()
    s.projector.catch_up()
    for proposal_id, outcome in closed:
        click.echo(f"{proposal_id}\t{outcome}")
    click.echo(f"{len(closed)} round(s) closed.", err=True)


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
    s = _services()
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
    s = _services()
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


def register_commands(app: Flask) -> None:
    from web import cli_audit, cli_ops, cli_privacy

    for cmd in (db_group, load_scenario_command, close_due, recommendations, projections_group):
        app.cli.add_command(cmd)
    for module in (cli_audit, cli_privacy, cli_ops):
        for extra in module.COMMANDS:
            app.cli.add_command(extra)


def _create_app() -> Flask:
    from web import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """The dialogue service: consultation and recommendations of the GCM dialogue mechanism (LAC)."""


def main() -> None:
    """The console script: errors of the environment (a missing folder, an unreadable file,
    a malformed database URL) end with a one-line message and exit status 1, not a traceback."""
    from sqlalchemy.exc import ArgumentError

    try:
        cli(prog_name="dialogue")
    except OSError as e:
        where = f": {Path(e.filename).name}" if e.filename else ""
        click.echo(f"Error: {e.strerror or e}{where}", err=True)
        sys.exit(1)
    except ArgumentError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
