"""``dialogue audit witness …``: witnesses of the transparency log (``docs/audit.md``,
"Witnesses"); added to the ``audit`` group by :mod:`web.cli.audit`.

On the witness's own machine (no database, the private key never leaves it):

- ``witness keygen KEY_FILE --name NAME``: a witness key (KEY_FILE 0600, KEY_FILE.pub);
- ``witness sign --key KEY_FILE --log-key LOG.pub [--state FILE] [--proof PROOF.json]
  CHECKPOINT``: co-sign after checking consistency with the last checkpoint co-signed;
  exit 1 on a refusal, 3 on a conflict (two trees of one size), whose evidence is written.

On the service (the secretariat or an operator):

- ``witness add VERIFIER_KEY_FILE --description TEXT``: register a witness's key;
- ``witness list``; ``witness submit FILE``: a co-signed checkpoint, or a conflict report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from application.persistence import get_engine
from application.tlog.keyfiles import KeyFileError, read_signer, read_verifier, write_key_pair
from application.tlog.note import COSIGNATURE_V1, NoteError
from application.tlog.witness import WitnessConflict, WitnessRefusal, witness_sign
from application.tlog.witnesses import (
    add_witness,
    list_witnesses,
    record_conflict,
    submit_cosignatures,
)
from domain.errors import DomainError
from web.cli.common import config

FILE = click.Path(dir_okay=False, path_type=Path)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("witness")
def witness_group() -> None:
    """Witnesses: co-sign checkpoints of the transparency log after checking consistency."""


@witness_group.command("keygen")
@click.argument("key_file", type=FILE)
@click.option("--name", required=True, help="The witness's name, e.g. cepal.example.org/witness (no spaces, no '+').")
def keygen_command(key_file: Path, name: str) -> None:
    """Create a witness key: KEY_FILE (private, 0600, never leaves this machine) and
    KEY_FILE.pub (the verifier key text, printed: give it to the secretariat)."""
    try:
        signer = write_key_pair(key_file, name, COSIGNATURE_V1)
    except (KeyFileError, NoteError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(signer.verifier.text())


@witness_group.command("sign")
@click.argument("checkpoint", type=EXISTING_FILE)
@click.option("--key", "key_file", required=True, type=EXISTING_FILE, help="The witness's private key file.")
@click.option("--log-key", "log_key_file", required=True, type=EXISTING_FILE, help="The log's verifier key (/audit/key, as received from the Liaison Table).")
@click.option("--state", "state_file", type=FILE, help="Where the last co-signed checkpoint is kept (default: KEY_FILE.state).")
@click.option("--proof", "proof_file", type=EXISTING_FILE, help="A consistency proof from the last co-signed size (/audit/proof/consistency).")
def sign_command(checkpoint: Path, key_file: Path, log_key_file: Path, state_file: Path | None, proof_file: Path | None) -> None:
    """Co-sign CHECKPOINT (C2SP tlog-cosignature) and print it with the cosignature line.
    Needs no database and sends nothing anywhere."""
    try:
        signer = read_signer(key_file, kind=COSIGNATURE_V1)
        log_key = read_verifier(log_key_file)
        proof = json.loads(proof_file.read_text("utf-8")) if proof_file else None
    except (KeyFileError, OSError, ValueError) as e:
        raise click.UsageError(str(e)) from e
    state = state_file or key_file.with_name(key_file.name + ".state")
    try:
        click.echo(witness_sign(checkpoint.read_text("utf-8"), log_key, signer, state, proof), nl=False)
    except WitnessConflict as e:
        evidence = checkpoint.with_name(checkpoint.name + ".conflict.json")
        evidence.write_text(json.dumps(e.report(signer.name), indent=1), "utf-8")
        click.echo(f"CONFLICT: {e}; the evidence is in {evidence.name} (submit it with `dialogue audit witness submit`).", err=True)
        sys.exit(3)
    except (WitnessRefusal, NoteError) as e:
        click.echo(f"REFUSED: {e}", err=True)
        sys.exit(1)


@witness_group.command("add")
@click.argument("verifier_key_file", type=EXISTING_FILE)
@click.option("--description", required=True, help="Who holds it: the seat of the Liaison Table, or the UN agency.")
@with_appcontext
def add_command(verifier_key_file: Path, description: str) -> None:
    """Register a witness's public key (the KEY_FILE.pub of `witness keygen`)."""
    try:
        w = add_witness(get_engine(config().database_url), verifier_key_file.read_text("ascii"), description)
    except (DomainError, OSError, UnicodeDecodeError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Witness {w.verifier.name} registered ({description}).")


@witness_group.command("list")
@with_appcontext
def list_command() -> None:
    """The registered witnesses: verifier key and who holds it."""
    for w in list_witnesses(get_engine(config().database_url)):
        click.echo(f"{w.verifier.text()}\t{w.description}")


@witness_group.command("submit")
@click.argument("submitted", type=EXISTING_FILE)
@with_appcontext
def submit_command(submitted: Path) -> None:
    """Record a co-signed checkpoint (the output of `witness sign`) or a conflict report
    (the .conflict.json it wrote)."""
    engine = get_engine(config().database_url)
    text = submitted.read_text("utf-8")
    try:
        if text.lstrip().startswith("{"):
            head = record_conflict(engine, json.loads(text))
            click.echo(f"Conflict recorded: two checkpoints of tree size {head.size} with different roots.")
            return
        head, added = submit_cosignatures(engine, text)
    except (DomainError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Checkpoint of tree size {head.size}: {len(added)} new cosignature(s){': ' + ', '.join(added) if added else ''}.")
