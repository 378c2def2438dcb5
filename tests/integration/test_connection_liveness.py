"""Pooled connections on PostgreSQL: one ended by the server between two commands does not
fail the next command (:mod:`application.liveness`: the socket looked at when a connection
leaves the pool, instead of ``pool_pre_ping``'s round trip); one lent for a read without a
transaction (:mod:`projections.reads`) comes back to the pool as it was."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing import persistence as es_errors
from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.datastore import transactions as library_transactions
from sqlalchemy import create_engine, event, text

from application.bootstrap import Config, bootstrap
from application.clock import FixedClock
from application.liveness import socket_quiet
from application.persistence import get_engine
from projections.proposal_marks import marks_of
from projections.proposals import get_proposal
from projections.reads import reader
from tests.conftest import draft_sample_proposal, fresh_postgres, seed_members


def _end_every_other_connection(url: str) -> int:
    """End every connection to the database of ``url`` but this one, waiting (up to 5 s)
    for each to be gone; returns how many were ended."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            return len(c.execute(text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).all())
    finally:
        admin.dispose()


def test_a_connection_ended_by_the_server_is_replaced_and_the_next_command_succeeds(master_key: str, clock: FixedClock) -> None:
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=master_key, inline_projection=True), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    assert _end_every_other_connection(url) >= 1  # the pool's idle connections, ended
    s.app.revise_proposal(pid, {"title": "After the server ended the connection"}, actor=str(author))
    s.wait_for_views()
    assert get_proposal(s.projector.engine, str(pid))["title"] == "After the server ended the connection"  # type: ignore[index]


def test_an_ended_connection_has_something_to_read_and_a_live_idle_one_nothing(master_key: str, clock: FixedClock) -> None:
    url = fresh_postgres()
    engine = get_engine(url)
    with engine.connect() as c:
        c.execute(text("SELECT 1"))
        c.rollback()
        raw: Any = c.connection.dbapi_connection
        assert socket_quiet(raw)
        _end_every_other_connection(url)
        assert not socket_quiet(raw)
        c.invalidate()


def test_a_quiet_connection_is_not_pinged(master_key: str, clock: FixedClock) -> None:
    url = fresh_postgres()
    engine = get_engine(url)
    pings: list[object] = []
    with engine.connect() as c:
        c.execute(text("SELECT 1"))
    original = engine.dialect.do_ping

    def counting_ping(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return bool(original(dbapi_connection))

    engine.dialect.do_ping = counting_ping  # type: ignore[method-assign]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with engine.connect() as c:
            assert c.execute(text("SELECT 2")).scalar() == 2
    finally:
        del engine.dialect.do_ping
    assert pings == []
    assert statements == ["SELECT 2"]


def test_a_read_without_transaction_leaves_its_connection_transactional_for_the_next_user(master_key: str, clock: FixedClock) -> None:
    """A connection lent to :func:`projections.reads.reader` (autocommit) goes back to the
    pool as it was: the next user's writes are in a transaction, undone by a rollback."""
    url = fresh_postgres()
    engine = get_engine(url)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE lent (n INTEGER)"))
    with reader(engine).connect() as c:
        assert c.execute(text("SELECT count(*) FROM lent")).scalar() == 0
        lent = c.connection.dbapi_connection
        assert lent is not None and lent.autocommit
    with engine.connect() as c:
        assert c.connection.dbapi_connection is lent  # the same connection, back from the pool
        assert not lent.autocommit
        c.execute(text("INSERT INTO lent VALUES (1)"))
        c.rollback()
        assert c.execute(text("SELECT count(*) FROM lent")).scalar() == 0


def test_an_aggregate_read_inside_a_transaction_of_the_recorder_sees_its_uncommitted_events(master_key: str, clock: FixedClock) -> None:
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=master_key, inline_projection=False), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    recorder = s.app.dialogue_recorder
    stored = recorder.select_events(pid)
    with recorder.transaction(commit=False) as session:
        recorder._store(session, [StoredEvent(pid, len(stored) + 1, stored[-1].topic, stored[-1].state)])
        assert [e.originator_version for e in recorder.select_events(pid)] == [*range(1, len(stored) + 2)]
    assert len(recorder.select_events(pid)) == len(stored)  # rolled back, and read outside it


def test_the_log_read_without_a_transaction_leaves_none_open_and_inside_one_reads_through_it(master_key: str, clock: FixedClock) -> None:
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=master_key, inline_projection=False), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    recorder = s.app.dialogue_recorder
    last = recorder.select_notifications(None, 1000)[-1]
    assert library_transactions.get(None) is None  # nothing left open in this context
    with recorder.transaction(commit=False) as session:
        recorder._store(session, [StoredEvent(pid, last.originator_version + 1, last.topic, last.state)])
        inside = recorder.select_notifications(last.id, 10, inclusive_of_start=False)
        assert [n.originator_version for n in inside] == [last.originator_version + 1]
    assert recorder.select_notifications(last.id, 10, inclusive_of_start=False) == []  # rolled back
    s.app.revise_proposal(pid, {"title": "Saved after the reads"}, actor=str(author))
    assert recorder.select_notifications(last.id, 10, inclusive_of_start=False)[-1].id == s.app.last_position


# ------------------------------------------------------------------ a read made again once
def _dead_pool_passing_the_check(url: str, monkeypatch: Any) -> list[bool]:
    """End every pooled connection of ``url`` server-side and make the check at checkout
    pass on them (as when the server ends one an instant after its socket was looked at);
    returns the list that every database error of the engine appends its ``is_disconnect`` to."""
    engine = get_engine(url)
    engine.dispose()  # a new pool holding one connection, the one ended
    with engine.connect() as c:
        c.execute(text("SELECT 1"))
    errors: list[bool] = []
    event.listen(engine, "handle_error", lambda context: errors.append(context.is_disconnect))
    assert _end_every_other_connection(url) == 1
    monkeypatch.setattr("application.liveness.socket_quiet", lambda _connection: True)
    return errors


def test_each_read_without_a_transaction_on_a_connection_ended_after_the_check_is_made_again_once(
    master_key: str, clock: FixedClock, monkeypatch: Any,
) -> None:
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=master_key, inline_projection=True), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    recorder = s.app.dialogue_recorder
    versions = len(recorder.select_events(pid))
    staff = s.accounts.create_staff_account("secretariat-reads@tests.invalid", "secretariat").id
    session = s.accounts.start_session(staff, "test")
    _token, secret = s.accounts.create_token(staff, "reads", "read")
    last = recorder.select_notifications(None, 1000)[-1].id
    marks = marks_of(s.projector.engine, str(pid))
    reads = {
        "an aggregate's events": lambda: len(recorder.select_events(pid)),
        "the log": lambda: recorder.select_notifications(None, 1000)[-1].id,
        "the command id and key": lambda: s.app._applied_and_holds_key("cmd:never-sent", str(author)),
        "the views' positions": lambda: min(s.projector.positions().values()),
        "whether a command was applied": lambda: s.app.command_applied("cmd:never-sent"),
        "a command's position": lambda: s.app.command_position("cmd:never-sent"),
        "a session's account": lambda: (s.accounts.session_account(session) or ("", ""))[0],
        "an account": lambda: s.accounts.get(staff).id,  # type: ignore[union-attr]
        "an API token's account": lambda: s.accounts.token_account(secret).account_id,  # type: ignore[union-attr]
        "a proposal's marks": lambda: marks_of(s.projector.engine, str(pid)),
    }
    expected = {
        "an aggregate's events": versions, "the log": last, "the command id and key": (False, True), "the views' positions": last,
        "whether a command was applied": False, "a command's position": 0,
        "a session's account": staff, "an account": staff, "an API token's account": staff, "a proposal's marks": marks,
    }
    for name, read in reads.items():
        errors = _dead_pool_passing_the_check(url, monkeypatch)
        assert read() == expected[name], name
        assert errors == [True], name  # one disconnect met, then one read that succeeded
        monkeypatch.undo()


def test_a_read_inside_a_transaction_on_a_connection_ended_after_the_check_is_not_made_again(
    master_key: str, clock: FixedClock, monkeypatch: Any,
) -> None:
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=master_key, inline_projection=False), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    recorder = s.app.dialogue_recorder
    errors = _dead_pool_passing_the_check(url, monkeypatch)
    with pytest.raises(es_errors.OperationalError), recorder.transaction(commit=False):
        recorder.select_events(pid)
    assert errors == [True]


def test_a_write_on_a_connection_ended_after_the_check_is_not_made_again(master_key: str, clock: FixedClock, monkeypatch: Any) -> None:
    url = fresh_postgres()
    s = bootstrap(Config(database_url=url, master_key=master_key, inline_projection=False), clock=clock)
    author = seed_members(s.app)[0]
    pid = draft_sample_proposal(s.app, author)
    recorder = s.app.dialogue_recorder
    stored = recorder.select_events(pid)
    errors = _dead_pool_passing_the_check(url, monkeypatch)
    with pytest.raises(es_errors.OperationalError):
        recorder.insert_events([StoredEvent(pid, len(stored) + 1, stored[-1].topic, stored[-1].state)])
    assert errors == [True]
    monkeypatch.undo()
    assert len(recorder.select_events(pid)) == len(stored)  # nothing stored, and no second try


# ------------------------------------------------------------------ a page's reads made again once
def _board_app(url: str, master_key: str) -> Any:
    from tests.e2e.web_support import make_app

    app = make_app(url, master_key)
    with app.app_context():
        from web import services as web_services

        s = web_services()
        author = seed_members(s.app)[0]
        draft_sample_proposal(s.app, author)
    return app


def test_the_board_read_on_a_connection_ended_after_the_check_answers_200(master_key: str, monkeypatch: Any) -> None:
    """The page's once-per-request reads (the views' and the log's positions,
    :mod:`web.positions`) are made again on a new connection: no 500."""
    url = fresh_postgres()
    app = _board_app(url, master_key)
    errors = _dead_pool_passing_the_check(url, monkeypatch)
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert errors == [True]


def test_a_signed_in_page_read_on_a_connection_ended_after_the_check_answers_200(master_key: str, monkeypatch: Any) -> None:
    """The session's and the account's reads of a signed-in request (:mod:`web.identity`) are
    made again on a new connection: no 500, and still signed in."""
    from tests.e2e.web_support import account_for, sign_in_as

    url = fresh_postgres()
    app = _board_app(url, master_key)
    client = app.test_client()
    sign_in_as(client, account_for(app, "secretariat"))
    assert client.get("/account").status_code == 200
    errors = _dead_pool_passing_the_check(url, monkeypatch)
    response = client.get("/account")
    assert response.status_code == 200
    assert errors == [True]
