"""The ``dialogue`` console script, built on Flask's CLI (``dialogue run`` serves the app).

Commands print data on stdout and refusals on stderr, and exit non-zero on failure. One
module per command group (``db``, ``scenario``, ``views``, ``audit``, ``privacy``,
``keys``, ``ops``), all registered by :mod:`web.cli.commands`; :mod:`web.cli.common` is
what they share.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from web.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """The dialogue service: consultation and recommendations of the GCM dialogue mechanism (LAC)."""


def main() -> None:
    """The console script: errors of the environment (a missing folder, an unreadable file,
    a malformed database URL) end with a one-line message and exit status 1, not a traceback."""
    from sqlalchemy.exc import ArgumentError

    try:
        cli(prog_name="dialogue")
    except OSError as e:
        where = f": {Path(e.filename).name}" if e.filename else ""
        click.echo(f"Error: {e.strerror or e}{where}", err=True)
        sys.exit(1)
    except ArgumentError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
