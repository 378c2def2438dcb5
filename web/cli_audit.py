"""``dialogue`` commands: audit (registered by :func:`web.cli.register_commands`)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
