"""``dialogue audit …`` and ``dialogue import`` (registered by :mod:`web.cli.commands`).

- ``audit verify [--checkpoint FILE --public-key FILE]...``: recompute the hash chain and
  check signed checkpoints; exit 1 naming the first bad position. Needs no master key.
- ``audit keygen FILE``: an Ed25519 signing key (FILE, FILE.pub); prints the public key.
- ``audit checkpoint [--key FILE] [--out FILE]``: sign the verified chain head.
- ``audit export FILE``: the log as JSON Lines of CloudEvents (no decrypted personal data).
- ``audit replay --until POSITION|ISO-8601 [--as-of DATE] --into URL``: every read model
  as of that point, built in another database.
- ``import FILE``: restore an export into an empty database, then drop the keys of
  every participant erased in the log.

``docs/audit.md`` documents formats, commands and the threat model.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import Engine, func, select

from application.audit import (
    Checkpoint,
    CheckpointError,
    events_table,
    generate_signing_key,
    has_log,
    last_position_at,
    load_public_key,
    load_signing_key,
    make_checkpoint,
    verify_log,
)
from application.export import RestoreError, export_log, import_log
from application.files import open_private
from application.persistence import drop_erased_keys, get_engine
from domain.errors import DomainError
from projections import proposals as proposal_views
from projections.runner import ViewProjector
from web.cli.common import config, services

FILE = click.Path(dir_okay=False, path_type=Path)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _log_engine() -> Engine:
    """The event store's engine, without the master key (verifying needs no keys)."""
    engine = get_engine(config().database_url)
    if not has_log(engine):
        raise click.ClickException("This database holds no event log: run `dialogue db init` first.")
    return engine


def _checkpoints(files: tuple[Path, ...], key_files: tuple[Path, ...]) -> tuple[list[tuple[str, Checkpoint]], list[bytes]]:
    if files and not key_files:
        raise click.UsageError("A checkpoint is checked against a trusted public key: give --public-key FILE.")
    try:
        cps = [(f.name, Checkpoint.parse(f.read_text("utf-8"))) for f in files]
        keys = [load_public_key(k) for k in key_files]
    except (CheckpointError, OSError, UnicodeDecodeError) as e:
        raise click.ClickException(str(e)) from e
    return cps, keys


def _instant(value: str, name: str) -> datetime:
    try:
        t = datetime.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is neither a position nor an ISO-8601 instant", param_hint=name) from e
    return t if t.tzinfo else t.replace(tzinfo=UTC)


@click.group("audit")
def audit_group() -> None:
    """Auditors: verify the hash chain, sign checkpoints, export and replay the log."""


@audit_group.command("verify")
@click.option("--checkpoint", "checkpoint_files", multiple=True, type=EXISTING_FILE, help="A signed checkpoint file (repeatable).")
@click.option("--public-key", "public_key_files", multiple=True, type=EXISTING_FILE, help="A trusted public key file (repeatable).")
@with_appcontext
def verify_command(checkpoint_files: tuple[Path, ...], public_key_files: tuple[Path, ...]) -> None:
    """Recompute the hash chain from the stored events and compare it with the stored
    chain and the signed checkpoints. Exits 1 naming the first bad position."""
    cps, keys = _checkpoints(checkpoint_files, public_key_files)
    report = verify_log(_log_engine(), cps, keys)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        for p in report.problems:
            click.echo(str(p), err=True)
        first = report.first_bad_position
        raise click.ClickException(f"TAMPERED: first bad position {first}" if first is not None else "TAMPERED: a checkpoint is not valid")
    click.echo("OK: the chain verifies" + (" and every checkpoint matches" if cps else ""))


@audit_group.command("keygen")
@click.argument("key_file", type=FILE)
def keygen_command(key_file: Path) -> None:
    """Create an Ed25519 signing key: KEY_FILE (private, keep it off the database host)
    and KEY_FILE.pub (public, give it to the Liaison Table and auditors)."""
    try:
        public = generate_signing_key(key_file)
    except (CheckpointError, OSError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Private key: {key_file.name}; public key: {key_file.name}.pub", err=True)
    click.echo(public, nl=False)


@audit_group.command("checkpoint")
@click.option("--key", "key_file", type=EXISTING_FILE, envvar="DIALOGUE_AUDIT_KEY_FILE", help="The signing key (default: $DIALOGUE_AUDIT_KEY_FILE).")
@click.option("--out", "out_file", type=FILE, help="Write the checkpoint here (never overwritten) instead of standard output.")
@with_appcontext
def checkpoint_command(key_file: Path | None, out_file: Path | None) -> None:
    """Verify the chain, then sign (count, head position, head hash, UTC time)."""
    if key_file is None:
        raise click.UsageError("No signing key: give --key FILE or set DIALOGUE_AUDIT_KEY_FILE (create one with `dialogue audit keygen FILE`).")
    if out_file is not None and out_file.exists():
        raise click.ClickException(f"{out_file.name} exists; a checkpoint is never overwritten.")
    try:
        cp = make_checkpoint(_log_engine(), load_signing_key(key_file))
    except (CheckpointError, DomainError) as e:
        raise click.ClickException(str(e)) from e
    if out_file is None:
        click.echo(cp.to_text(), nl=False)
    else:
        out_file.write_text(cp.to_text(), "utf-8")
    click.echo(f"Checkpoint: {cp.count} events, head position {cp.head_position}.", err=True)


@audit_group.command("export")
@click.argument("out_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@with_appcontext
def export_command(out_file: Path) -> None:
    """Write the log to OUT_FILE (- for standard output) as JSON Lines of CloudEvents 1.0,
    the stored bytes in data_base64. Exits 1 when the chain does not verify (the file
    is still the faithful copy of what is stored)."""
    engine = _log_engine()
    with engine.connect() as c:
        total = int(c.execute(select(func.count()).select_from(events_table)).scalar() or 0)
    with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
        if str(out_file) == "-":
            summary = export_log(engine, sys.stdout, progress=bar.update)
        else:
            partial = out_file.with_name(out_file.name + ".partial")
            # The export holds the whole log (sealed personal data included): owner only.
            with os.fdopen(open_private(partial), "w", encoding="utf-8", newline="\n") as out:
                summary = export_log(engine, out, progress=bar.update)
            os.replace(partial, out_file)
    click.echo(f"Exported {summary.events} events (head position {summary.report.head_position}, head hash {summary.report.head_hash}).", err=True)
    if not summary.report.ok:
        for p in summary.report.problems:
            click.echo(str(p), err=True)
        raise click.ClickException(f"TAMPERED: the stored chain does not verify; first bad position {summary.report.first_bad_position}")


@audit_group.command("replay")
@click.option("--until", "until", required=True, help="A position, or an ISO-8601 instant (the last position recorded at or before it).")
@click.option("--as-of", "as_of", help="Skip events whose effective date is after this date (YYYY-MM-DD).")
@click.option("--into", "into", required=True, help="Database URL where the read models are built (not the live one).")
@click.option("--reset", is_flag=True, help="Empty the views already in that database first.")
@with_appcontext
def replay_command(until: str, as_of: str | None, into: str, reset: bool) -> None:
    """Rebuild every read model as of a point of the log into another database."""
    cfg = config()
    if into in {cfg.database_url, cfg.views_url}:
        raise click.UsageError("--into must be another database than the live event store and views.")
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as e:
        raise click.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from e
    s = services()
    position = int(until) if until.strip().isdigit() else last_position_at(s.app.engine, _instant(until, "--until"))
    target = ViewProjector(s.app.recorder, s.app.mapper, get_engine(into), as_of=day)
    if target.position() > 0:
        if not reset:
            raise click.ClickException(f"That database already holds views (up to position {target.position()}); give --reset to empty them.")
        target.reset()
    with click.progressbar(length=position, label=f"Replaying up to position {position}", file=sys.stderr) as bar:
        n = target.catch_up(until=position, progress=bar.update)
    counts = proposal_views.status_counts(target.engine)
    click.echo(f"Views as of position {position}{' and effective date ' + day.isoformat() if day else ''}: {n} events replayed.")
    for status, count in sorted(counts.items()):
        click.echo(f"{status}\t{count}")


@click.command("import")
@click.argument("export_file", type=EXISTING_FILE)
@click.option("--checkpoint", "checkpoint_files", multiple=True, type=EXISTING_FILE, help="A signed checkpoint the export must match (repeatable).")
@click.option("--public-key", "public_key_files", multiple=True, type=EXISTING_FILE, help="A trusted public key file (repeatable).")
@with_appcontext
def import_command(export_file: Path, checkpoint_files: tuple[Path, ...], public_key_files: tuple[Path, ...]) -> None:
    """Restore an export (``dialogue audit export``) into an EMPTY database: the same
    events at the same positions, the same chain head; then drop the keys of every
    participant erased in the log and rebuild the views."""
    cps, keys = _checkpoints(checkpoint_files, public_key_files)
    s = services()
    s.app.create_tables()
    with export_file.open(encoding="utf-8") as f:
        total = sum(1 for _ in f)
    try:
        with export_file.open(encoding="utf-8") as lines, click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
            summary = import_log(s.app.engine, lines, checkpoints=cps, public_keys=keys, progress=bar.update)
    except RestoreError as e:
        raise click.ClickException(e.message) from e
    dropped = drop_erased_keys(s.app.recorder, s.keys)  # type: ignore[arg-type]
    s.projector.rebuild()
    click.echo(f"Imported {summary.events} events (head position {summary.head_position}, head hash {summary.head_hash}); {summary.commands} command ids; {dropped} erased participant key(s) dropped.")


COMMANDS: list[click.Command] = [audit_group, import_command]
