"""The view of requests to join a table (issue 17), on SQLite and PostgreSQL: one row per
request with its status and decision, never a personal field of the requester."""

from __future__ import annotations

from datetime import date

from application.audit import AuditReader
from application.audit.history import REDACTED
from application.bootstrap import Services
from domain.join_request import join_requests_id
from projections import join_requests as join_views
from tests.conftest import seed_members

CONTACT = "maria.huaman@example.org"


def _ask(services: Services, contact: str = CONTACT) -> str:
    return str(services.app.request_to_join(
        "RT1", motivation="Coordino una red de acogida.", display_name="María Huamán", organisation_name="Red de Acogida Cusco",
        country="PE", stakeholder_group="migrant_organisation", language="es", contact=contact,
    ))


def _rows(services: Services) -> list[dict[str, object]]:
    services.projector.catch_up()
    return join_views.requests_of_table(services.projector.engine, "RT1")


def test_a_request_is_pending_from_the_day_it_was_made(services: Services) -> None:
    seed_members(services.app)
    rid = _ask(services)

    [row] = _rows(services)

    assert (row["id"], row["table_code"], row["made_on"], row["status"], row["decided_on"]) == (rid, "RT1", date(2026, 1, 5), "pending", None)


def test_the_view_holds_no_personal_field_of_the_requester(services: Services) -> None:
    seed_members(services.app)
    _ask(services)

    [row] = _rows(services)

    assert not {"display_name", "organisation_name", "motivation", "contact"} & set(row)
    assert CONTACT not in " ".join(str(v) for v in row.values())


def test_a_decline_records_its_ground_reason_and_date(services: Services) -> None:
    seed_members(services.app)
    rid = _ask(services)
    services.app.decide_join_request(rid, decision="decline", ground="not_a_stakeholder", reason="No trabaja con migrantes.")

    [row] = _rows(services)

    assert (row["status"], row["ground"], row["reason"], row["decided_on"]) == ("declined", "not_a_stakeholder", "No trabaja con migrantes.", date(2026, 1, 5))


def test_an_acceptance_names_the_new_participant(services: Services) -> None:
    seed_members(services.app)
    rid = _ask(services)
    pid, _ = services.app.decide_join_request(rid, decision="accept", participant_reference="p-40")

    [row] = _rows(services)

    assert (row["status"], row["participant_id"]) == ("accepted", str(pid))


def test_pending_requests_are_read_per_table(services: Services) -> None:
    seed_members(services.app)
    seed_members(services.app, table="RT2")
    _ask(services)
    services.projector.catch_up()

    engine = services.projector.engine
    assert ([r["table_code"] for r in join_views.pending_requests(engine)], join_views.pending_requests(engine, ("RT2",))) == (["RT1"], [])


def test_an_erasure_marks_the_request_erased(services: Services) -> None:
    seed_members(services.app)
    rid = _ask(services)
    services.app.erase_requester(rid)

    [row] = _rows(services)

    assert (row["status"], row["erased"]) == ("pending", True)


def test_the_audit_state_of_the_requests_shows_no_personal_field_to_the_public(services: Services) -> None:
    seed_members(services.app)
    rid = _ask(services)

    state = AuditReader(services.app).state(join_requests_id("RT1"), reveal_personal=False).state
    request = state["requests"][rid]

    assert [request[f] for f in ("display_name", "organisation_name", "motivation", "contact")] == [REDACTED] * 4
    assert (request["country"], request["stakeholder_group"]) == ("PE", "migrant_organisation")


def test_auditors_read_the_requester_s_details_in_the_audit_state(services: Services) -> None:
    seed_members(services.app)
    rid = _ask(services)

    state = AuditReader(services.app).state(join_requests_id("RT1"), reveal_personal=True).state

    assert (state["requests"][rid]["display_name"], state["requests"][rid]["contact"]) == ("María Huamán", CONTACT)
