"""``dialogue notifications send [--as-of DATE]``: send the notifications that are due by
e-mail (issue 18; :mod:`application.notifications.mailing`), run on a schedule. Running it
twice sends nothing twice; a message the mail server refused is tried again next run."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from web.cli.common import services_with_views


@click.group("notifications")
def notifications_group() -> None:
    """Notifications by e-mail."""


@notifications_group.command("send")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="The day to send for (default: today).")
@with_appcontext
def send_command(as_of: object) -> None:
    """Send what is due on DATE: immediate notifications, the daily digest of the day
    before, and on the first run of a week the weekly digest of the week before."""
    s = services_with_views()
    on: date | None = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    report = s.mailing.send(on)
    click.echo(f"{len(report.sent)} sent, {len(report.failed)} to try again, {report.without_address} accounts without an address.")
    if report.failed:
        raise SystemExit(1)


COMMANDS = (notifications_group,)
