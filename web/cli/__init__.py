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


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, add_default_commands=False)
def cli() -> None:
    """The dialogue service: consultation and recommendations of the GCM dialogue mechanism (LAC)."""


def _guarded_run() -> click.Command:
    """Flask's ``run`` (the development server), which first applies the demo-mode guard
    (:func:`web.cli.common.demo_guard`) and the debug-mode guard
    (:func:`web.app.refuse_debug_unless_allowed`: ``--debugger`` serves the interactive
    debugger even without ``FLASK_DEBUG``)."""
    from flask.cli import ScriptInfo, run_command
    from flask.helpers import get_debug_flag

    @click.pass_context
    def callback(ctx: click.Context, **kwargs: object) -> object:
        from web.app import DebugModeRefusedError, refuse_debug_unless_allowed
        from web.cli.common import demo_guard

        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
            debugger = kwargs.get("debugger")
            if debugger or (debugger is None and get_debug_flag()):
                refuse_debug_unless_allowed(app.config["DIALOGUE"])
        except DebugModeRefusedError as e:
            raise click.ClickException(str(e)) from e
        demo_guard(app.config["DIALOGUE"])
        return ctx.invoke(run_command, **kwargs)

    return click.Command("run", params=list(run_command.params), callback=callback, help=run_command.help, short_help=run_command.short_help)


def _add_default_commands() -> None:
    from flask.cli import routes_command, shell_command

    cli.add_command(_guarded_run())
    cli.add_command(shell_command)
    cli.add_command(routes_command)


_add_default_commands()


def database_problem(error: Exception) -> str:
    """One line for a database that cannot be used: the driver's first line, without the
    URL (it may hold a password), and what to run when the tables are missing."""
    orig = getattr(error, "orig", None) or error
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if "no such table" in first or ("relation" in first and "does not exist" in first):
        return f"The database is not set up ({first}): run `dialogue db init` first."
    return f"Cannot reach the database: {first}"


def main() -> None:
    """The console script: errors of the environment (a missing folder, an unreadable file,
    a malformed database URL, a database that cannot be reached or was never set up, a
    refused setting) end with a one-line message and exit status 1, not a traceback."""
    from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError, ProgrammingError

    from web.app import ConfigurationError

    try:
        cli(prog_name="dialogue")
    except ConfigurationError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except OSError as e:
        where = f": {Path(e.filename).name}" if e.filename else ""
        click.echo(f"Error: {e.strerror or e}{where}", err=True)
        sys.exit(1)
    except ArgumentError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except (OperationalError, InterfaceError, ProgrammingError) as e:
        click.echo(f"Error: {database_problem(e)}", err=True)
        sys.exit(1)
