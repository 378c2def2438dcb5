"""The event log, aggregates' history and "what waits for me" through the JSON API (issue
13): the exact stored bytes for auditors' tokens, redacted public entries otherwise, the
state at a version or a date, and the person's own list."""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask

from application.audit.log import read_log
from application.bootstrap import Services
from projections import proposals as proposal_views
from tests.e2e.web_support import app_services, make_app, participant_id


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def staff_token(app: Flask, role: str) -> dict[str, str]:
    s = app_services(app)
    account = s.accounts.create_staff_account(f"{role}@tests.invalid", role)
    return {"Authorization": f"Bearer {s.accounts.create_token(account.id, 'audit', 'read')[1]}"}


def member_token(app: Flask, reference: str = "p-01") -> dict[str, str]:
    s = app_services(app)
    pid = participant_id(app, reference)
    account = s.accounts.of_participant(pid) or s.accounts.create_participant_account(pid, f"{reference}@tests.invalid")
    return {"Authorization": f"Bearer {s.accounts.create_token(account.id, 'me', 'read')[1]}"}


def test_an_auditor_reads_the_exact_stored_bytes_of_each_event(app: Flask, loaded: Services) -> None:
    r = app.test_client().get("/api/v1/log?after=0&limit=5", headers=staff_token(app, "auditor"))

    entries = r.get_json()
    stored = {rec.position: rec.state for rec in read_log(loaded.app.engine, after=0, limit=5)}
    assert r.status_code == 200 and len(entries) == 5
    assert all(base64.b64decode(e["stored"]) == stored[e["position"]] for e in entries)


def test_the_public_reads_redacted_entries_without_the_stored_bytes_of_what_is_redacted(app: Flask) -> None:
    entries = app.test_client().get("/api/v1/log?limit=500").get_json()

    hidden = [e for e in entries if e["type"] in ("Participant.Registered", "TableDeliberation.PositionRecorded")]
    assert hidden and all("stored" not in e for e in hidden)
    positions = [e for e in entries if e["type"] == "TableDeliberation.PositionRecorded"]
    assert positions and all(e["data"]["member"] == "[redacted]" for e in positions)


def test_the_public_reads_no_reason_given_for_a_position(app: Flask) -> None:
    entries = app.test_client().get("/api/v1/log?limit=500").get_json()

    # The reason is sealed with the member's key: the log holds only its ciphertext's marker.
    positions = [e for e in entries if e["type"] == "TableDeliberation.PositionRecorded"]
    assert positions and {("reason" in e["data"], e["data"]["personal"].startswith("[encrypted: ")) for e in positions} == {(False, True)}


@pytest.mark.parametrize("who", ["participant", "secretariat", "auditor"])
def test_the_log_and_the_history_show_references_and_command_ids_to_whoever_sees_names(app: Flask, loaded: Services, who: str) -> None:
    auth = member_token(app, "p-01") if who == "participant" else staff_token(app, who)
    pid = participant_id(app, "p-02")
    client = app.test_client()

    log = [e for e in client.get("/api/v1/log?limit=500", headers=auth).get_json() if e["aggregate_id"] == pid]
    history = client.get(f"/api/v1/aggregates/{pid}", headers=auth).get_json()

    assert log[0]["data"]["reference"] == history["history"][0]["data"]["reference"] == history["state"]["reference"] == "p-02"
    assert "p-02" in history["history"][0]["command_id"]


def test_the_public_reads_references_and_command_ids_redacted(app: Flask) -> None:
    pid = participant_id(app, "p-02")
    client = app.test_client()

    log = [e for e in client.get("/api/v1/log?limit=500").get_json() if e["aggregate_id"] == pid]
    history = client.get(f"/api/v1/aggregates/{pid}").get_json()

    assert log[0]["data"]["reference"] == history["history"][0]["data"]["reference"] == history["state"]["reference"] == "[redacted]"
    assert history["history"][0]["command_id"] == "[redacted]"


@pytest.mark.parametrize("query", ["page=2", "page_size=5&after=0", "limit=3&offset=9"])
def test_a_query_parameter_the_log_does_not_read_is_400_naming_it(app: Flask, query: str) -> None:
    r = app.test_client().get(f"/api/v1/log?{query}")

    body = r.get_json()
    unknown = {q.split("=")[0] for q in query.split("&")} - {"after", "limit"}
    assert (r.status_code, body["code"], set(body["errors"]["query"])) == (400, "unknown_parameter", unknown)


def test_the_language_of_the_messages_is_a_parameter_of_the_log_as_of_every_address(app: Flask) -> None:
    r = app.test_client().get("/api/v1/log?limit=2&lang=fr")

    assert (r.status_code, len(r.get_json())) == (200, 2)


def test_the_log_pages_from_a_position_with_a_link_to_the_next(app: Flask) -> None:
    client = app.test_client()

    first = client.get("/api/v1/log?after=0&limit=3")
    after = first.get_json()[-1]["position"]
    second = client.get(f"/api/v1/log?after={after}&limit=3").get_json()

    assert f"after={after}" in first.headers["Link"] and 'rel="next"' in first.headers["Link"]
    assert second[0]["position"] > after


def test_an_aggregate_reads_at_a_version_and_at_a_date(app: Flask, loaded: Services) -> None:
    p = next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == "prop-rt1-01")
    client = app.test_client()

    at_one = client.get(f"/api/v1/aggregates/{p['id']}?version=1").get_json()
    latest = client.get(f"/api/v1/aggregates/{p['id']}").get_json()
    before = client.get(f"/api/v1/aggregates/{p['id']}?as_of=2000-01-01")

    assert (at_one["version"], at_one["state"]["status"]) == (1, "draft")
    assert latest["version"] == p["version"] and len(latest["history"]) == p["version"]
    assert before.status_code == 404


def test_two_points_at_once_are_refused(app: Flask, loaded: Services) -> None:
    p = proposal_views.list_recommendations(loaded.projector.engine)[0]

    r = app.test_client().get(f"/api/v1/aggregates/{p['id']}?version=1&as_of=2026-01-01")

    assert r.status_code == 422


def test_what_waits_for_me_lists_the_persons_own_entries(app: Flask) -> None:
    r = app.test_client().get("/api/v1/me", headers=member_token(app))

    body = r.get_json()
    assert r.status_code == 200
    assert body["participant_id"] == participant_id(app, "p-01") and body["token_scope"] == "read"
    assert body["waiting_count"] == sum(len(v) for v in body["waiting"].values())


def test_what_waits_for_me_needs_someone(app: Flask) -> None:
    r = app.test_client().get("/api/v1/me")

    assert (r.status_code, r.get_json()["code"]) == (401, "sign_in_required")



def test_the_public_reads_the_exact_stored_bytes_of_an_event_with_nothing_redacted(app: Flask, loaded: Services) -> None:
    position = next(r.position for r in read_log(loaded.app.engine) if r.topic and r.topic.endswith(":Proposal.PublishedToGovernments"))
    entries = app.test_client().get(f"/api/v1/log?after={position - 1}&limit=1").get_json()

    published = next(e for e in entries if e["type"] == "Proposal.PublishedToGovernments")
    stored = next(read_log(loaded.app.engine, after=published["position"] - 1, limit=1)).state
    assert base64.b64decode(published["stored"]) == stored
    assert published["data"]["command_id"] == json.loads(stored)["command_id"] != "[redacted]"
