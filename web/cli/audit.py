"""``dialogue audit …`` and ``dialogue import`` (registered by :mod:`web.cli.commands`).

- ``audit verify [--checkpoint FILE --public-key FILE]...``: recompute the hash chain and
  the transparency log's tree and check signed checkpoints; exit 1 naming the first bad
  position, 3 with events after the last checkpoint, 4 on an empty log. Needs no master key.
- ``audit keygen FILE``: the log's Ed25519 signing key (FILE, FILE.pub); prints the
  verifier key text.
- ``audit checkpoint [--key FILE] [--out FILE]``: sign a C2SP checkpoint of the verified tree.
- ``audit export FILE``: the log as JSON Lines of CloudEvents (no decrypted personal data).
- ``audit replay --until POSITION|ISO-8601 [--as-of DATE] --into URL``: every read model
  as of that point, built in another database.
- ``audit proof inclusion|leaf|consistency|check``: proofs of the transparency log
  (:mod:`web.cli.audit_proofs`); ``audit witness …``: witnesses (:mod:`web.cli.audit_witness`).
- ``import FILE``: restore an export into an empty database, then drop the keys of
  every participant erased in the log.

``docs/audit.md`` documents formats, commands and the threat model.
"""

from __future__ import annotations

import base64
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import Engine, func, select

from application.audit import (
    CheckpointError,
    events_table,
    has_log,
    last_position_at,
    verify_log,
)
from application.export import RestoreError, export_log, import_log
from application.files import open_private
from application.persistence import drop_erased_keys, get_engine
from application.service import DialogueApplication
from application.snapshot_check import verify_snapshots
from application.tlog.keyfiles import KeyFileError, read_signer, write_key_pair
from application.tlog.note import NoteError
from application.tlog.signing import sign_checkpoint
from application.tlog.verify import read_checkpoint_files, verify_tree
from domain.errors import DomainError
from projections import proposals as proposal_views
from projections.runner import ViewProjector
from web.cli.audit_proofs import proof_group
from web.cli.audit_witness import witness_group
from web.cli.common import config, services

FILE = click.Path(dir_okay=False, path_type=Path)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _log_engine() -> Engine:
    """The event store's engine, without the master key (verifying needs no keys)."""
    engine = get_engine(config().database_url)
    if not has_log(engine):
        raise click.ClickException("This database holds no event log: run `dialogue db init` first.")
    return engine


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
@click.option("--public-key", "public_key_files", multiple=True, type=EXISTING_FILE, help="A trusted verifier key file (repeatable).")
@with_appcontext
def verify_command(checkpoint_files: tuple[Path, ...], public_key_files: tuple[Path, ...]) -> None:
    """Recompute the hash chain and the transparency log's tree from the stored events and
    compare them with the stored chain and tree and with the signed checkpoints; compare
    every stored snapshot with the state replayed from the events at its version.

    Exit status: 0 verified and anchored by a checkpoint up to the last event; 1 tampered
    (naming the first bad position); 2 usage error; 3 verified, but events after the last
    matching checkpoint are covered by the chain only; 4 the log is empty.
    """
    if checkpoint_files and not public_key_files:
        raise click.UsageError("A checkpoint is checked against a trusted key: give --public-key FILE.")
    try:
        given = read_checkpoint_files(checkpoint_files, public_key_files)
    except CheckpointError as e:
        raise click.UsageError(str(e)) from e
    engine = _log_engine()
    chain = verify_log(engine, given.chain, given.chain_keys)
    tree = verify_tree(engine, given.heads)
    # No key: the snapshotted aggregates hold no personal field.
    snapshots, bad_snapshots = verify_snapshots(DialogueApplication(database_url=config().database_url, keys=None, create_tables=False))
    for line in chain.lines():
        click.echo(line)
    click.echo(f"tree: {tree.size} leaves, root {base64.b64encode(tree.root).decode()}")
    for c in tree.checkpoints:
        click.echo(f"checkpoint {c.name} (tree size {c.head.size}): {'ok' if c.ok else 'FAILED'}{': ' + c.message if c.message and not c.ok else ''}")
    click.echo(f"snapshots: {snapshots} compared with the state replayed from the events, {len(bad_snapshots)} differ")
    problems = [str(p) for p in chain.problems] + [str(p) for p in tree.problems + given.problems] + [str(p) for p in bad_snapshots]
    if problems:
        for p in problems:
            click.echo(p, err=True)
        positions = [p for p in (chain.first_bad_position, *(t.position for t in tree.problems)) if p is not None]
        if positions:
            raise click.ClickException(f"TAMPERED: first bad position {min(positions)}")
        nodes = [t for t in tree.problems if t.position is None and t.leaf is not None]
        if nodes or bad_snapshots:
            raise click.ClickException(f"TAMPERED: {nodes[0] if nodes else bad_snapshots[0]}")
        raise click.ClickException("TAMPERED: a checkpoint is not valid")
    if chain.count == 0:
        click.echo("EMPTY: the log holds no event", err=True)
        sys.exit(4)
    chain_covered = max((r.checkpoint.count for r in chain.checkpoints if r.ok), default=0)
    unanchored = chain.count - max(tree.anchored, chain_covered)
    if unanchored:
        first = tree.positions[chain.count - unanchored]
        click.echo(f"UNANCHORED: the chain verifies, but {unanchored} event(s) from position {first} on are after the last signed checkpoint", err=True)
        sys.exit(3)
    click.echo("OK: the chain and the tree verify and every event is covered by a signed checkpoint")


@audit_group.command("keygen")
@click.argument("key_file", type=FILE)
@click.option("--name", help="The key's name (default: the log's origin, DIALOGUE_LOG_ORIGIN).")
@with_appcontext
def keygen_command(key_file: Path, name: str | None) -> None:
    """Create the log's Ed25519 signing key: KEY_FILE (private, 0600: keep it off the
    database host) and KEY_FILE.pub (the verifier key text, printed: give it to the Liaison
    Table and auditors)."""
    try:
        signer = write_key_pair(key_file, name or config().origin)
    except (KeyFileError, NoteError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Private key: {key_file.name}; verifier key: {key_file.name}.pub", err=True)
    click.echo(signer.verifier.text())


@audit_group.command("checkpoint")
@click.option("--key", "key_file", type=EXISTING_FILE, envvar="DIALOGUE_AUDIT_KEY_FILE", help="The signing key (default: $DIALOGUE_AUDIT_KEY_FILE).")
@click.option("--out", "out_file", type=FILE, help="Also write the checkpoint here (never overwritten).")
@with_appcontext
def checkpoint_command(key_file: Path | None, out_file: Path | None) -> None:
    """Verify the log, then sign a checkpoint of its tree (C2SP tlog-checkpoint: origin,
    tree size, root hash) and keep it; /audit/checkpoint serves the latest."""
    if key_file is None:
        raise click.UsageError("No signing key: give --key FILE or set DIALOGUE_AUDIT_KEY_FILE (create one with `dialogue audit keygen FILE`).")
    if out_file is not None and out_file.exists():
        raise click.ClickException(f"{out_file.name} exists; a checkpoint is never overwritten.")
    origin = config().origin
    try:
        signer = read_signer(key_file, name=origin)
        if signer.name != origin:
            raise click.ClickException(f"The key is named {signer.name!r}; the log's origin is {origin!r} (DIALOGUE_LOG_ORIGIN).")
        cp = sign_checkpoint(_log_engine(), signer)
    except (KeyFileError, DomainError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(cp.note, nl=False)
    if out_file is not None:
        out_file.write_text(cp.note, "utf-8")
    click.echo(f"Checkpoint: tree size {cp.head.size}, signed by {cp.verifier_key}.", err=True)


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
    if checkpoint_files and not public_key_files:
        raise click.UsageError("A checkpoint is checked against a trusted key: give --public-key FILE.")
    try:
        given = read_checkpoint_files(checkpoint_files, public_key_files)
    except CheckpointError as e:
        raise click.UsageError(str(e)) from e
    if given.problems:
        raise click.ClickException(f"{given.problems[0]}; nothing imported.")
    s = services()
    s.app.create_tables()
    with export_file.open(encoding="utf-8") as f:
        total = sum(1 for _ in f)
    try:
        with export_file.open(encoding="utf-8") as lines, click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
            summary = import_log(
                s.app.engine, lines, checkpoints=given.chain, public_keys=given.chain_keys, tree_checkpoints=given.heads, progress=bar.update,
            )
    except RestoreError as e:
        raise click.ClickException(e.message) from e
    dropped = drop_erased_keys(s.app.recorder, s.keys)  # type: ignore[arg-type]
    s.projector.rebuild()
    click.echo(f"Imported {summary.events} events (head position {summary.head_position}, head hash {summary.head_hash}); {summary.commands} command ids; {dropped} erased participant key(s) dropped.")


audit_group.add_command(proof_group)
audit_group.add_command(witness_group)

COMMANDS: list[click.Command] = [audit_group, import_command]
