"""``dialogue load-scenario``: replay a scenario folder through the application's commands."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from application.clock import FixedClock
from application.scenario import ScenarioError, load_scenario
from web.cli.common import services


@click.command("load-scenario")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON report here.")
@with_appcontext
def load_scenario_command(folder: Path, report_file: Path | None) -> None:
    """Replay FOLDER/quarter.json through the application's commands."""
    s = services(clock=FixedClock(date.today()))
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


COMMANDS: list[click.Command] = [load_scenario_command]
