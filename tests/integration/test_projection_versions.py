"""A projection whose version changes is rebuilt from the log into tables of its new version,
beside the old ones (which the previous release keeps serving and projecting), then switched
to; the rebuilt views equal a fresh rebuild. On SQLite and PostgreSQL.

A version change is made here as a release makes it: the area's module with ``version=2``
(its source, loaded again under another name, so its tables are ``view_*_v2``).
"""

from __future__ import annotations

import re
import types
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Flask
from sqlalchemy import MetaData, Table, create_engine, inspect, update
from sqlalchemy.pool import StaticPool

import projections
from application.bootstrap import Config, Services, bootstrap
from application.clock import FixedClock
from application.scenario import load_scenario
from projections import PROJECTIONS
from projections import proposals as proposal_views
from projections import settings as settings_views
from projections.base import Projection
from projections.runner import ViewProjector, snapshot_rows
from projections.versions import CURRENT, PREVIOUS, states, upgrade, view_projections
from tests.conftest import ROOT
from web import create_app
from web.cli.common import config, require_initialised

SCENARIO = ROOT / "tests" / "scenarios" / "issue-3-verbs"
# The proposals projection's version in the code, and the one a next release would declare.
NOW = proposal_views.projection.version
NEXT = NOW + 1


def at_version(module: types.ModuleType, version: int) -> Projection:
    """The projection of ``module`` as a release with ``version`` declares it."""
    source = Path(str(module.__file__)).read_text("utf-8")
    name = module.__name__.rsplit(".", 1)[1]
    changed, n = re.subn(rf'Projection\("{name}", version=\d+\)', f'Projection("{name}", version={version})', source)
    assert n == 1
    copy = types.ModuleType(f"{module.__name__}_v{version}")
    copy.__file__ = module.__file__
    exec(compile(changed, str(module.__file__), "exec"), copy.__dict__)
    projection: Projection = copy.projection
    return projection


def release(*changed: Projection) -> tuple[Projection, ...]:
    """Every projection, with ``changed`` in place of the one of the same name."""
    by_name = {p.name: p for p in changed}
    return tuple(by_name.get(p.name, p) for p in PROJECTIONS)


def left_at_previous_version(s: Services, module: types.ModuleType, added: str) -> None:
    """The views of ``s`` as the release before ``module``'s projection version left them: the
    projection upgraded to the version before, then the code's version, its tracking row and
    the table ``view_<added>`` that only the code's version has dropped."""
    engine = s.projector.engine
    now: Projection = module.projection
    before = at_version(module, now.version - 1)
    upgrade(ViewProjector(s.app.recorder, s.app.mapper, engine, create=False, projections=release(before)))
    with engine.begin() as c:
        for table in now.tables:
            table.drop(c)
        c.execute(view_projections.delete().where(view_projections.c.name == now.name, view_projections.c.version == now.version))
        tracking = s.projector.tracking.tracking_table
        c.execute(tracking.delete().where(tracking.c.application_name == f"{now.name}.v{now.version}"))
        missing = before.table_name(added)
        Table(missing, MetaData()).drop(c)
        c.execute(update(view_projections).where(view_projections.c.name == now.name, view_projections.c.version == before.version).values(
            tables=[t.name for t in before.tables if t.name != missing]))


def values(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows by table name without the version suffix (``view_proposals_v2`` → ``view_proposals``)."""
    return {re.sub(r"_v\d+$", "", name): r for name, r in rows.items()}


def fresh_rebuild(s: Services, projection: Projection) -> dict[str, list[tuple[Any, ...]]]:
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    try:
        ViewProjector(s.app.recorder, s.app.mapper, scratch, projections=[projection]).catch_up()
        return snapshot_rows(scratch, [projection])
    finally:
        scratch.dispose()


@pytest.fixture
def loaded_small(services: Services) -> Services:
    """The issue-3 scenario loaded, its views at the code's versions and up to date."""
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(services.app, SCENARIO)
    services.projector.catch_up()
    return services


def test_a_changed_version_is_built_from_the_log_and_switched_to(loaded_small: Services) -> None:
    s = loaded_small
    v2 = at_version(proposal_views, NEXT)
    head = int(s.app.recorder.max_notification_id() or 0)
    new_release = ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False, projections=release(v2))

    done = upgrade(new_release)

    assert done == [f"built proposals.v{NEXT} from {head} events", f"switched to proposals.v{NEXT}"]
    assert new_release.positions()[f"proposals.v{NEXT}"] == head
    known = states(s.projector.engine)
    assert (known[("proposals", NOW)], known[("proposals", NEXT)]) == (PREVIOUS, CURRENT)
    assert snapshot_rows(s.projector.engine, [v2]) == fresh_rebuild(s, v2)
    assert values(snapshot_rows(s.projector.engine, [v2])) == values(snapshot_rows(s.projector.engine, [proposal_views.projection]))


def test_the_previous_release_keeps_serving_and_projecting_while_the_new_version_is_built(loaded_small: Services) -> None:
    s = loaded_small
    v2 = at_version(proposal_views, NEXT)
    new_release = ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False, projections=release(v2))
    written: list[str] = []

    def meanwhile(_: int) -> None:
        # Between two batches of the build: the previous release saves a command and projects it.
        if not written:
            written.append(str(s.app.draft_proposal(
                actor=next(r["author_id"] for r in proposal_views.list_recommendations(s.projector.engine)), table="RT1",
                title="Escrita durante la actualización", problem="P", recommendation="R", rationale="F", objectives=[2],
                targets=["all governments of the region"], language="es",
            )))
            s.projector.catch_up()
            assert [r["title"] for r in proposal_views.list_recommendations(s.projector.engine) if r["id"] == written[0]] == ["Escrita durante la actualización"]

    upgrade(new_release, batch=5, progress=meanwhile)

    head = int(s.app.recorder.max_notification_id() or 0)
    assert written and s.projector.position() == new_release.positions()[f"proposals.v{NEXT}"] == head
    assert values(snapshot_rows(s.projector.engine, [v2])) == values(snapshot_rows(s.projector.engine, [proposal_views.projection]))
    assert snapshot_rows(s.projector.engine, [v2]) == fresh_rebuild(s, v2)


def test_a_second_change_drops_the_tables_two_versions_back(loaded_small: Services) -> None:
    s = loaded_small
    v2, v3 = at_version(settings_views, 2), at_version(settings_views, 3)
    upgrade(ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False, projections=release(v2)))

    done = upgrade(ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False, projections=release(v3)))

    tables = set(inspect(s.projector.engine).get_table_names())
    known = states(s.projector.engine)
    assert "dropped settings version 1 (view_settings)" in done
    assert ("view_settings" in tables, "view_settings_v2" in tables, "view_settings_v3" in tables) == (False, True, True)
    assert ((("settings", 1) in known), known[("settings", 2)], known[("settings", 3)]) == (False, PREVIOUS, CURRENT)
    assert snapshot_rows(s.projector.engine, [v3]) == fresh_rebuild(s, v3)


def test_a_starting_one_process_server_rebuilds_a_changed_version(loaded_small: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    s = loaded_small
    v2 = at_version(proposal_views, NEXT)
    monkeypatch.setattr(projections, "PROJECTIONS", release(v2))

    started = bootstrap(Config(database_url=s.config.database_url, master_key=s.config.master_key), clock=FixedClock(date(2026, 3, 27)))

    head = int(s.app.recorder.max_notification_id() or 0)
    assert started.upgrades == [f"built proposals.v{NEXT} from {head} events", f"switched to proposals.v{NEXT}"]
    assert started.projector.position() == head
    assert snapshot_rows(started.projector.engine) == {**fresh_rebuild(s, v2), **{
        k: v for k, v in snapshot_rows(s.projector.engine, PROJECTIONS).items() if not k.startswith(("view_proposals", "view_proposal_versions", "view_proposal_objectives", "view_amendments"))
    }}


def test_db_upgrade_rebuilds_a_changed_version_and_workers_refuse_to_start_before(
    loaded_small: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    s = loaded_small
    monkeypatch.setattr(projections, "PROJECTIONS", release(at_version(proposal_views, NEXT)))
    app: Flask = create_app({"DIALOGUE_DATABASE_URL": s.config.database_url, "DIALOGUE_MASTER_KEY": str(s.config.master_key), "SECRET_KEY": "test-secret-key-0123456789abcdef"})
    runner = app.test_cli_runner()

    with app.app_context(), pytest.raises(click.ClickException) as refused:
        require_initialised(config())  # what `dialogue serve` and `dialogue projections run` check first
    result = runner.invoke(args=["db", "upgrade"])
    with app.app_context():
        require_initialised(config())

    assert f"proposals.v{NEXT} (missing)" in refused.value.message and "run `dialogue db upgrade` first" in refused.value.message
    assert result.exit_code == 0, result.output
    assert f"switched to proposals.v{NEXT}" in result.output


def test_caught_up_projections_read_the_log_once_per_batch_in_one_transaction(services: Services) -> None:
    services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(services.app, SCENARIO)
    reads: list[int] = []
    source = services.app.recorder

    class CountingSource:
        def select_notifications(self, start: Any, limit: int, stop: Any = None, topics: Any = (), *, inclusive_of_start: bool = True) -> Any:
            notes = source.select_notifications(start, limit, stop=stop, topics=topics, inclusive_of_start=inclusive_of_start)
            reads.append(len(notes))
            return notes

        def max_notification_id(self) -> int | None:
            return source.max_notification_id()

    projector = ViewProjector(CountingSource(), services.app.mapper, services.projector.engine, create=False)
    transactions: list[int] = []
    original = projector.tracking.transaction

    def counted(commit: bool = False) -> Any:
        transactions.append(1)
        return original(commit=commit)

    projector.tracking.transaction = counted  # type: ignore[method-assign]
    head = int(source.max_notification_id() or 0)

    projector.catch_up(batch=1000)

    assert reads == [head, 0]
    assert len(transactions) == 1
    assert set(projector.positions().values()) == {head}


def test_going_back_to_the_previous_version_catches_it_up_and_switches_back(loaded_small: Services) -> None:
    s = loaded_small
    v2 = at_version(proposal_views, NEXT)
    upgrade(ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False, projections=release(v2)))
    new_release = ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False, projections=release(v2))
    author = next(r["author_id"] for r in proposal_views.list_recommendations(s.projector.engine))
    s.app.draft_proposal(actor=author, table="RT1", title="Después", problem="P", recommendation="R", rationale="F",
                         objectives=[2], targets=["all governments of the region"], language="es")
    new_release.catch_up(only=[v2])

    done = upgrade(ViewProjector(s.app.recorder, s.app.mapper, s.projector.engine, create=False))

    known = states(s.projector.engine)
    # Two events: the table numbers the draft (its reference), the proposal is drafted.
    assert done == [f"caught proposals.v{NOW} up by 2 events", f"switched to proposals.v{NOW}"]
    assert (known[("proposals", NOW)], known[("proposals", NEXT)]) == (CURRENT, PREVIOUS)
    assert snapshot_rows(s.projector.engine, [proposal_views.projection]) == fresh_rebuild(s, proposal_views.projection)
