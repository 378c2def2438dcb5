"""Demo accounts: one for every participant of a loaded scenario, plus the secretariat and
an auditor, all with one shared password (``make demo``; demo mode only).

Addresses are ``<reference>@demo.invalid`` (``p-01@demo.invalid``; the ``.invalid``
top-level domain never receives mail), ``secretariat@demo.invalid`` and
``auditor@demo.invalid``. Each run draws a new shared password and gives it to every demo
account (one argon2id hash for all: the password is shared anyway), so the password printed
is always the one that works. Their notifications start at the log's first event, as if
they had followed the scenario from its start.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, update

from application.accounts import Accounts
from application.accounts.passwords import hash_password
from application.accounts.tables import accounts as accounts_table
from application.notifications.cursors import start_at_log_start
from domain.base import AUDITOR, SECRETARIAT
from domain.errors import NotAllowedError
from projections import people as people_views

DEMO_DOMAIN = "demo.invalid"
_WORDS = ("río", "puente", "semilla", "camino", "lluvia", "faro", "ceiba", "colibrí", "maíz", "brújula", "vela", "andes")


@dataclass(frozen=True)
class DemoAccounts:
    """The shared password and how many demo accounts exist (created now or before)."""

    password: str
    participants: int
    staff: list[str]


def demo_password() -> str:
    """Four words and a number: easy to type during a demonstration."""
    return "-".join(secrets.choice(_WORDS) for _ in range(4)) + f"-{secrets.randbelow(90) + 10}"


def demo_address(reference: str) -> str:
    return f"{reference}@{DEMO_DOMAIN}"


def create_demo_accounts(accounts: Accounts, views: Engine, password: str | None = None) -> DemoAccounts:
    """Create the missing demo accounts and give every demo account ``password`` (a new
    one when not given). ``views`` is the views' engine (the participant directory must be
    up to date).

    Raises:
        domain.errors.NotAllowedError: ``not_a_demo_account`` when demo mode is off.
    """
    if not accounts.demo_mode:
        raise NotAllowedError("Demo accounts are created in demo mode only.", code="not_a_demo_account")
    shared = password or demo_password()
    people = [p for p in people_views.participants(views) if not p["erased"] and p["reference"]]
    created = []
    for p in people:
        if accounts.of_participant(p["id"]) is None and accounts.find(demo_address(p["reference"])) is None:
            created.append(accounts.create_participant_account(p["id"], demo_address(p["reference"]), demo=True).id)
    staff = []
    for role in (SECRETARIAT, AUDITOR):
        address = demo_address(role)
        if accounts.find(address) is None:
            created.append(accounts.create_staff_account(address, role, demo=True).id)
        staff.append(address)
    with accounts.engine.begin() as c:
        c.execute(update(accounts_table).where(accounts_table.c.demo.is_(True)).values(
            password_hash=hash_password(shared), password_changed_at=accounts.now()))
        # A new account's notifications start at the log's end; a demonstration shows the
        # scenario's history as news.
        start_at_log_start(c, created)
    return DemoAccounts(password=shared, participants=len(people), staff=staff)
