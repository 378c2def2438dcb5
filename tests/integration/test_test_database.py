"""Each test run works in a PostgreSQL database of its own, so two runs on one machine
never drop each other's tables."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, make_url, text

from tests import conftest


def test_the_run_uses_a_database_of_its_own_on_the_configured_server() -> None:
    if not conftest.SERVER_POSTGRES_URL:
        pytest.skip("PostgreSQL not configured (set DIALOGUE_TEST_POSTGRES_URL)")
    assert conftest.POSTGRES_URL is not None
    server, run = make_url(conftest.SERVER_POSTGRES_URL), make_url(conftest.POSTGRES_URL)
    assert run.database != server.database
    assert str(run.database).startswith("dialogue_test_")
    assert (run.host, run.port) == (server.host, server.port)
    engine = create_engine(run)
    with engine.connect() as c:
        assert c.execute(text("SELECT current_database()")).scalar() == run.database
    engine.dispose()
