"""``dialogue users token …``: personal access tokens of the JSON API from the command line
(a subgroup of :mod:`web.cli.users`; the owner does the same on the account page).

- ``dialogue users token create EMAIL --name NAME [--scope read|write] [--days N]``: a new
  token of the account of EMAIL, printed once (only its SHA-256 is kept);
- ``dialogue users token revoke EMAIL TOKEN_ID``: revoke it at once;
- ``dialogue users token list EMAIL [--format table|json]``: the account's tokens (never
  their secrets).
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from application.accounts import SCOPES
from application.accounts.tokens import DEFAULT_DAYS
from domain.errors import DomainError
from web.cli.common import account_by_email, services_with_views


@click.group("token")
def token_group() -> None:
    """Personal access tokens of the JSON API: create, revoke, list."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (a script's name).")
@click.option("--scope", type=click.Choice(SCOPES), default="read", show_default=True)
@click.option("--days", type=int, default=DEFAULT_DAYS, show_default=True, help="Days until it expires (1-365).")
@with_appcontext
def create_command(email: str, name: str, scope: str, days: int) -> None:
    """Create a token for the account of EMAIL and print it once."""
    s = services_with_views()
    try:
        info, secret = s.accounts.create_token(account_by_email(s.accounts, email).id, name, scope, days)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(secret)
    click.echo(f"Token {info.id} ({info.scope}) expires {info.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only now.", err=True)


@token_group.command("revoke")
@click.argument("email")
@click.argument("token_id")
@with_appcontext
def revoke_command(email: str, token_id: str) -> None:
    """Revoke the token TOKEN_ID of the account of EMAIL."""
    s = services_with_views()
    try:
        s.accounts.revoke_token(account_by_email(s.accounts, email).id, token_id)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Token {token_id} revoked.")


@token_group.command("list")
@click.argument("email")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@with_appcontext
def list_command(email: str, fmt: str) -> None:
    """The tokens of the account of EMAIL, newest first (never their secrets)."""
    s = services_with_views()
    tokens = s.accounts.tokens(account_by_email(s.accounts, email).id)
    rows: list[dict[str, str]] = [{"id": t.id, "name": t.name, "scope": t.scope, "created_at": t.created_at.isoformat(),
             "expires_at": t.expires_at.isoformat(), "revoked_at": t.revoked_at.isoformat() if t.revoked_at else ""}
            for t in tokens]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']}  {r['scope']:5}  {r['expires_at'][:16]}  {'revoked' if r['revoked_at'] else 'live':7}  {r['name']}")
