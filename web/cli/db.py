"""``dialogue db …``: database set-up."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from application.bootstrap import Config, bootstrap
from application.persistence import MasterKeyError, generate_master_key
from web.cli.common import config


@click.group("db")
def db_group() -> None:
    """Database set-up."""


@db_group.command("init")
@with_appcontext
def db_init() -> None:
    """Create the tables and the key-check record (creating a master key file for a
    local instance when none is configured)."""
    cfg = config()
    if not cfg.master_key and cfg.master_key_file and not Path(cfg.master_key_file).exists():
        path = Path(cfg.master_key_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_master_key() + "\n")
        path.chmod(0o600)
        click.echo(f"Created a master key file: {path.name} in the instance folder. Back it up apart from the database.", err=True)
    init_cfg = Config(**{**cfg.__dict__, "create_tables": True})
    try:
        s = bootstrap(init_cfg)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e
    s.app.create_tables()
    s.projector.create_tables()
    s.keys.write_key_check()
    click.echo("Database ready.")


COMMANDS: list[click.Command] = [db_group]
