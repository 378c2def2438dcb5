"""Issue 4: from the first event on, no personal data is stored in plaintext.

Names, genders, preferred languages and person–organisation links live only in each
Participant's own events, encrypted; other aggregates refer to people by id; the
participant directory (``view_participants``) is the one view that holds them.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from application.bootstrap import Services
from application.persistence import KEY_CHECK_PLAINTEXT, key_check_table
from domain.participant import PERSONAL_FIELDS
from projections import view_tables
from tests.integration.test_erasure import (
    PEOPLE,
    events_whose_state_holds,
    organisation_id,
    participant_id,
    rows_containing,
    rows_linking,
    sqlite_files,
)

PARTICIPANT_PLAIN_KEYS = {"originator_topic", "reference", "reason", "actor", "effective_date", "command_id", "class_version", "personal", "timestamp"}


def stored_states(services: Services) -> list[tuple[str, dict[str, Any]]]:
    with services.app.engine.connect() as c:
        rows = c.exec_driver_sql("SELECT topic, state FROM dialogue_events ORDER BY id").all()
    return [(topic, json.loads(bytes(state))) for topic, state in rows]


def leaves(value: Any) -> set[str]:
    """Every scalar value, at any depth, as text."""
    if isinstance(value, dict):
        return {x for v in value.values() for x in leaves(v)}
    if isinstance(value, list):
        return {x for v in value for x in leaves(v)}
    return {str(value)}


def keys_of(value: Any) -> set[str]:
    """Every dict key, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def test_no_stored_event_holds_a_participants_name(loaded: Services) -> None:
    found = {ref: events_whose_state_holds(loaded.app.engine, p["display_name"]) for ref, p in PEOPLE.items()}
    assert {ref: topics for ref, topics in found.items() if topics} == {}


def test_only_the_directory_view_holds_names(loaded: Services) -> None:
    found = {ref: rows_containing(loaded.app.engine, p["display_name"]) for ref, p in PEOPLE.items()}
    assert set(map(tuple, found.values())) == {("view_participants",)}


def test_only_the_directory_view_links_people_to_organisations(loaded: Services) -> None:
    found = {
        ref: rows_linking(loaded.app.engine, participant_id(ref), organisation_id(p["organisation_id"]))
        for ref, p in PEOPLE.items()
    }
    assert set(map(tuple, found.values())) == {("view_participants",)}


def test_participant_events_keep_only_pseudonymous_fields_in_plaintext(loaded: Services) -> None:
    participant_states = [(t, s) for t, s in stored_states(loaded) if t.startswith("domain.participant:")]
    registered = [s for t, s in participant_states if t.endswith(".Registered")]
    assert len(registered) == len(PEOPLE)
    assert all(set(s) <= PARTICIPANT_PLAIN_KEYS for _, s in participant_states)
    assert all("personal" in s for s in registered)


def test_no_other_event_carries_a_personal_field(loaded: Services) -> None:
    others = [(t, s) for t, s in stored_states(loaded) if not t.startswith("domain.participant:")]
    carrying = sorted({t for t, s in others if keys_of(s) & {*PERSONAL_FIELDS, "genders"}})
    assert len(others) > 500
    assert carrying == []


def test_an_election_stores_the_parity_outcome_and_versions_not_genders(loaded: Services) -> None:
    elections = [s for t, s in stored_states(loaded) if t.endswith("WorkingTable.RepresentativeElected")]
    genders = {p["gender"] for p in PEOPLE.values()}
    assert len(elections) == 8
    assert all(s["parity_check"] in ("passed", "not_applicable") and s["participant_versions"] for s in elections)
    assert [s for s in elections if genders & leaves(s)] == []


def test_only_the_directory_view_has_personal_columns(loaded: Services) -> None:
    personal = {"display_name", "gender", "organisation_id", "preferred_language"}
    tables = sorted(t.name for t in view_tables() if personal & set(t.c.keys()))
    assert tables == ["view_participants"]


def test_the_master_key_is_stored_nowhere_in_the_database(loaded: Services) -> None:
    key_text = loaded.config.master_key
    assert key_text is not None
    raw = base64.urlsafe_b64decode(key_text)
    path = Path(loaded.app.engine.url.database or "")
    assert rows_containing(loaded.app.engine, key_text) == []
    assert rows_containing(loaded.app.engine, raw) == []
    assert not [name for name, data in sqlite_files(path).items() if raw in data or key_text.encode() in data]


def test_the_key_check_record_is_a_sealed_constant(services: Services) -> None:
    services.keys.write_key_check()
    with services.app.engine.connect() as c:
        tokens = [bytes(t) for t in c.execute(select(key_check_table.c.token)).scalars()]
    assert len(tokens) == 1
    assert KEY_CHECK_PLAINTEXT not in tokens[0]
    assert len(tokens[0]) == 12 + len(KEY_CHECK_PLAINTEXT) + 16  # nonce, sealed constant, tag
    assert services.keys.verify_key_check() is True
