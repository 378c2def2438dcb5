"""What the command groups share: the configuration, the services, dates from options,
and the check that the database was set up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import inspect

from application import files
from application.accounts import Account, Accounts
from application.bootstrap import Config, Services, behind_the_code, bootstrap
from application.clock import FixedClock
from application.persistence import (
    EVENTS_TABLE,
    MasterKeyError,
    chain_table,
    commands_table,
    get_engine,
)
from web.services import services as app_services

REQUIRED_TABLES = (EVENTS_TABLE, chain_table.name, commands_table.name, "view_tracking")


def config() -> Config:
    """The configuration of the current Flask app (``DIALOGUE_*``)."""
    cfg = current_app.config["DIALOGUE"]
    assert isinstance(cfg, Config)
    return cfg


def services(clock: FixedClock | None = None) -> Services:
    """The app's services, or services of their own on ``clock``; a master-key problem
    ends the command with its message."""
    try:
        if clock is None:
            return app_services()
        return bootstrap(config(), clock=clock)
    except MasterKeyError as e:
        raise click.ClickException(str(e)) from e


def parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from e


def missing_tables(url: str) -> list[str]:
    """The tables ``dialogue db init`` creates that the database at ``url`` lacks."""
    present = set(inspect(get_engine(url)).get_table_names())
    return [t for t in REQUIRED_TABLES if t not in present]


def require_initialised(cfg: Config) -> None:
    """Stop with a clear message when the database was not set up (``dialogue db init``), or
    is not at this release's shape: its own tables behind their migrations, a view not at the
    code's version (``dialogue db upgrade``)."""
    try:
        missing = missing_tables(cfg.database_url)
        if cfg.views_url and "view_tracking" not in missing and "view_tracking" not in set(inspect(get_engine(cfg.views_url)).get_table_names()):
            missing.append("view_tracking")
    except Exception as e:  # noqa: BLE001 - any connection failure is reported the same way
        raise click.ClickException(f"Cannot reach the database: {type(e).__name__}: {e}") from e
    if missing:
        raise click.ClickException(f"The database is not set up (missing {', '.join(missing)}): run `dialogue db init` first.")
    try:
        behind = behind_the_code(cfg)
    except Exception as e:  # noqa: BLE001 - any connection failure is reported the same way
        raise click.ClickException(f"Cannot reach the database: {type(e).__name__}: {e}") from e
    if behind:
        raise click.ClickException(f"The database is not at this release's shape ({', '.join(behind)}): run `dialogue db upgrade` first.")


def demo_guard(cfg: Config) -> None:
    """``dialogue run`` and ``dialogue serve`` in demo mode: a warning every time, and a
    refusal on PostgreSQL (a deployment's database) unless ``DIALOGUE_DEMO_ON_POSTGRES=yes``.

    Raises:
        click.ClickException: demo mode on PostgreSQL without the explicit setting.
    """
    if not cfg.demo_mode:
        return
    click.echo(
        "Warning: demo mode is on: demo accounts sign in without a password from the banner and without a second factor. "
        "Use it only for demonstrations on invented data (DIALOGUE_DEMO_MODE=no everywhere else).", err=True,
    )
    if cfg.database_url.startswith("postgresql") and not cfg.demo_on_postgres:
        raise click.ClickException(
            "Refusing demo mode on PostgreSQL: a PostgreSQL database is a deployment's. Set DIALOGUE_DEMO_MODE=no, "
            "or DIALOGUE_DEMO_ON_POSTGRES=yes if this database really holds only a demonstration."
        )


def services_with_views() -> Services:
    """The app's services, with the views brought up to date (references such as
    ``p-12`` are looked up there)."""
    s = services()
    s.projector.catch_up()
    return s


def write_private(path: Path, text: str) -> None:
    """Write ``text`` and a line break to a file only its owner may read (mode 600 from its
    creation, :func:`application.files.write_private`)."""
    files.write_private(path, text + "\n")


def account_by_email(accounts: Accounts, email: str) -> Account:
    """The account with ``email``, or a one-line error for the command line."""
    found = accounts.find(email)
    if found is None:
        raise click.ClickException(f"No account has the address {email!r}.")
    return found
