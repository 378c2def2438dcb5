"""``dialogue db …``: bring the database to the code's shape.

``db upgrade`` (and ``db init``, the same command under its first name) creates what an empty
database lacks, or upgrades an earlier one: the project's own tables by their migrations
(``application/migrations/``; a database from before migrations is stamped first), the
library's events table, every view at the code's version (a view whose version changed is
rebuilt from the log beside the old one, then switched to), and the master-key check record.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from application.bootstrap import Config, bootstrap
from application.files import make_private_folders, write_private
from application.persistence import MasterKeyError, generate_master_key
from web.cli.common import config


@click.group("db")
def db_group() -> None:
    """Database set-up and upgrades."""


def _upgrade() -> None:
    cfg = config()
    if not cfg.master_key and cfg.master_key_file and not Path(cfg.master_key_file).exists():
        path = Path(cfg.master_key_file)
        try:
            make_private_folders(path.parent)
            write_private(path, generate_master_key() + "\n", exclusive=True)
        except OSError as e:
            raise click.ClickException(
                f"The master key file {path} could not be created ({e.strerror or e}). Create its folder "
                f"{path.parent}, readable by the service's user only, or set DIALOGUE_MASTER_KEY_FILE "
                "(or DIALOGUE_MASTER_KEY) to a key you have.",
            ) from e
        click.echo(f"Created a master key file: {path.name} in the instance folder. Back it up apart from the database.", err=True)
    try:
        s = bootstrap(Config(**{**cfg.__dict__, "create_tables": True, "inline_projection": False}))
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    s.keys.write_key_check()
    for line in s.upgrades:
        click.echo(line, err=True)
    click.echo("Database ready.")


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the database to the code's shape: create an empty one, or upgrade an earlier one
    (its own tables by their migrations, its views rebuilt where their version changed)."""
    _upgrade()


@db_group.command("init")
@with_appcontext
def db_init() -> None:
    """The same as `db upgrade` (on an empty database: create the tables and the key-check
    record, and a master key file for a local instance when no key is configured)."""
    _upgrade()


COMMANDS: list[click.Command] = [db_group]
