"""``dialogue users …``: accounts from the command line (registered by :mod:`web.cli.commands`).

- ``dialogue users create EMAIL (--participant REF_OR_ID | --role secretariat|auditor|administrator)
  [--password-stdin] [--language es|en|pt|fr]``: a participant's or a staff account; without
  ``--password-stdin`` an invitation link is mailed to choose the password. The first
  administrator is created this way (``docs/operations.md``).
- ``dialogue users invite REF_OR_ID EMAIL``: invite a participant by e-mail.
- ``dialogue users grant EMAIL ROLE`` / ``revoke EMAIL ROLE``: an ``AccessGranted`` /
  ``AccessRevoked`` event (by ``operator``: whoever holds the server's shell).
- ``dialogue users reset-password EMAIL [--password-stdin]``: set it now (every session
  ends) or mail a reset link.
- ``dialogue users list [--format table|json]``: every account with its roles today.
- ``dialogue users reset-second-factor EMAIL``: remove a lost second factor (enrolled again at
  the next sign-in where required).
- ``dialogue users delete EMAIL``: delete a staff account (a participant's goes with the
  erasure of their data: ``dialogue participants erase``).
- ``dialogue users demo``: demo mode only; the demo accounts and their shared password.
- ``dialogue users token create | revoke | list``: personal access tokens of the JSON API
  (:mod:`web.cli.tokens`).

Passwords are read from the first line of standard input (``--password-stdin``), never from
an argument (arguments show in the process list and the shell's history).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import with_appcontext

from application.demo import create_demo_accounts
from application.mail import MailError
from application.privacy import resolve_participant
from application.roles import GRANTABLE_ROLES, Identity
from domain.errors import DomainError
from web.cli.common import account_by_email, services_with_views
from web.cli.tokens import token_group


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    if not password:
        raise click.ClickException("No password on standard input.")
    return password


@click.group("users")
def users_group() -> None:
    """Accounts: create, invite, grant and revoke roles, reset passwords, list."""


@users_group.command("create")
@click.argument("email")
@click.option("--participant", "participant", metavar="REF_OR_ID", help="The participant (UUID or reference such as p-12) the account belongs to.")
@click.option("--role", type=click.Choice(GRANTABLE_ROLES), help="A staff account holding this role.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--language", type=click.Choice(["es", "en", "pt", "fr"]), default="es", show_default=True, help="A staff account's language.")
@with_appcontext
def create_command(email: str, participant: str | None, role: str | None, password_stdin: bool, language: str) -> None:
    """Create the account of EMAIL for a participant or with a staff role."""
    if (participant is None) == (role is None):
        raise click.UsageError("Give either --participant REF_OR_ID or --role ROLE.")
    password = _read_password() if password_stdin else None
    s = services_with_views()
    try:
        if participant is not None:
            pid = resolve_participant(s.projector.engine, participant)
            account = s.accounts.create_participant_account(pid, email, password=password)
        else:
            assert role is not None
            account = s.accounts.create_staff_account(email, role, password=password, language=language)
        if password is None:
            s.accounts.send_invitation(account.id)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    except MailError as e:
        raise click.ClickException(f"The account {account.id} is created, but {e}") from e
    click.echo(f"Created account {account.id} ({account.kind}{', ' + role if role else ''})"
               + ("" if password else "; an invitation to choose the password was sent") + ".")


@users_group.command("invite")
@click.argument("participant", metavar="REF_OR_ID")
@click.argument("email")
@with_appcontext
def invite_command(participant: str, email: str) -> None:
    """Invite participant REF_OR_ID by e-mail to choose a password (link valid 7 days)."""
    s = services_with_views()
    try:
        pid = resolve_participant(s.projector.engine, participant)
        account = s.accounts.invite(pid, email)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    except MailError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Invitation sent to the account {account.id} of participant {pid}.")


@users_group.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(GRANTABLE_ROLES))
@with_appcontext
def grant_command(email: str, role: str) -> None:
    """Grant ROLE to the account of EMAIL (an AccessGranted event)."""
    s = services_with_views()
    try:
        s.accounts.grant_role(account_by_email(s.accounts, email).id, role)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Granted {role}.")


@users_group.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice(GRANTABLE_ROLES))
@click.option("--reason", default="", help="Why (kept in the log: write no personal value).")
@with_appcontext
def revoke_command(email: str, role: str, reason: str) -> None:
    """Revoke ROLE from the account of EMAIL (an AccessRevoked event)."""
    s = services_with_views()
    try:
        s.accounts.revoke_role(account_by_email(s.accounts, email).id, role, reason=reason)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Revoked {role}.")


@users_group.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Set the password read from standard input instead of mailing a link.")
@with_appcontext
def reset_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL, or mail a reset link; every session of the account ends
    when the password changes."""
    s = services_with_views()
    account = account_by_email(s.accounts, email)
    try:
        if password_stdin:
            s.accounts.set_password(account.id, _read_password())
            click.echo("Password set; every session of the account has ended.")
        else:
            s.accounts.send_reset(account.id)
            click.echo("A reset link was sent.")
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    except MailError as e:
        raise click.ClickException(str(e)) from e


@users_group.command("reset-second-factor")
@click.argument("email")
@with_appcontext
def reset_second_factor_command(email: str) -> None:
    """Remove the second factor of EMAIL (a lost phone and lost recovery codes); an account
    that must use one enrols again at its next sign-in."""
    s = services_with_views()
    try:
        s.accounts.reset_second_factor(account_by_email(s.accounts, email).id)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo("Second factor removed; it is set up again at the next sign-in where the account's roles require it.")


@users_group.command("delete")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def delete_command(email: str, yes: bool) -> None:
    """Delete the staff account of EMAIL and its key (its address becomes unreadable)."""
    s = services_with_views()
    account = account_by_email(s.accounts, email)
    if not yes:
        click.confirm(f"Delete the account {account.id}? This cannot be undone", abort=True, err=True)
    try:
        s.accounts.delete_staff_account(account.id)
    except DomainError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Deleted account {account.id}.")


@users_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@with_appcontext
def list_command(fmt: str) -> None:
    """Every account: id, kind, address, participant reference, roles today, second factor."""
    s = services_with_views()
    from projections import people as people_views

    directory = people_views.directory(s.projector.engine)
    rows: list[dict[str, Any]] = []
    for a in s.accounts.all():
        roles = s.app.roles_of(Identity(a.id, a.participant_id))
        held = sorted(roles.granted | ({"secretariat"} if roles.is_secretariat else set()) | ({"participant"} if a.participant_id else set()))
        rows.append({
            "id": a.id, "kind": a.kind, "email": a.email, "reference": (directory.get(a.participant_id or "") or {}).get("reference"),
            "roles": held, "second_factor": a.second_factor, "password": a.has_password, "demo": a.demo,
            "erasure_requested": a.erasure_requested_at is not None,
        })
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        cells = [r["id"], r["kind"], r["email"] or "", r["reference"] or "-", ",".join(r["roles"]) or "-",
                 "2fa" if r["second_factor"] else "-", "password" if r["password"] else "invited"]
        click.echo("\t".join(str(c) for c in cells))


@users_group.command("demo")
@with_appcontext
def demo_command() -> None:
    """Demo mode only: create the demo accounts (every participant as <reference>@demo.invalid,
    the secretariat and an auditor) and print their one shared password."""
    s = services_with_views()
    try:
        made = create_demo_accounts(s.accounts, s.projector.engine)
    except DomainError as e:
        raise click.ClickException("Demo accounts are created in demo mode only (DIALOGUE_DEMO_MODE=yes).") from e
    click.echo(f"Demo accounts: {made.participants} participants (<reference>@demo.invalid, e.g. p-01@demo.invalid), "
               f"{', '.join(made.staff)}.")
    click.echo(f"Shared demo password: {made.password}")


users_group.add_command(token_group)

COMMANDS: list[click.Command] = [users_group]
