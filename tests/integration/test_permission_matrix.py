"""Every command tried as every kind of person, through the application with the person's
identity bound: only the people the mechanism allows succeed; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines
from application.roles import ANONYMOUS, Identity, acting_as
from domain.errors import DomainError
from tests.matrix_support import EXPECTED, ON, PERSONAS, World, copy_world, run_command, world_file  # noqa: F401


@pytest.fixture
def copy_of(world_file: tuple[Path, str, World], tmp_path: Path) -> Iterator[Callable[[], Services]]:  # noqa: F811
    fresh = copy_world(world_file, tmp_path)
    yield lambda: bootstrap(Config(database_url=fresh(), master_key=world_file[1], inline_projection=False), clock=FixedClock(ON))
    dispose_engines()


def identity(world: World, persona: str) -> Identity:
    if persona == "anonymous":
        return ANONYMOUS
    return Identity(account_id=world.accounts[persona], participant_id=world.people.get(persona))


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_only_the_allowed_people_succeed(
    command: str, world_file: tuple[Path, str, World], copy_of: Callable[[], Services],  # noqa: F811
) -> None:
    world = world_file[2]
    shared = copy_of()
    head = shared.app.recorder.max_notification_id()
    succeeded, refused = set(), {}
    for persona in PERSONAS:
        s = copy_of() if persona in EXPECTED[command] else shared
        try:
            with acting_as(identity(world, persona)):
                run_command(s, world, persona, command)
        except DomainError as e:
            refused[persona] = e.code
        else:
            succeeded.add(persona)

    assert succeeded == EXPECTED[command], refused
    assert shared.app.recorder.max_notification_id() == head
