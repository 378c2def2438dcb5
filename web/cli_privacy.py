"""``dialogue`` commands: personal data (registered by :func:`web.cli.register_commands`).

- ``dialogue participants erase ID``: erase a person's personal data (ID: their UUID or
  scenario reference such as ``p-12``);
- ``dialogue participants export ID``: everything held about them, as JSON (right of access);
- ``dialogue participants statistics``: participation counts with small counts suppressed;
- ``dialogue keys generate | backup FILE | restore FILE | rotate NEW_KEY_FILE``: the
  master key and the encrypted key store.

Output names people by id and reference only; refusals go to stderr with a non-zero exit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from application.bootstrap import Services
from application.persistence import MasterKeyError, generate_master_key, parse_master_key
from application.privacy import (
    PrivacyError,
    backup_keys,
    erase,
    export_participant,
    parse_backup,
    resolve_participant,
    restore_keys,
    scrub_storage,
)
from domain.errors import DomainError
from projections import people as people_views


def _services() -> Services:
    from web import services

    try:
        s = services()
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    s.projector.catch_up()
    return s


# ---------------------------------------------------------------------------- participants
@click.group("participants")
def participants_group() -> None:
    """Participants' personal data: erasure, export (right of access), statistics."""


@participants_group.command("erase")
@click.argument("ident", metavar="ID")
@click.option("--reason", default="", help="Why (kept in the log: never a personal value).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(ident: str, reason: str, yes: bool) -> None:
    """Erase the personal data of participant ID (a UUID or a reference such as p-12).

    Vacates a seat they hold, records PersonalDataErased and deletes their key in one
    transaction, updates the views, then checkpoints (SQLite) or vacuums (PostgreSQL).
    Cannot be undone.
    """
    s = _services()
    try:
        pid = resolve_participant(s.projector.engine, ident)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    if not yes:
        click.confirm(f"Erase the personal data of participant {pid}? This cannot be undone", abort=True, err=True)
    try:
        report = erase(s, str(pid), reason=reason)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"Erased participant {report.participant_id} ({report.reference or 'no reference'}): shown as "
        f"{report.pseudonym!r}; position {report.position}; seats vacated: {', '.join(report.vacated_seats) or 'none'}."
    )
    for line in report.scrubbed:
        click.echo(line, err=True)
    for line in report.warnings:
        click.echo(f"Warning: {line}", err=True)


@participants_group.command("export")
@click.argument("ident", metavar="ID")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (mode 600) instead of stdout.")
@with_appcontext
def export_command(ident: str, output: Path | None) -> None:
    """Print all the data held about participant ID as JSON (right of access)."""
    s = _services()
    try:
        pid = resolve_participant(s.projector.engine, ident)
        data = export_participant(s.app, s.projector.engine, pid)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if output is None:
        click.echo(text)
        return
    _write_private(output, text)
    click.echo(f"Wrote the data of participant {pid} to {output.name}.", err=True)


@participants_group.command("statistics")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def statistics_command(fmt: str) -> None:
    """Participation counts by stakeholder group, subregion, language and gender
    (counts below 5 suppressed; erased people not counted)."""
    s = _services()
    stats = people_views.participation(s.projector.engine)
    if fmt == "json":
        click.echo(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    click.echo(f"total\t{stats['total']}")
    for dimension, cells in stats["dimensions"].items():
        for cell in cells:
            click.echo(f"{dimension}\t{cell['value']}\t{cell['count']}")


# ---------------------------------------------------------------------------- keys
@click.group("keys")
def keys_group() -> None:
    """The master key and the participants' key store."""


@keys_group.command("generate")
def keys_generate() -> None:
    """Print a new master key (32 random bytes, url-safe base64) for DIALOGUE_MASTER_KEY."""
    click.echo(generate_master_key())


@keys_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def keys_backup(file: Path) -> None:
    """Write the key store to FILE as JSON (keys stay wrapped by the master key: keep the
    master key apart from this file). A backup is this file plus the log."""
    s = _services()
    data = backup_keys(s.keys)
    _write_private(file, json.dumps(data, indent=1))
    click.echo(f"Wrote {len(data['keys'])} wrapped key(s) to {file.name}.")


@keys_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def keys_restore(file: Path) -> None:
    """Restore the keys of FILE next to the restored log (``dialogue import`` first): keys
    of participants whose erasure is in the log are never restored (and are dropped if
    present). The views are then rebuilt, since events now open with the keys."""
    s = _services()
    try:
        wrapped = parse_backup(file.read_bytes())
        report = restore_keys(s.app, s.keys, wrapped)
    except (PrivacyError, MasterKeyError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"Restored {report.restored} key(s) of {report.in_backup}; {report.already_present} already present; "
        f"{len(report.skipped_erased)} erased participant(s) skipped; {report.dropped_after} key(s) of erased participants dropped."
    )
    if report.restored or report.dropped_after:
        n = s.projector.rebuild()
        click.echo(f"Views rebuilt from {n} events.", err=True)


@keys_group.command("rotate")
@click.argument("new_key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def keys_rotate(new_key_file: Path) -> None:
    """Re-wrap every participant key with the master key in NEW_KEY_FILE (one
    transaction). Then configure the new key and destroy the old one: key backups taken
    before can no longer be opened, so no old backup holds a readable key of a person
    erased since."""
    s = _services()
    try:
        new_key = parse_master_key(new_key_file.read_text("utf-8"))
        if new_key == s.config.read_master_key():
            raise MasterKeyError("The new master key is the one in use.")
        n = s.keys.rotate(new_key)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    done, warnings = scrub_storage(s)
    click.echo(f"Re-wrapped {n} key(s) and the key-check record with the new master key.")
    click.echo("Now set DIALOGUE_MASTER_KEY or DIALOGUE_MASTER_KEY_FILE to the new key, then destroy the old key.", err=True)
    for line in done:
        click.echo(line, err=True)
    for line in warnings:
        click.echo(f"Warning: {line}", err=True)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")


COMMANDS: list[click.Command] = [participants_group, keys_group]
