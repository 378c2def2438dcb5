"""Every ``dialogue`` command group, registered on the Flask app's command line.

One module per group: :mod:`web.cli.db`, :mod:`web.cli.scenario`, :mod:`web.cli.views`,
:mod:`web.cli.audit`, :mod:`web.cli.privacy`, :mod:`web.cli.keys`, :mod:`web.cli.ops`,
:mod:`web.cli.open_data`, :mod:`web.cli.users`, :mod:`web.cli.notifications`
(each lists its commands in ``COMMANDS``). A new group adds its module here (one import,
one entry).
"""

from __future__ import annotations

from flask import Flask

from web.cli import audit, db, keys, notifications, open_data, ops, privacy, scenario, users, views

GROUPS = (db, scenario, ops, views, audit, privacy, keys, open_data, users, notifications)


def register_commands(app: Flask) -> None:
    for module in GROUPS:
        for command in module.COMMANDS:
            app.cli.add_command(command)
