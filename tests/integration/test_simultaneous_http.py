"""People acting at the same moment through HTTP, each request to one of several gunicorn
worker processes, on a SQLite file and on PostgreSQL (issue 11, item 1): eight members state
their positions on one item at once and six seat holders vote on one round at once; every
request is answered with the redirect of success and every position and vote is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp
import pytest

from application.bootstrap import Services
from tests.concurrency_support import MEMBERS, SEATS, Crowd, build_crowd
from tests.integration.test_concurrency import PASSWORD, Browser, _up, free_port
from tests.integration.test_projection_worker import Child, cli_env, dialogue, wait_until


@contextmanager
def served(database_url: str, master_key: str, workers: int) -> Iterator[str]:
    """``dialogue serve`` with ``workers`` gunicorn workers on the database; its base URL."""
    port = free_port()
    env = cli_env(database_url, master_key) | {"DIALOGUE_SECRET_KEY": "test-secret-key-0123456789abcdef", "DIALOGUE_CLOCK": "2026-01-05", "DIALOGUE_INLINE_PROJECTION": "yes"}
    server = Child(dialogue("serve", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--no-access-log"), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _up(base), 90), server.lines
        yield base
        assert server.terminate() == 0, server.lines
    finally:
        server.kill()


def signed_in(services: Services, base: str, people: list[str], *, second_factor: bool = False) -> list[Browser]:
    """One browser per participant id, each signed in to an account of its own; with
    ``second_factor`` (representatives in term must use one) the account is enrolled first
    and signs in with one of its recovery codes."""
    browsers = []
    for n, pid in enumerate(people):
        email = f"person-{n}@tests.invalid"
        account = services.accounts.create_participant_account(pid, email, password=PASSWORD)
        recovery: list[str] = []
        if second_factor:
            secret = services.accounts.begin_enrolment(account.id).secret
            recovery = services.accounts.confirm_enrolment(account.id, pyotp.TOTP(secret).at(services.accounts.now()))
        b = Browser(base)
        assert b.sign_in(email, PASSWORD) == 302
        if second_factor:
            page = b.get("/login/code")
            assert b.post("/login/code", {"code": recovery[0], "csrf_token": Browser.field(page, "csrf_token")}) == 302
        browsers.append(b)
    return browsers


def post_at_once(requests: list[tuple[Browser, str, dict[str, Any]]]) -> list[int]:
    """Send every (browser, path, form) from a thread of its own, released together."""
    barrier = threading.Barrier(len(requests))
    statuses = [0] * len(requests)

    def send(i: int) -> None:
        browser, path, data = requests[i]
        barrier.wait(timeout=60)
        statuses[i] = browser.post(path, data)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def form_of(page: str) -> dict[str, str]:
    return {"csrf_token": Browser.field(page, "csrf_token"), "command_id": Browser.field(page, "command_id")}


@pytest.fixture
def crowd(services: Services) -> Crowd:
    c = build_crowd(services)
    services.projector.catch_up()
    return c


@pytest.mark.slow
def test_eight_members_stating_positions_at_once_through_eight_workers_are_all_stored(
    services: Services, crowd: Crowd, database_url: str, master_key: str, tmp_path: Path,
) -> None:
    positions = ["support", "object", "abstain", "support", "support", "object", "support", "abstain"]
    path = f"/sessions/{crowd.session}"
    with served(database_url, master_key, workers=MEMBERS) as base:
        browsers = signed_in(services, base, crowd.members)
        forms = [form_of(b.get(path)) for b in browsers]
        statuses = post_at_once([
            (b, f"{path}/positions", f | {"proposal_id": crowd.item, "position": p, "reason": f"razón {n}"})
            for n, (b, f, p) in enumerate(zip(browsers, forms, positions, strict=True))
        ])

    assert statuses == [302] * MEMBERS
    assert services.app.session(crowd.session).agenda[crowd.item]["positions"] == dict(zip(crowd.members, positions, strict=True))


@pytest.mark.slow
def test_six_seat_holders_voting_at_once_through_six_workers_are_all_stored(
    services: Services, crowd: Crowd, database_url: str, master_key: str, tmp_path: Path,
) -> None:
    votes = ["endorse", "endorse", "object", "endorse", "object", "endorse"]
    with served(database_url, master_key, workers=len(SEATS)) as base:
        browsers = signed_in(services, base, [crowd.holders[s] for s in SEATS], second_factor=True)
        forms = [form_of(b.get("/liaison")) for b in browsers]
        statuses = post_at_once([
            (b, "/liaison/votes", f | {"proposal_id": crowd.in_round, "seat": seat, "vote": v, "reason": ""})
            for b, f, seat, v in zip(browsers, forms, SEATS, votes, strict=True)
        ])

    assert statuses == [302] * len(SEATS)
    assert services.app.current_round(crowd.in_round).votes == dict(zip(SEATS, votes, strict=True))
