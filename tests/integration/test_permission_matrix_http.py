"""The permission matrix through HTTP: each kind of person, signed in as a real account (or
not at all), sends the form of every command; only the people the mechanism allows change
anything (issue 10, "Done when")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import pytest
from flask import Flask
from sqlalchemy import func, select

from application.accounts.tables import accounts as accounts_table
from application.bootstrap import Services
from tests.e2e.web_support import app_services, sign_in_as
from tests.matrix_support import EXPECTED, PERSONAS, World, app_on_copy, http_form, world_file  # noqa: F401  (the shared world)


def state(s: Services) -> tuple[int, int]:
    """What a command changes: the log's head, and the number of accounts (an invitation)."""
    with s.app.engine.connect() as c:
        n = c.execute(select(func.count()).select_from(accounts_table)).scalar_one()
    return s.app.recorder.max_notification_id() or 0, int(n)


def send(app: Flask, world: World, persona: str, command: str) -> int:
    client = app.test_client()
    if persona != "anonymous":
        sign_in_as(client, world.accounts[persona])
    form = http_form(app_services(app), world, persona, command)
    assert form is not None
    path, data = form
    fields = {"command_id": str(uuid4()), **data}
    if fields.get("round-command_id") == "prefixed":  # a prefixed form sends its own command id
        fields["round-command_id"] = str(uuid4())
    return client.post(path, data=fields).status_code


# Grants have no page: an administrator grants from the command line (``dialogue users grant``);
# the application's matrix (test_permission_matrix.py) covers them.
@pytest.mark.parametrize("command", sorted(c for c in EXPECTED if c != "grant_access"))
def test_only_the_allowed_people_change_anything_through_the_pages(
    command: str, world_file: tuple[Path, str, World], app_on_copy: Callable[[], Flask],  # noqa: F811
) -> None:
    world = world_file[2]
    shared = app_on_copy()
    before = state(app_services(shared))
    succeeded, statuses = set(), {}
    for persona in PERSONAS:
        app = app_on_copy() if persona in EXPECTED[command] else shared
        start = state(app_services(app))
        statuses[persona] = send(app, world, persona, command)
        if state(app_services(app)) != start:
            succeeded.add(persona)

    assert succeeded == EXPECTED[command], statuses
    assert all(statuses[p] == 302 for p in succeeded)
    assert all(statuses[p] in (302, 403, 422) for p in set(PERSONAS) - succeeded), statuses
    assert state(app_services(shared)) == before

