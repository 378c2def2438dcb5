"""Requests to join a table through the application (issue 17), on SQLite and PostgreSQL:
an acceptance registers the person and their membership and mails them an invitation; a
requester's data is sealed with their own key and erased from the command line."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from application.bootstrap import Services
from application.joining import decide_join_request
from application.mail import mailer_from_url
from application.persistence import erased_participant_ids
from domain.errors import DomainError
from domain.ids import created_id
from domain.join_request import requester_id
from tests.conftest import SmtpSink, link_in
from tests.e2e.web_support import make_app

CONTACT = "maria.huaman@example.org"


def ask(services: Services) -> UUID:
    for code in ("RT1", "RT2", "RT3", "RT4"):
        services.app.register_table(code)
    return services.app.request_to_join(
        "RT1", motivation="Coordino una red de acogida.", display_name="María Huamán", organisation_name="Red de Acogida Cusco",
        country="PE", stakeholder_group="migrant_organisation", language="pt", contact=CONTACT,
    )


def test_an_acceptance_registers_a_member_of_the_table_and_mails_an_invitation(services: Services, smtp_server: tuple[str, SmtpSink]) -> None:
    services.accounts.mailer = mailer_from_url(smtp_server[0], "dialogue@example.org")
    services.accounts.public_url = "https://dialogue.example.org"
    rid = ask(services)

    decision = decide_join_request(services, rid, decision="accept", participant_reference="p-40", reason="Red conocida.")

    assert decision.invited and decision.participant_id is not None
    person = services.app.participant(decision.participant_id)
    assert (person.reference, person.display_name, person.preferred_language) == ("p-40", "María Huamán", "pt")
    assert services.app.table("RT1").is_member(decision.participant_id, date(2026, 1, 5))
    (message,) = smtp_server[1].to(CONTACT)
    assert message["Content-Language"] == "pt"
    assert link_in(message).startswith("https://dialogue.example.org/account/invitation/")


def test_a_decline_registers_nobody(services: Services) -> None:
    rid = ask(services)

    decision = decide_join_request(services, rid, decision="decline", ground="unverifiable", reason="Sin datos.")

    assert decision == type(decision)(participant_id=None, invited=False)


def test_the_requesters_data_is_sealed_never_in_plain_text(services: Services) -> None:
    ask(services)

    with services.app.engine.connect() as c:
        stored = " ".join(bytes(r[0]).decode("utf-8") for r in c.exec_driver_sql("SELECT state FROM dialogue_events"))

    assert CONTACT not in stored and "María Huamán" not in stored


def test_the_command_line_erases_a_requester(services: Services) -> None:
    rid = ask(services)
    app = make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-06")

    # --wait: on PostgreSQL another run's transaction elsewhere on the server may hold old row versions a moment.
    r = app.test_cli_runner().invoke(args=["contributors", "erase", str(rid), "--yes", "--wait", "60"])

    assert r.exit_code == 0, r.output
    assert services.app.table_of_request(rid).get(rid)["contact"] is None
    assert requester_id(rid) in erased_participant_ids(services.app.dialogue_recorder)


def test_an_erased_request_cannot_be_accepted(services: Services) -> None:
    rid = ask(services)
    services.app.erase_requester(rid)

    with pytest.raises(Exception) as e:
        services.app.decide_join_request(rid, decision="accept", participant_reference="p-41")

    assert getattr(e.value, "code", None) == "already_erased"


def test_the_secretariat_registers_no_second_participant_with_a_reference_already_used(services: Services) -> None:
    services.app.register_participant(reference="p-77", display_name="Ana", organisation_id=None, gender="woman", preferred_language="es")

    with pytest.raises(DomainError) as refused:
        services.app.register_participant(reference=" P-77 ", display_name="Bea", organisation_id=None, gender="woman", preferred_language="es")

    assert (refused.value.code, refused.value.field) == ("already_registered", "reference")


def test_of_two_acceptances_of_one_request_at_once_one_registers_the_person_and_the_other_is_refused(
    services: Services, monkeypatch: pytest.MonkeyPatch,
) -> None:
    rid = ask(services)
    real_save = services.app._save
    raced: list[Any] = []

    def other_acceptance_first(ctx: Any, *aggregates: Any, **kwargs: Any) -> None:
        if not raced:  # the other acceptance is saved between this one's read and its save
            raced.append(None)
            raced[0] = services.app.decide_join_request(rid, decision="accept", participant_reference="p-51", command_id="other")
        real_save(ctx, *aggregates, **kwargs)

    monkeypatch.setattr(services.app, "_save", other_acceptance_first)
    with pytest.raises(DomainError) as refused:
        services.app.decide_join_request(rid, decision="accept", participant_reference="p-52", command_id="this")

    assert refused.value.code == "request_decided"
    request = services.app.table_of_request(rid).get(rid)
    assert (request["status"], request["participant"]) == ("accepted", str(raced[0][0]))
    assert str(raced[0][0]) in services.app.table("RT1").members
    assert services.app._participant_reference_taken("p-51") and not services.app._participant_reference_taken("p-52")


def test_an_acceptance_whose_generated_reference_is_taken_registers_the_person_with_a_free_one(services: Services) -> None:
    rid = ask(services)
    pid = created_id("participant", "accept-1")
    services.app.register_participant(reference=f"JOINED-{str(pid)[:8]}", display_name="Ana", organisation_id=None, gender="woman", preferred_language="es")

    found, _ = services.app.decide_join_request(rid, decision="accept", command_id="accept-1")

    assert found == pid
    assert services.app.participant(pid).reference == f"joined-{pid}"
