"""The audit pages and their JSON: history, state at a point, text diffs, the log,
verification; personal data only to auditors; clear 404s (issue 5)."""

from __future__ import annotations

import html
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from application.audit import events_table
from application.bootstrap import Services
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from tests.e2e.web_support import act_as
from tests.integration.test_audit_tamper import build_log
from web import create_app

NAME = "Lucía Quispe Mamani"


def app_of(services: Services, clock: str = "2026-03-27") -> Flask:
    return create_app({
        "DIALOGUE_DATABASE_URL": services.config.database_url, "DIALOGUE_MASTER_KEY": services.config.master_key or "",
        "DIALOGUE_CLOCK": clock, "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    })


def client(services: Services, role: str = "public") -> FlaskClient:
    c = app_of(services).test_client()
    if role != "public":
        act_as(c, role)
    return c


def proposal_id(services: Services, reference: str) -> str:
    return next(str(r["id"]) for r in proposal_views.list_recommendations(services.projector.engine) if r["reference"] == reference)


def person(services: Services, name: str) -> str:
    return next(pid for pid, p in people_views.directory(services.projector.engine).items() if p["name"] == name)


def get_json(c: FlaskClient, url: str, status: int = 200) -> Any:
    r = c.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    return r.get_json()


# ---------------------------------------------------------------------------- history and state
def test_history_lists_every_event_with_type_version_times_and_actor(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")

    body = get_json(client(loaded), f"/audit/aggregates/{pid}.json")

    events = body["history"]["events"]
    assert body["history"]["type"] == "Proposal"
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "Drafted"
    assert "Adopted" in [e["type"] for e in events]
    assert all(e["recorded_at"].endswith("+00:00") and e["effective_date"] and e["actor"] for e in events)
    assert events[0]["data"]["reference"] == "prop-rt1-01"


def test_format_json_and_the_json_suffix_give_the_same_answer(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    c = client(loaded)
    assert get_json(c, f"/audit/aggregates/{pid}?format=json") == get_json(c, f"/audit/aggregates/{pid}.json")


def test_state_at_version_1_is_the_draft(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")

    body = get_json(client(loaded), f"/audit/aggregates/{pid}.json?version=1")

    assert body["state"]["version"] == 1
    assert body["state"]["state"]["status"] == "draft"
    assert body["state"]["latest_version"] > 1


def test_state_as_of_an_effective_date_replays_the_events_up_to_it(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    c = client(loaded)

    before = get_json(c, f"/audit/aggregates/{pid}.json?as_of=2026-01-26")["state"]
    on_the_day = get_json(c, f"/audit/aggregates/{pid}.json?as_of=2026-01-27")["state"]

    assert before["state"]["status"] == "on_agenda"
    assert on_the_day["state"]["status"] == "adopted"
    assert on_the_day["point"] == {"as_of": "2026-01-27"}


def test_state_at_a_recorded_instant_replays_what_was_recorded_by_then(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    c = client(loaded)
    events = get_json(c, f"/audit/aggregates/{pid}.json")["history"]["events"]

    body = get_json(c, f"/audit/aggregates/{pid}.json?at={events[2]['recorded_at'].replace('+00:00', 'Z')}")

    assert body["state"]["version"] == 3


def test_the_page_shows_the_state_and_the_history(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")

    html = client(loaded).get(f"/audit/aggregates/{pid}?version=2&lang=en").get_data(as_text=True)

    assert "State at version 2 of" in html
    assert "1. drafted" in html
    assert "after this point" in html


# ---------------------------------------------------------------------------- bad input
def test_a_version_past_the_end_is_404_with_a_clear_message(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    c = client(loaded)

    body = get_json(c, f"/audit/aggregates/{pid}.json?version=999", status=404)
    page = c.get(f"/audit/aggregates/{pid}?version=999&lang=en")

    assert body["code"] == "not_found"
    assert body["status"] == 404
    assert "there is no version 999" in body["message"]
    assert page.status_code == 404
    assert "there is no version 999" in page.get_data(as_text=True)


@pytest.mark.parametrize("bad_id", [str(uuid4()), "not-an-id"])
def test_an_unknown_aggregate_is_404_in_json_and_html(loaded: Services, bad_id: str) -> None:
    c = client(loaded)

    body = get_json(c, f"/audit/aggregates/{bad_id}.json", status=404)
    page = c.get(f"/audit/aggregates/{bad_id}?lang=en")

    assert body["message"].startswith("No aggregate with id")
    assert page.status_code == 404
    assert "No aggregate with id" in page.get_data(as_text=True)


def test_a_date_before_the_first_event_is_404(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    body = get_json(client(loaded), f"/audit/aggregates/{pid}.json?as_of=2025-12-31", status=404)
    assert "did not exist yet at 2025-12-31" in body["message"]


@pytest.mark.parametrize("query", ["version=two", "as_of=27/01/2026", "at=noon", "version=1&as_of=2026-01-27"])
def test_malformed_points_are_400(loaded: Services, query: str) -> None:
    pid = proposal_id(loaded, "prop-rt1-01")
    body = get_json(client(loaded), f"/audit/aggregates/{pid}.json?{query}", status=400)
    assert body["status"] == 400


# ---------------------------------------------------------------------------- personal data
def test_personal_fields_are_redacted_for_the_public_and_shown_to_auditors(loaded: Services) -> None:
    pid = person(loaded, NAME)

    public = get_json(client(loaded), f"/audit/aggregates/{pid}.json")
    auditor = get_json(client(loaded, "auditor"), f"/audit/aggregates/{pid}.json")

    assert NAME not in str(public)
    assert public["state"]["state"]["display_name"] == "[redacted]"
    assert public["history"]["events"][0]["data"]["gender"] == "[redacted]"
    assert auditor["state"]["state"]["display_name"] == NAME
    assert auditor["history"]["events"][0]["personal"] == "decrypted"


def test_an_erased_person_reads_as_erased_for_auditors_never_as_an_error(loaded: Services) -> None:
    pid = person(loaded, NAME)
    loaded.app.erase_participant(pid, command_id="test:erase")
    c = client(loaded, "auditor")

    latest = get_json(c, f"/audit/aggregates/{pid}.json")
    first = get_json(c, f"/audit/aggregates/{pid}.json?version=1")
    page = c.get(f"/audit/aggregates/{pid}")

    assert NAME not in str(latest) + str(first) + page.get_data(as_text=True)
    assert latest["history"]["events"][0]["personal"] == "erased"
    assert latest["history"]["events"][0]["data"]["display_name"] == "[erased]"
    assert latest["history"]["events"][-1]["type"] == "PersonalDataErased"
    assert first["state"]["state"]["display_name"] == "[erased]"
    assert page.status_code == 200


def test_who_took_which_position_is_hidden_from_the_public_in_a_session(loaded: Services) -> None:
    session_id = next(s["id"] for s in session_views.list_sessions(loaded.projector.engine) if s["table_code"] == "RT1")

    public = get_json(client(loaded), f"/audit/aggregates/{session_id}.json")
    auditor = get_json(client(loaded, "auditor"), f"/audit/aggregates/{session_id}.json")

    position = next(e for e in public["history"]["events"] if e["type"] == "PositionRecorded")
    item = next(iter(public["state"]["state"]["agenda"].values()))
    assert position["data"]["member"] == "[redacted]" and position["actor"] == "[redacted]"
    assert item["positions"] == "[redacted]"
    assert sum(item["position_counts"].values()) >= 5
    seen = next(e for e in auditor["history"]["events"] if e["type"] == "PositionRecorded")
    assert seen["data"]["member"] == seen["actor"] != "[redacted]"


# ---------------------------------------------------------------------------- diffs
REASON = "Responde a una demanda histórica de las organizaciones de base."  # p-41's, scenario step 177


def test_the_reason_given_for_a_position_is_hidden_from_the_public_in_a_session_s_history(loaded: Services) -> None:
    session_id = next(s["id"] for s in session_views.list_sessions(loaded.projector.engine) if s["reference"] == "ses-rt1-2026q1-1")

    public = get_json(client(loaded), f"/audit/aggregates/{session_id}.json")
    auditor = get_json(client(loaded, "auditor"), f"/audit/aggregates/{session_id}.json")

    def reasons(history: Any) -> set[str]:
        return {e["data"]["reason"] for e in history["history"]["events"] if e["type"] == "PositionRecorded"}

    assert (reasons(public), REASON in reasons(auditor)) == ({"[redacted]"}, True)
    assert REASON not in str(public)


def test_the_reason_given_for_a_position_is_hidden_from_the_public_in_the_log(loaded: Services) -> None:
    entries = get_json(client(loaded), "/audit/log.json?limit=500")["entries"]
    entries += get_json(client(loaded), "/audit/log.json?after=500&limit=500")["entries"]

    positions = [e for e in entries if e["type"] == "TableDeliberation.PositionRecorded"]
    assert len(positions) == 121
    assert {("reason" in e["data"], e["data"]["personal"].startswith("[encrypted: ")) for e in positions} == {(False, True)}
    assert REASON not in str(entries)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "the reason they gave"), ("es", "la razón que dio"), ("pt", "a razão que deu"), ("fr", "la raison donnée"),
])
def test_the_public_log_s_notice_says_that_the_reasons_given_for_positions_are_hidden(loaded: Services, lang: str, words: str) -> None:
    page = client(loaded).get(f"/audit/log?lang={lang}").get_data(as_text=True)
    notice = page.split('<p class="notice">', 1)[1].split("</p>", 1)[0]

    assert words in html.unescape(notice) and "[encrypted]" in notice


def test_the_auditor_s_log_holds_a_position_s_reason_sealed_never_in_plaintext(loaded: Services) -> None:
    entries = get_json(client(loaded, "auditor"), "/audit/log.json?limit=500")["entries"]
    entries += get_json(client(loaded, "auditor"), "/audit/log.json?after=500&limit=500")["entries"]

    positions = [e for e in entries if e["type"] == "TableDeliberation.PositionRecorded"]
    assert len(positions) == 121 and all("reason" not in e["data"] and e["data"]["member"] != "[redacted]" for e in positions)
    assert REASON not in str(entries)


def test_a_text_diff_between_two_versions_in_json_text_and_html(loaded: Services) -> None:
    pid = proposal_id(loaded, "prop-rt2-03")
    c = client(loaded)
    events = get_json(c, f"/audit/aggregates/{pid}.json")["history"]["events"]
    revised = next(e["version"] for e in events if e["type"] in ("Revised", "AmendmentAccepted"))

    body = get_json(c, f"/audit/aggregates/{pid}/diff?from=1&to={revised}&format=json")
    text = c.get(f"/audit/aggregates/{pid}/diff?from=1&to={revised}&format=text")
    html = c.get(f"/audit/aggregates/{pid}/diff?from=1&to={revised}").get_data(as_text=True)

    changed = [f for f in body["fields"] if f["changed"]]
    assert changed
    assert {op for f in changed for op, _ in f["ops"]} >= {"equal"}
    assert any(op in ("insert", "delete") for f in changed for op, _ in f["ops"])
    assert text.mimetype == "text/plain"
    assert f"@v{revised}" in text.get_data(as_text=True)
    assert "<ins>" in html or "<del>" in html


def test_a_diff_of_something_other_than_a_proposal_is_400(loaded: Services) -> None:
    body = get_json(client(loaded), f"/audit/aggregates/{person(loaded, NAME)}/diff?from=1&to=1&format=json", status=400)
    assert body["code"] == "not_a_proposal"


# ---------------------------------------------------------------------------- the log
def test_the_log_is_paged_with_positions_hashes_and_stored_data(loaded: Services) -> None:
    c = client(loaded)

    first = get_json(c, "/audit/log.json?limit=5")
    second = get_json(c, f"/audit/log.json?after={first['next_after']}&limit=5")

    assert [e["position"] for e in first["entries"]] == [1, 2, 3, 4, 5]
    assert [e["position"] for e in second["entries"]] == [6, 7, 8, 9, 10]
    assert all(len(e["hash"]) == 64 for e in first["entries"])
    assert first["entries"][0]["type"] == "WorkingTable.Registered"
    assert first["entries"][0]["data"]["code"] == "RT1"


def test_the_log_shows_encrypted_personal_data_as_a_marker_even_to_auditors(loaded: Services) -> None:
    c = client(loaded, "auditor")
    entries = get_json(c, "/audit/log.json?limit=500")["entries"]

    registered = [e for e in entries if e["type"] == "Participant.Registered"]

    assert registered
    assert all(e["data"]["personal"].startswith("[encrypted: ") for e in registered)
    assert NAME not in str(entries)


def test_the_log_page_renders(loaded: Services) -> None:
    html = client(loaded).get("/audit/log?after=10&limit=3&lang=en").get_data(as_text=True)
    assert "The log, from position 11" in html
    assert 'id="p13"' in html


# ---------------------------------------------------------------------------- index and verify, on each back end
def test_the_index_and_the_verification_on_each_backend(services: Services) -> None:
    head = build_log(services)
    c = client(services)

    index = c.get("/audit")
    verify = get_json(c, "/audit/verify.json")

    assert index.status_code == 200
    assert f"<dd>{head}</dd>" in index.get_data(as_text=True)
    assert verify["ok"] is True
    assert verify["count"] == head



def test_a_tampered_event_shows_as_unreadable_in_the_history_not_as_an_error(services: Services) -> None:
    build_log(services)
    with services.app.engine.begin() as c:
        oid = c.execute(select(events_table.c.originator_id).where(events_table.c.id == 2)).scalar_one()
        c.execute(update(events_table).where(events_table.c.id == 2).values(state=b"{not json"))

    body = get_json(client(services), f"/audit/aggregates/{oid}.json")
    page = client(services).get(f"/audit/aggregates/{oid}")

    assert body["state"] is None
    assert "dialogue audit verify" in body["state_error"]
    assert body["history"]["events"][0]["data"] == {"[unreadable]": "JSONDecodeError: the stored event does not read"}
    assert page.status_code == 200
    assert "the stored event does not read" in page.get_data(as_text=True)
