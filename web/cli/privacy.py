"""``dialogue participants …``: personal data (registered by :mod:`web.cli.commands`).

- ``dialogue participants erase ID [--wait SECONDS]``: erase a person's personal data (ID:
  their UUID or scenario reference such as ``p-12``);
- ``dialogue participants scrub [--wait SECONDS]``: scrub the storage again (after an erasure
  that reported it NOT scrubbed yet: a transaction older than it was still open on the
  PostgreSQL server);
- ``dialogue participants export ID``: everything held about them, as JSON (right of access);
- ``dialogue participants statistics``: the participation statistics as published (the
  latest quarterly snapshot);
- ``dialogue participants publish-statistics [--quarter Q]``: take the snapshot of the quarter
  so far (or of an ended quarter not taken yet);
- ``dialogue contributors erase INPUT_OR_REQUEST``: erase the contact of a contributor without
  an account (issue 17).

Output names people by id and reference only; refusals go to stderr with a non-zero exit.
An erasure, scrub or key rotation that left old row versions in PostgreSQL's pages exits
with :data:`EXIT_NOT_SCRUBBED` (the erasure or rotation itself is recorded).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from application.contributors import erase_contributor
from application.participation import latest_statistics, publish_statistics
from application.privacy import erase, export_participant, resolve_participant
from application.scrub import MAX_WAIT_SECONDS, Scrub, scrub_storage
from domain.errors import DomainError
from web.cli.common import services_with_views, write_private

# Exit status of an erasure (or scrub, or key rotation) done while a transaction older than
# it kept the erased row versions in PostgreSQL's pages, or held the lock of a table to
# vacuum through the wait: run ``dialogue participants scrub`` after it.
EXIT_NOT_SCRUBBED = 3
# A web request's or a worker's transaction ends within a few seconds: waiting that long
# first spares the operator a second step on a busy server.
DEFAULT_WAIT_SECONDS = 10.0


def _a_number(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """Refuse ``nan`` (which passes a range's comparisons)."""
    if math.isnan(value):
        raise click.BadParameter("not a number")
    return value


WAIT_OPTION = click.option(
    "--wait", type=click.FloatRange(min=0, max=MAX_WAIT_SECONDS), default=DEFAULT_WAIT_SECONDS, show_default=True, metavar="SECONDS",
    callback=_a_number,
    help=(
        "PostgreSQL: wait up to SECONDS (at most 3600) after the scrub's start for transactions older than it "
        "to end before its VACUUM, and for the tables' locks in short tries (0: not for the transactions, and "
        "the tables' locks for deadlock_timeout + 1 s, 2 s by default)."
    ),
)


def echo_scrub(scrub: Scrub) -> None:
    """Print the scrub's steps and warnings to stderr."""
    for line in scrub.done:
        click.echo(line, err=True)
    for line in scrub.warnings:
        click.echo(f"Warning: {line}", err=True)


def report_scrub(scrub: Scrub) -> None:
    """:func:`echo_scrub`, then exit with EXIT_NOT_SCRUBBED when an open transaction kept old
    row versions, held a table's lock through the wait, or a database could not be scrubbed
    (the erase commands, ``participants scrub`` and ``keys rotate``)."""
    echo_scrub(scrub)
    if not scrub.complete:
        sys.exit(EXIT_NOT_SCRUBBED)


# ---------------------------------------------------------------------------- participants
@click.group("participants")
def participants_group() -> None:
    """Participants' personal data: erasure, export (right of access), statistics."""


@participants_group.command("erase")
@click.argument("ident", metavar="ID")
@click.option("--reason", default="", help="Why (kept in the log: never a personal value).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@WAIT_OPTION
@with_appcontext
def erase_command(ident: str, reason: str, yes: bool, wait: float) -> None:
    """Erase the personal data of participant ID (a UUID or a reference such as p-12).

    Vacates a seat they hold, records PersonalDataErased and deletes their key in one
    transaction, updates the views, then checkpoints (SQLite) or vacuums (PostgreSQL).
    Cannot be undone. Exits with status 3 when a transaction older than the erasure, still
    open on the PostgreSQL server, kept the old row versions, or one held the lock of a
    table to vacuum past the wait: run "dialogue participants scrub" once it ends.
    """
    s = services_with_views()
    try:
        pid = resolve_participant(s.projector.engine, ident)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    if not yes:
        click.confirm(f"Erase the personal data of participant {pid}? This cannot be undone", abort=True, err=True)
    try:
        report = erase(s, str(pid), reason=reason, wait=wait)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"Erased participant {report.participant_id} ({report.reference or 'no reference'}): shown as "
        f"{report.pseudonym!r}; position {report.position}; seats vacated: {', '.join(report.vacated_seats) or 'none'}."
    )
    report_scrub(report.scrub)


@participants_group.command("scrub")
@WAIT_OPTION
@with_appcontext
def scrub_command(wait: float) -> None:
    """Scrub the storage again: checkpoint (SQLite) or VACUUM (FULL) the tables that held
    personal values or keys (PostgreSQL). Run it after an erasure that reported the storage
    NOT scrubbed yet, once the transactions it named have ended. Exits with status 3 when a
    transaction older than this run still holds old row versions, or holds the lock of a
    table to vacuum past the wait."""
    s = services_with_views()
    scrub = scrub_storage(s, wait=wait)
    if scrub.complete:
        click.echo("Storage scrubbed.")
    report_scrub(scrub)


@participants_group.command("export")
@click.argument("ident", metavar="ID")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (mode 600) instead of stdout.")
@with_appcontext
def export_command(ident: str, output: Path | None) -> None:
    """Print all the data held about participant ID as JSON (right of access)."""
    s = services_with_views()
    try:
        pid = resolve_participant(s.projector.engine, ident)
        data = export_participant(s.app, s.projector.engine, pid)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if output is None:
        click.echo(text)
        return
    write_private(output, text)
    click.echo(f"Wrote the data of participant {pid} to {output.name}.", err=True)


@participants_group.command("statistics")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def statistics_command(fmt: str) -> None:
    """The participation statistics as published: the latest quarterly snapshot (counts
    rounded to base 5, cells under 5 suppressed; erased people not counted)."""
    s = services_with_views()
    _print_statistics(latest_statistics(s.app.engine), fmt)


@participants_group.command("publish-statistics")
@click.option("--quarter", help="YYYY-Qn (default: the current quarter, as of today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def publish_statistics_command(quarter: str | None, fmt: str) -> None:
    """Publish the participation statistics of QUARTER (as the secretariat): as of its last
    day once it has ended, else as of today (replaced later). A final snapshot stays."""
    s = services_with_views()
    try:
        stats = publish_statistics(s, quarter)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    _print_statistics(stats, fmt)


def _print_statistics(stats: dict[str, Any] | None, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(stats if stats is not None else {"published": False}, ensure_ascii=False, indent=1))
        return
    if stats is None:
        click.echo("No participation statistics are published yet (dialogue participants publish-statistics).", err=True)
        return
    click.echo(f"quarter\t{stats['quarter']}\t{'final' if stats['final'] else 'so far'}\tas of {stats['as_of']}")
    click.echo(f"total\t{_shown(stats['total'])}")
    for dimension, cells in stats["dimensions"].items():
        for cell in cells:
            click.echo(f"{dimension}\t{cell['value']}\t{_shown(cell['count'])}")


def _shown(count: int | None) -> str:
    return "suppressed" if count is None else str(count)


# ---------------------------------------------------------------------------- contributors
@click.group("contributors")
def contributors_group() -> None:
    """Contributors without an account (inputs to open calls): erasure."""


@contributors_group.command("erase")
@click.argument("ident", metavar="INPUT_OR_REQUEST")
@click.option("--reason", default="", help="Why (kept in the log: never a personal value).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@WAIT_OPTION
@with_appcontext
def erase_contributor_command(ident: str, reason: str, yes: bool, wait: float) -> None:
    """Erase the personal data of a contributor without an account: whoever sent input
    INPUT_OR_REQUEST, or made that request to join a table (its id). Records
    ContributorErased (or RequesterErased) and deletes their key in one transaction; the
    input's text stays. Cannot be undone. Exits with status 3 as "participants erase" does
    when the storage is not scrubbed yet."""
    s = services_with_views()
    if not yes:
        click.confirm(f"Erase the contact details of the sender of {ident}? This cannot be undone", abort=True, err=True)
    try:
        report = erase_contributor(s, ident, reason=reason, wait=wait)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Erased the contributor of {report.input_id}: position {report.position}.")
    report_scrub(report.scrub)


COMMANDS: list[click.Command] = [participants_group, contributors_group]
