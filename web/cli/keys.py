"""``dialogue keys generate | backup FILE | restore FILE | rotate NEW_KEY_FILE [--wait SECONDS]``:
the master key and the encrypted key store of participants' data keys (``docs/privacy.md``).
``rotate`` scrubs the storage after it and exits with the erase commands' status 3
(:data:`web.cli.privacy.EXIT_NOT_SCRUBBED`) when it is not scrubbed yet."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from application.persistence import MasterKeyError, generate_master_key, read_master_key_file
from application.privacy import PrivacyError, backup_keys, parse_backup, restore_keys
from application.scrub import scrub_storage
from web.cli.common import services_with_views, write_private
from web.cli.privacy import WAIT_OPTION, report_scrub


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
    s = services_with_views()
    data = backup_keys(s.keys)
    write_private(file, json.dumps(data, indent=1))
    click.echo(f"Wrote {len(data['keys'])} wrapped key(s) to {file.name}.")


@keys_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def keys_restore(file: Path) -> None:
    """Restore the keys of FILE next to the restored log (``dialogue import`` first): keys
    of participants whose erasure is in the log are never restored (and are dropped if
    present). The views are then rebuilt, since events now open with the keys."""
    s = services_with_views()
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
@WAIT_OPTION
@with_appcontext
def keys_rotate(new_key_file: Path, wait: float) -> None:
    """Re-wrap every participant key with the master key in NEW_KEY_FILE (one
    transaction). Then configure the new key and destroy the old one: key backups taken
    before can no longer be opened, so no old backup holds a readable key of a person
    erased since. The storage is then scrubbed of the keys wrapped by the old key; exits
    with status 3 as "participants erase" does when it is not scrubbed yet (the rotation
    stands: run "dialogue participants scrub" later)."""
    s = services_with_views()
    try:
        new_key = read_master_key_file(new_key_file)
        if new_key == s.config.read_master_key():
            raise MasterKeyError("The new master key is the one in use.")
        n = s.keys.rotate(new_key)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    # Said before the scrub: whatever happens to it, the rotation is committed.
    click.echo(f"Re-wrapped {n} key(s) and the key-check record with the new master key.")
    click.echo("Now set DIALOGUE_MASTER_KEY or DIALOGUE_MASTER_KEY_FILE to the new key, then destroy the old key.", err=True)
    report_scrub(scrub_storage(s, wait=wait))


COMMANDS: list[click.Command] = [keys_group]
