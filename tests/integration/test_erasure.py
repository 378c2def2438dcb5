"""Issue 4, "Done when": erasing p-12 (co-author, amender, positions, endorsements, elected
representative) leaves no copy of their name or organisation link anywhere, while the
chain verifies, every view rebuilds to the live rows and their co-authored proposals remain.

The scenario is loaded and p-12 erased once per back end (module fixture); each test
checks one consequence. On SQLite the raw database files are scanned after the erase
command's WAL checkpoint; on PostgreSQL every table's pages (``pageinspect``) after its
``VACUUM (FULL)``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, create_engine, insert, inspect, select, text
from sqlalchemy.pool import StaticPool

from application import privacy
from application.audit import AuditReader, verify_log
from application.bootstrap import Config, Services, bootstrap
from application.chain import GENESIS, link
from application.clock import FixedClock
from application.persistence import chain_table, dispose_engines, generate_master_key, keys_table
from application.scenario import load_scenario
from application.tables import api_requests
from domain.ids import scenario_id, scenario_namespace
from domain.participant import pseudonym
from projections import people as people_views
from projections import proposals as proposal_views
from projections.runner import ViewProjector, snapshot_rows
from tests.conftest import BACKENDS, SCENARIO, fresh_postgres

NS = scenario_namespace("2026-Q1")
PEOPLE = {p["id"]: p for p in json.loads((SCENARIO / "participants.json").read_text("utf-8"))}
# The reasons p-12 gave for their three positions (political opinions, sealed with their key).
REASONS = [
    s["reason"] for s in json.loads((SCENARIO / "quarter.json").read_text("utf-8"))["steps"]
    if s.get("verb") == "record_position" and s.get("member") == "p-12"
]


def participant_id(ref: str) -> UUID:
    return scenario_id(NS, "participant", ref)


def organisation_id(ref: str) -> UUID:
    return scenario_id(NS, "organisation", ref)


# ---------------------------------------------------------------------------- scanning helpers
def needles(value: str) -> list[bytes]:
    """The byte forms a text value can take in storage: UTF-8 and JSON-escaped."""
    forms = {value.encode("utf-8"), json.dumps(value)[1:-1].encode("utf-8")}
    return sorted(forms)


def table_rows(engine: Engine) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every row of every table of the database, as the driver returns it (no type
    conversion), as (table name, row)."""
    names = inspect(engine).get_table_names()
    with engine.connect() as c:
        for name in names:
            for row in c.exec_driver_sql(f'SELECT * FROM "{name}"'):
                yield name, tuple(row)


def row_text(row: tuple[Any, ...]) -> bytes:
    """A row as bytes: bytes kept as they are, everything else as its UTF-8 text."""
    parts = []
    for v in row:
        if isinstance(v, bytes | bytearray | memoryview):
            parts.append(bytes(v))
        else:
            parts.append(str(v).encode("utf-8"))
    return b"\x1f".join(parts)


def rows_containing(engine: Engine, value: str | bytes) -> list[str]:
    """Names of the tables with a row holding ``value`` (text in any stored form, or bytes)."""
    forms = [value] if isinstance(value, bytes) else needles(value)
    return sorted({name for name, row in table_rows(engine) if any(f in row_text(row) for f in forms)})


def rows_linking(engine: Engine, participant: UUID, organisation: UUID) -> list[str]:
    """Tables with a row naming both the participant (id or reference) and the organisation."""
    org = [str(organisation).encode(), organisation.hex.encode(), organisation.bytes]
    person = [str(participant).encode(), participant.hex.encode(), participant.bytes]
    return sorted({
        name for name, row in table_rows(engine)
        if any(o in row_text(row) for o in org) and any(p in row_text(row) for p in person)
    })


def sqlite_files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()}


def sqlite_pages_holding(path: Path, needle: bytes) -> set[str]:
    """The tables/indexes (``dbstat``) whose pages of the database file hold ``needle``;
    ``freelist`` for a page that belongs to none."""
    data = path.read_bytes()
    with sqlite3.connect(path) as c:
        page_size = c.execute("PRAGMA page_size").fetchone()[0]
        owner = dict((pageno, name) for name, pageno in c.execute("SELECT name, pageno FROM dbstat"))
    found, start = set(), 0
    while (i := data.find(needle, start)) >= 0:
        found.add(owner.get(i // page_size + 1, "freelist"))
        start = i + 1
    return found


def postgres_pages_holding(engine: Engine, needle: bytes) -> list[str]:
    """Relations of the public schema (tables, their TOAST and indexes) with a page holding
    ``needle``, read raw with ``pageinspect`` (dead row versions included)."""
    found = []
    with engine.connect() as c:
        rels = c.execute(text(
            "SELECT c.oid::regclass::text, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE (n.nspname = 'public' AND c.relkind IN ('r', 'i')) OR c.oid IN ("
            "  SELECT reltoastrelid FROM pg_class t JOIN pg_namespace tn ON tn.oid = t.relnamespace "
            "  WHERE tn.nspname = 'public' AND t.reltoastrelid <> 0)"
        )).all()
        for name, _kind in rels:
            pages = c.execute(text("SELECT pg_relation_size(CAST(:r AS regclass)) / current_setting('block_size')::int"), {"r": name}).scalar()
            for n in range(int(pages or 0)):
                page = c.execute(text("SELECT get_raw_page(:r, 'main', :n)"), {"r": name, "n": n}).scalar_one()
                if needle in bytes(page):
                    found.append(name)
                    break
    return sorted(found)


def recomputed_chain_matches(services: Services) -> bool:
    """Recompute the hash chain over the stored events (``application.chain.link``) and
    compare it with ``dialogue_chain``, position by position."""
    with services.app.engine.connect() as c:
        stored = {p: h for p, h in c.execute(select(chain_table.c.position, chain_table.c.hash))}
    previous, count, start = GENESIS, 0, None
    while batch := services.app.recorder.select_notifications(start, 500, inclusive_of_start=False):
        for n in batch:
            previous = link(previous, n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
            if stored.get(n.id) != previous.hex():
                return False
            count += 1
        start = batch[-1].id
    return count == len(stored) > 0


def events_whose_state_holds(engine: Engine, value: str) -> list[str]:
    """Topics of the stored events whose state (the JSON bytes) holds ``value``."""
    with engine.connect() as c:
        rows = c.exec_driver_sql("SELECT topic, state FROM dialogue_events").all()
    return sorted({topic for topic, state in rows if any(f in bytes(state) for f in needles(value))})


def keep_api_answers_naming(s: Services, pid: UUID, name: str) -> None:
    """Answers of idempotent API writes that another person's account kept
    (``dialogue_api_requests``) naming p-12, as the API writes them (JSON escaped) and not."""
    account = s.accounts.create_participant_account(str(participant_id("p-01")), "p-01@tests.invalid")
    now = datetime.now(UTC)
    with s.app.engine.begin() as c:
        for key, ascii_only in (("named-escaped", True), ("named-plain", False)):
            body = json.dumps({"authors": [{"id": str(pid), "name": name}]}, ensure_ascii=ascii_only)
            c.execute(insert(api_requests).values(
                account_id=account.id, key=key, request_hash="0" * 64, status=200, body=body, headers="{}", created_at=now,
            ))


# ---------------------------------------------------------------------------- the erased world
@dataclass
class World:
    backend: str
    services: Services
    report: privacy.ErasureReport
    pid: UUID
    org: UUID
    name: str
    wrapped_key: bytes
    stats_before: dict[str, Any]
    co_authored_before: set[str]
    name_stored_before: bool
    sqlite_path: Path | None
    reasons_viewed_before: list[list[str]]

    @property
    def engine(self) -> Engine:
        return self.services.app.engine


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The 2026-Q1 scenario loaded, then p-12 erased with the erase command's function."""
    path: Path | None = None
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("erasure") / "dialogue.sqlite"
        url = f"sqlite:///{path}"
    else:
        url = fresh_postgres()
    clock = FixedClock(date(2026, 1, 1))
    s = bootstrap(Config(database_url=url, master_key=generate_master_key(), inline_projection=False), clock=clock)
    report = load_scenario(s.app, SCENARIO)
    assert report.unexpected_refusals == []
    s.projector.catch_up()
    pid, org, name = participant_id("p-12"), organisation_id("org-12"), PEOPLE["p-12"]["display_name"]
    with s.app.engine.connect() as c:
        wrapped = bytes(c.execute(select(keys_table.c.wrapped_key).where(keys_table.c.participant_id == str(pid))).scalar_one())
    co_authored = {r["reference"] for r in proposal_views.list_recommendations(s.projector.engine) if str(pid) in r["co_author_ids"]}
    stats_before = people_views.participation(s.projector.engine)
    reasons_before = [rows_containing(s.projector.engine, r) for r in REASONS]
    if path is not None:
        privacy.scrub_storage(s)
        name_before = any(f in b for b in sqlite_files(path).values() for f in needles(name))
    else:
        with s.app.engine.begin() as c:
            c.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        name_before = postgres_pages_holding(s.app.engine, name.encode()) == ["view_participants"]
    keep_api_answers_naming(s, pid, name)
    clock.set(date(2026, 3, 27))
    erased = privacy.erase(s, "p-12", reason="request of the person")
    yield World(request.param, s, erased, pid, org, name, wrapped, stats_before, co_authored, name_before, path, reasons_before)
    dispose_engines()


# ---------------------------------------------------------------------------- the erasure itself
def test_erasure_vacates_the_seat_and_erases_in_one_command(world: World) -> None:
    log = world.services.app.recorder.select_notifications(world.report.position - 3, 4)
    assert world.report.vacated_seats == ["LT-RT1-B"]
    assert [n.topic for n in log] == [  # p-12's memberships of RT1 and RT3 end too
        "domain.working_table:WorkingTable.SeatVacated", "domain.working_table:WorkingTable.MemberLeft",
        "domain.working_table:WorkingTable.MemberLeft", "domain.participant:Participant.PersonalDataErased",
    ]
    assert world.services.app.command_position(world.report.command_id) == log[-1].id == world.report.position


def test_the_erased_participants_key_is_deleted(world: World) -> None:
    assert world.services.keys.get(str(world.pid)) is None
    assert len(world.services.keys.wrapped_keys()) == len(PEOPLE) - 1


def test_the_participant_reads_redacted_never_an_error(world: World) -> None:
    p = world.services.app.participant(world.pid)
    assert (p.erased, p.reference, p.display_name, p.organisation_id, p.gender) == (True, "p-12", None, None, None)


# ---------------------------------------------------------------------------- no copy left
def test_no_table_holds_the_erased_name(world: World) -> None:
    assert world.name_stored_before  # the scans below can find it
    assert rows_containing(world.engine, world.name) == []


def test_no_table_links_the_person_to_their_organisation(world: World) -> None:
    assert rows_linking(world.engine, world.pid, world.org) == []
    assert events_whose_state_holds(world.engine, str(world.org)) == []
    assert set(rows_containing(world.engine, str(world.org))) <= {"view_organisations", "dialogue_events"}


def test_no_table_holds_the_reasons_the_erased_member_gave_for_positions(world: World) -> None:
    assert len(REASONS) == 3 and world.reasons_viewed_before == [["view_positions"]] * 3  # the scan can find them
    assert [rows_containing(world.engine, r) for r in REASONS] == [[], [], []]


def test_a_rebuild_does_not_bring_the_erased_member_s_reasons_back(world: World) -> None:
    s = world.services
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    ViewProjector(s.app.recorder, s.app.mapper, scratch).catch_up()
    assert [rows_containing(scratch, r) for r in REASONS] == [[], [], []]


def test_the_export_and_the_histories_hold_no_reason_of_the_erased_member(world: World) -> None:
    s = world.services
    export = privacy.export_participant(s.app, s.projector.engine, world.pid)
    sessions = {p["session_id"] for p in export["positions"]}
    histories = [AuditReader(s.app).history(sid, reveal_personal=True) for sid in sessions]
    reasons_shown = [e.data["reason"] for h in histories for e in h.events if e.type == "PositionRecorded" and e.data["member"] == str(world.pid)]
    dumped = json.dumps([export, [e.as_dict() for h in histories for e in h.events]], ensure_ascii=False, default=str)
    assert ([p["reason"] for p in export["positions"]], reasons_shown) == (["", "", ""], ["[erased]"] * 3)
    assert [r for r in REASONS if r in dumped] == []


def test_no_table_holds_the_deleted_key(world: World) -> None:
    assert rows_containing(world.engine, world.wrapped_key) == []


def test_sqlite_files_hold_no_copy_after_the_checkpoint(world: World) -> None:
    if world.sqlite_path is None:
        pytest.skip("SQLite files only")
    files = sqlite_files(world.sqlite_path)
    assert files.get(f"{world.sqlite_path.name}-wal", b"") == b""  # checkpointed and truncated
    hits = [(n, f) for n, data in files.items() for f in [*needles(world.name), *(f for r in REASONS for f in needles(r)), world.wrapped_key] if f in data]
    assert hits == []
    # The organisation's id remains only where the organisation itself is stored.
    assert sqlite_pages_holding(world.sqlite_path, str(world.org).encode()) <= {"view_organisations", "sqlite_autoindex_view_organisations_1"}
    assert sqlite_pages_holding(world.sqlite_path, world.org.bytes) <= {"dialogue_events", "dialogue_events_aggregate_idx"}


def test_postgres_pages_hold_no_copy_after_vacuum(world: World) -> None:
    if world.sqlite_path is not None:
        pytest.skip("PostgreSQL pages only")
    if not world.report.storage_scrubbed:
        # A transaction of another run on the server held old row versions (it is named):
        # the scrub run again once it ended must remove them (docs/privacy.md).
        assert world.report.held_by
        assert privacy.scrub_storage(world.services, wait=60.0).complete
    assert postgres_pages_holding(world.engine, world.name.encode()) == []
    assert postgres_pages_holding(world.engine, world.wrapped_key) == []
    assert [postgres_pages_holding(world.engine, r.encode()) for r in REASONS] == [[], [], []]


# ---------------------------------------------------------------------------- history stays intact
def test_the_hash_chain_still_verifies(world: World) -> None:
    assert recomputed_chain_matches(world.services)


def test_every_view_rebuilds_to_the_live_rows(world: World) -> None:
    s = world.services
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    ViewProjector(s.app.recorder, s.app.mapper, scratch).catch_up(until=s.projector.position())
    assert snapshot_rows(scratch) == snapshot_rows(s.projector.engine)


def test_a_rebuild_does_not_bring_the_name_back(world: World) -> None:
    s = world.services
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    ViewProjector(s.app.recorder, s.app.mapper, scratch).catch_up()
    assert rows_containing(scratch, world.name) == []
    assert people_views.directory(scratch)[str(world.pid)] == {"reference": "p-12", "name": pseudonym(world.pid), "erased": True}


def test_co_authored_proposals_remain_with_the_pseudonym(world: World) -> None:
    engine = world.services.projector.engine
    co_authored = {r["reference"] for r in proposal_views.list_recommendations(engine) if str(world.pid) in r["co_author_ids"]}
    assert co_authored == world.co_authored_before
    assert co_authored  # p-12 co-authored at least one proposal
    assert people_views.directory(engine)[str(world.pid)]["name"] == pseudonym(world.pid) == world.report.pseudonym


def test_positions_votes_and_terms_stay_by_id(world: World) -> None:
    engine = world.services.projector.engine
    export = privacy.export_participant(world.services.app, engine, world.pid)
    assert len(export["positions"]) == 3
    assert len(export["endorsement_votes"]) == 13
    assert [(t["seat"], t["vacated_on"]) for t in export["terms"]] == [("LT-RT1-B", "2026-03-27")]
    assert export["details"] == {"display_name": None, "organisation_id": None, "gender": None, "preferred_language": None}


def test_statistics_stop_counting_the_erased_persons_attributes(world: World) -> None:
    after = people_views.participation(world.services.projector.engine)
    man_before = next(c["count"] for c in world.stats_before["dimensions"]["gender"] if c["value"] == "man")
    man_after = next(c["count"] for c in after["dimensions"]["gender"] if c["value"] == "man")
    assert (world.stats_before["total"], after["total"]) == (60, 59)
    assert (man_before, man_after) == (25, 24)


def test_audit_verify_passes_after_the_erasure(world: World) -> None:
    assert verify_log(world.engine).ok


def test_the_history_shows_the_erased_fields_as_erased_even_to_auditors(world: World) -> None:
    history = AuditReader(world.services.app).history(world.pid, reveal_personal=True)
    assert [e.personal for e in history.events if e.topic.endswith(".Registered")] == ["erased"]
    assert world.name not in json.dumps([e.as_dict() for e in history.events], ensure_ascii=False, default=str)
