"""``dialogue export …``: the open data (issue 15; ``docs/open-data.md``).

- ``export open-data DIR [--until POSITION] [--as-of DATE]``: the CSV, JSON and XLSX files
  and ``datapackage.json``, built from the log up to POSITION (default: the head); the
  same position gives the same bytes.
- ``export quarter [--quarter YYYY-Qn]``: build and store the quarter's archive served by
  ``/open-data`` (the quarter so far while it has not ended; ``dialogue close-due``
  builds the final one once it has).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from application.open_data import build_export
from application.open_data.quarterly import publish_quarter
from domain.errors import DomainError
from web.cli.common import config, parse_date, require_initialised, services


@click.group("export")
def export_group() -> None:
    """Open data: the published recommendations and what came of them."""


@export_group.command("open-data")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--until", "until", type=click.IntRange(min=1), help="The log position to export up to (default: the log's head).")
@click.option("--as-of", "as_of", help="Leave out events effective after this date (YYYY-MM-DD), as a quarterly archive does.")
@with_appcontext
def open_data_command(directory: Path, until: int | None, as_of: str | None) -> None:
    """Write the open data into DIRECTORY: one CSV per table, open-data.json,
    open-data.xlsx and datapackage.json, as of a position of the log."""
    day = parse_date(as_of, "--as-of")
    require_initialised(config())
    s = services()
    try:
        export = build_export(s.app.engine, s.app.recorder, s.app.mapper, until=until, as_of=day)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    export.write(directory)
    p = export.provenance
    click.echo(f"Open data as of log position {p.position} (chain hash {p.chain_hash}){' and effective date ' + day.isoformat() if day else ''}: {len(export.files)} files in {directory}.")


@export_group.command("quarter")
@click.option("--quarter", "quarter", help="YYYY-Qn (default: the current quarter, so far).")
@with_appcontext
def quarter_command(quarter: str | None) -> None:
    """Build and store a quarter's open-data archive, served by the download page."""
    require_initialised(config())
    try:
        q = publish_quarter(services(), quarter)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    state = "final" if q.final else f"so far, as of {q.as_of.isoformat()}"
    click.echo(f"{q.quarter} ({state}): log position {q.position}, chain hash {q.chain_hash}, {len(q.archive)} bytes.")


COMMANDS: list[click.Command] = [export_group]
