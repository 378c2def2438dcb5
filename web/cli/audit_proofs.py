"""``dialogue audit proof …``: proofs of the transparency log, made and checked
(``docs/audit.md``, "Proofs"); added to the ``audit`` group by :mod:`web.cli.audit`.

- ``audit proof inclusion INDEX [--size S]`` / ``audit proof leaf POSITION``: the JSON of
  ``/audit/proof/inclusion`` (of the event at a position);
- ``audit proof consistency OLD [--new S]``: the JSON of ``/audit/proof/consistency``;
- ``audit proof check PROOF --checkpoint FILE [--checkpoint FILE] --public-key FILE``:
  check a proof against signed checkpoints, without the database. Exit 0 proven, 1 the
  proof fails, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from application.persistence import get_engine
from application.tlog import proofs
from application.tlog.checkpoint import TreeHead, open_checkpoint
from application.tlog.keyfiles import KeyFileError, read_verifier
from application.tlog.note import NoteError
from domain.errors import DomainError
from web.cli.common import config

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _print(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, indent=1))


@click.group("proof")
def proof_group() -> None:
    """Proofs of the transparency log: inclusion of an event, consistency of two trees."""


@proof_group.command("inclusion")
@click.argument("index", type=click.IntRange(min=0))
@click.option("--size", type=click.IntRange(min=1), help="The tree size (default: the whole tree).")
@with_appcontext
def inclusion_command(index: int, size: int | None) -> None:
    """The audit path of leaf INDEX, with its entry and leaf hash, as JSON."""
    try:
        _print(proofs.inclusion(get_engine(config().database_url), index, size))
    except DomainError as e:
        raise click.ClickException(e.message) from e


@proof_group.command("leaf")
@click.argument("position", type=click.IntRange(min=1))
@click.option("--size", type=click.IntRange(min=1), help="The tree size (default: the whole tree).")
@with_appcontext
def leaf_command(position: int, size: int | None) -> None:
    """The inclusion proof of the event stored at POSITION, as JSON."""
    engine = get_engine(config().database_url)
    try:
        _print(proofs.inclusion(engine, proofs.leaf_of_position(engine, position)["index"], size))
    except DomainError as e:
        raise click.ClickException(e.message) from e


@proof_group.command("consistency")
@click.argument("old", type=click.IntRange(min=0))
@click.option("--new", type=click.IntRange(min=0), help="The larger tree size (default: the whole tree).")
@with_appcontext
def consistency_command(old: int, new: int | None) -> None:
    """The proof that the tree of OLD leaves is a prefix of the tree of NEW leaves, as JSON."""
    try:
        _print(proofs.consistency(get_engine(config().database_url), old, new))
    except DomainError as e:
        raise click.ClickException(e.message) from e


def _heads(files: tuple[Path, ...], key_files: tuple[Path, ...]) -> list[TreeHead]:
    try:
        verifiers = [read_verifier(k) for k in key_files]
    except KeyFileError as e:
        raise click.UsageError(str(e)) from e
    heads = []
    for f in files:
        opened = None
        for v in verifiers:
            try:
                opened = open_checkpoint(f.read_bytes(), v)[0]
                break
            except NoteError:
                continue
        if opened is None:
            raise click.ClickException(f"checkpoint {f.name}: no given key signs it (the signature does not verify)")
        heads.append(opened)
    return heads


@proof_group.command("check")
@click.argument("proof_file", type=EXISTING_FILE)
@click.option("--checkpoint", "checkpoint_files", multiple=True, required=True, type=EXISTING_FILE,
              help="The signed checkpoint (an inclusion proof: one; a consistency proof: the old and the new).")
@click.option("--public-key", "public_key_files", multiple=True, required=True, type=EXISTING_FILE, help="A trusted verifier key file.")
def check_command(proof_file: Path, checkpoint_files: tuple[Path, ...], public_key_files: tuple[Path, ...]) -> None:
    """Check a proof (JSON of /audit/proof/inclusion or /audit/proof/consistency) against
    signed checkpoints. Needs no database."""
    try:
        proof = json.loads(proof_file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise click.UsageError(f"{proof_file.name} is not JSON: {e}") from e
    if not isinstance(proof, dict):
        raise click.UsageError(f"{proof_file.name} is not a proof")
    heads = sorted(_heads(checkpoint_files, public_key_files), key=lambda h: h.size)
    try:
        if "index" in proof:
            if len(heads) != 1:
                raise click.UsageError("An inclusion proof is checked against one checkpoint.")
            fields = proofs.check_inclusion(proof, heads[0])
            click.echo(f"OK: leaf {proof['index']} (position {fields['position']}, {fields['topic']}, aggregate {fields['aggregate']} "
                       f"version {fields['version']}) is in the tree of {heads[0].size} leaves signed by {heads[0].origin}")
        else:
            if len(heads) != 2:
                raise click.UsageError("A consistency proof is checked against two checkpoints: the old and the new.")
            proofs.check_consistency(proof, heads[0], heads[1])
            click.echo(f"OK: the tree of {heads[0].size} leaves is a prefix of the tree of {heads[1].size} leaves")
    except proofs.MalformedProof as e:
        raise click.UsageError(f"{proof_file.name}: {e}") from e
    except proofs.ProofFailed as e:
        click.echo(f"FAILED: {e}", err=True)
        sys.exit(1)
