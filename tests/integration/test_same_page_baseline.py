"""The pages' same-page baseline (:mod:`benchmarks.same_page`) answers the very HTML of the
service's pages, so that a page measured against it is compared with the same page: the board
(its first and second page, in two languages) and the page of every proposal of the 2026-Q1
scenario and of the rule scenarios that hold what 2026-Q1 lacks (a discussion with replies,
edits and hidden comments; amendments; indicators with measurements; inputs of open calls),
and a proposal revised into two pages of version history, each read by the public from a
real SQLite file.

Nothing is normalised before comparing: a public page carries no form token, no nonce and
no time other than the service's pinned date, so the two answers must be equal byte for byte.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from application.bootstrap import Services
from application.scenario import load_scenario
from benchmarks import same_page
from benchmarks.same_page import same_page_app
from tests.conftest import draft_sample_proposal, seed_members
from web.app import create_app

RULE_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
# Rule scenarios whose proposals show what the 2026-Q1 scenario's do not.
FOLDERS = ("discussion", "indicators", "issue-3-verbs", "open-participation", "author-amends-own-proposal")


def _clients(s: Services, clock: str) -> tuple[FlaskClient, FlaskClient]:
    """The service's web app (as deployed: page cache on) and the baseline's, on the database of ``s``."""
    config = {
        "DIALOGUE_DATABASE_URL": s.config.database_url, "DIALOGUE_MASTER_KEY": str(s.config.master_key), "DIALOGUE_CLOCK": clock,
        "SECRET_KEY": "test-secret-key-0123456789abcdef0123", "TESTING": True, "DIALOGUE_CREATE_TABLES": "no",
    }
    return create_app(config).test_client(), same_page_app(config).test_client()


def _differences(service: FlaskClient, baseline: FlaskClient, paths: list[str]) -> dict[str, str]:
    """The paths whose answers differ, each with the start of a line diff."""
    out = {}
    for path in paths:
        page, base = service.get(path), baseline.get(path)
        assert (page.status_code, base.status_code) == (200, 200), path
        a, b = page.get_data(as_text=True), base.get_data(as_text=True)
        if a != b:
            out[path] = "".join(list(difflib.unified_diff(a.splitlines(True), b.splitlines(True), n=0))[:12])
    return out


def _proposal_paths(s: Services) -> list[str]:
    with s.projector.engine.connect() as c:
        return [f"/proposals/{pid}" for pid in c.execute(text(f"SELECT id FROM {same_page.PROPOSALS} ORDER BY id")).scalars()]


def test_the_baselines_board_is_the_service_s_board(loaded: Services) -> None:
    service, baseline = _clients(loaded, "2026-03-27")

    assert "?page=2" in service.get("/").get_data(as_text=True)  # two pages: the pager's links are compared too
    assert _differences(service, baseline, ["/", "/?page=2", "/?lang=en", "/?lang=pt&page=2"]) == {}


def test_the_baselines_proposal_page_is_the_service_s_for_every_proposal_of_the_2026_q1_scenario(loaded: Services) -> None:
    service, baseline = _clients(loaded, "2026-03-27")
    paths = _proposal_paths(loaded)

    assert len(paths) == 35
    assert _differences(service, baseline, paths) == {}


def test_the_baselines_published_pages_are_the_service_s_under_a_signed_checkpoint(loaded: Services, tmp_path: Path) -> None:
    from application.tlog.keyfiles import write_key_pair
    from application.tlog.signing import sign_checkpoint

    checkpoint = sign_checkpoint(loaded.app.engine, write_key_pair(tmp_path / "log.key", "127.0.0.1:5000/log"))
    service, baseline = _clients(loaded, "2026-03-27")
    paths = _proposal_paths(loaded)
    under = [p for p in paths if f"tree size {checkpoint.head.size}" in service.get(f"{p}?lang=en").get_data(as_text=True)]

    assert under  # published recommendations whose provenance names the checkpoint
    assert _differences(service, baseline, [f"{p}?lang=en" for p in under]) == {}
    assert _differences(service, baseline, paths) == {}


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_baselines_proposal_pages_are_the_service_s_in_a_rule_scenario(sqlite_services: Services, folder: str) -> None:
    sqlite_services.app.clock.set(date(2026, 1, 1))  # type: ignore[attr-defined]
    load_scenario(sqlite_services.app, RULE_SCENARIOS / folder)
    sqlite_services.projector.catch_up()
    service, baseline = _clients(sqlite_services, "2026-03-27")
    paths = _proposal_paths(sqlite_services)

    assert paths
    assert _differences(service, baseline, ["/", *paths]) == {}


def test_the_baselines_page_of_a_long_version_history_is_the_service_s_on_each_page_of_it(sqlite_services: Services) -> None:
    app = sqlite_services.app
    author = seed_members(app)[0]
    pid = draft_sample_proposal(app, author)
    for n in range(1, 23):  # 23 versions: two pages of the history (20 a page)
        app.revise_proposal(pid, {"title": f"Safe pathways ({n})"}, actor=str(author), note=f"Revision {n}")
    sqlite_services.projector.catch_up()
    service, baseline = _clients(sqlite_services, "2026-03-27")
    path = f"/proposals/{pid}"

    assert f"{path}?versions=2" in service.get(path).get_data(as_text=True)
    assert _differences(service, baseline, [path, f"{path}?versions=2", f"{path}?versions=9&lang=fr"]) == {}


def test_a_board_read_differently_makes_the_pages_differ(loaded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    service, baseline = _clients(loaded, "2026-03-27")
    monkeypatch.setattr(same_page, "BOARD_STATUSES", ("draft",))  # the submitted proposals left out

    assert list(_differences(service, baseline, ["/"])) == ["/"]


def test_a_proposal_read_differently_makes_the_pages_differ(loaded: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    service, baseline = _clients(loaded, "2026-03-27")
    paths = _proposal_paths(loaded)[:3]
    no_versions = same_page._sql(  # the version history read as empty
        f"SELECT content_version, kind, effective_date, note FROM {same_page.VERSIONS} WHERE proposal_id = :id AND 1 = 0 "
        "ORDER BY content_version DESC LIMIT :limit OFFSET :offset", **same_page._json(dates=("effective_date",)),
    )
    monkeypatch.setattr(same_page, "VERSION_ROWS", no_versions)

    assert list(_differences(service, baseline, paths)) == paths


def test_the_baseline_refuses_to_stand_in_for_an_endpoint_the_service_does_not_have(monkeypatch: pytest.MonkeyPatch) -> None:
    original = same_page.create_app

    def renamed(config: dict[str, object]) -> object:
        app = original(config)
        app.view_functions["proposals.shown"] = app.view_functions.pop("proposals.show")
        return app

    monkeypatch.setattr(same_page, "create_app", renamed)

    with pytest.raises(LookupError, match="proposals.show"):
        same_page_app({"DIALOGUE_DATABASE_URL": "sqlite://", "SECRET_KEY": "test-secret-key-0123456789abcdef0123", "TESTING": True})

