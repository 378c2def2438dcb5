"""Reads by id with an id that is not a UUID (a NUL byte, plain text), on SQLite and
PostgreSQL: the view queries answer None (nothing found), so the pages and the API answer
404, never 500 (PostgreSQL refuses a NUL byte in a text parameter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from application.bootstrap import Services
from projections import calls, discussion, elections, indicators, join_requests, proposals, sessions
from tests.e2e.web_support import make_app

NOT_IDS = ["\x00", "a\x00b", "not-a-uuid", ""]
READS: list[tuple[str, Callable[[Any, str], Any]]] = [
    ("proposal", proposals.get_proposal), ("session", sessions.get_session), ("call", calls.get_call),
    ("input", calls.get_input), ("comment", discussion.get_comment), ("election", elections.election),
    ("join request", join_requests.get_request), ("indicator", indicators.indicator),
]


@pytest.mark.parametrize(("what", "read"), READS, ids=[w for w, _ in READS])
def test_a_read_by_id_with_an_id_that_is_not_a_uuid_finds_nothing(services: Services, what: str, read: Callable[[Any, str], Any]) -> None:
    services.projector.catch_up()

    assert [read(services.projector.engine, bad) for bad in NOT_IDS] == [None] * len(NOT_IDS)


def test_the_lists_read_by_an_id_that_is_not_a_uuid_are_empty(services: Services) -> None:
    services.projector.catch_up()
    e = services.projector.engine

    found = [indicators.measurements(e, "\x00"), elections.candidacies(e, "\x00"), elections.ballots(e, "\x00"),
             sessions.agenda(e, "\x00"), calls.inputs_of_call(e, "\x00"), proposals.proposal_versions(e, "\x00")]

    assert found == [[], [], [], [], [], []]


@pytest.mark.parametrize("path", [
    "/elections/%00", "/elections/a%00b", "/indicators/%00.svg", "/indicators/abc.svg", "/proposals/%00", "/sessions/%00",
    "/calls/%00", "/api/v1/proposals/%00", "/api/v1/sessions/%00",
])
def test_a_page_or_api_route_with_an_id_that_is_not_a_uuid_is_404(services: Services, path: str) -> None:
    web = make_app(services.config.database_url, str(services.config.master_key))

    r = web.test_client().get(path)

    assert r.status_code == 404
