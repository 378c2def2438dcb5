"""Every command tried as every kind of person, through the application with the person's
identity bound: only the people the mechanism allows succeed; a refusal changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.persistence import dispose_engines, generate_master_key
from application.roles import ANONYMOUS, Identity, acting_as
from domain.errors import DomainError
from tests.matrix_support import EXPECTED, PERSONAS, START, World, build_world, run_command


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, World]:
    path = tmp_path_factory.mktemp("matrix") / "world.sqlite"
    key = generate_master_key()
    s = bootstrap(Config(database_url=f"sqlite:///{path}", master_key=key, inline_projection=False), clock=FixedClock(START))
    world = build_world(s)
    with s.app.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dispose_engines()
    return path, key, world


@pytest.fixture
def copy_of(world_file: tuple[Path, str, World], tmp_path: Path) -> Callable[[], Services]:
    src, key, _ = world_file
    made: list[int] = []

    def fresh() -> Services:
        made.append(1)
        dst = tmp_path / f"copy{len(made)}.sqlite"
        shutil.copy(src, dst)
        return bootstrap(Config(database_url=f"sqlite:///{dst}", master_key=key, inline_projection=False), clock=FixedClock(date(2026, 1, 10)))

    yield fresh
    dispose_engines()


def identity(world: World, persona: str) -> Identity:
    if persona == "anonymous":
        return ANONYMOUS
    return Identity(account_id=world.accounts[persona], participant_id=world.people.get(persona))


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_only_the_allowed_people_succeed(command: str, world_file: tuple[Path, str, World], copy_of: Callable[[], Services]) -> None:
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
