"""A contributor without an account (issue 17, "Erasure", "Done when"): their contact is
sealed with a key of their own, and erasing them leaves their accepted input readable with
the contact gone while the chain verifies (SQLite file and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import select, text

from application.audit import verify_log
from application.bootstrap import Services
from application.contributors import erase_contributor
from application.persistence import erased_participant_ids, keys_table
from domain.base import PUBLIC
from domain.errors import DomainError
from domain.open_call import contributor_id

CONTACT = "ana.souza@example.org"


def call_with_an_accepted_input(services: Services) -> tuple[UUID, UUID]:
    services.app.clock.set(date(2026, 3, 1))  # type: ignore[attr-defined]
    for code in ("RT1", "RT2", "RT3", "RT4"):
        services.app.register_table(code)
    call = services.app.open_call(
        reference="call-1", title="Regularização", text="Aportes sobre o Objetivo 5.", objectives=[5], table="RT1",
        languages=["pt"], opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 31),
    )
    iid = services.app.submit_input(
        call, text="A acolhida humanitária funcionou.", organisation_name="", country="BR", stakeholder_group="migrants",
        language="pt", contact=CONTACT, actor=PUBLIC,
    )
    services.app.moderate_input(iid, decision="accept", reason="Pertinente.")
    return call, iid


def stored_states(services: Services) -> str:
    with services.app.engine.connect() as c:
        return " ".join(bytes(r[0]).decode("utf-8") for r in c.execute(text("SELECT state FROM dialogue_events")))


def test_the_contact_is_stored_sealed_never_in_plain_text(services: Services) -> None:
    call, iid = call_with_an_accepted_input(services)

    assert CONTACT not in stored_states(services)
    assert services.app.open_call_record(call).input(iid)["contact"] == CONTACT


def test_the_contact_is_sealed_with_a_key_of_the_contributor(services: Services) -> None:
    _, iid = call_with_an_accepted_input(services)

    with services.app.engine.connect() as c:
        owners = {r[0] for r in c.execute(select(keys_table.c.participant_id))}

    assert contributor_id(iid) in owners


def test_erasing_the_contributor_keeps_the_accepted_input_without_its_contact(services: Services) -> None:
    call, iid = call_with_an_accepted_input(services)

    erase_contributor(services, str(iid), reason="asked by the person")
    got = services.app.open_call_record(call).input(iid)

    assert (got["text"], got["status"], got["contact"], got["erased"]) == ("A acolhida humanitária funcionou.", "accepted", None, True)


def test_erasing_the_contributor_deletes_their_key(services: Services) -> None:
    _, iid = call_with_an_accepted_input(services)

    erase_contributor(services, str(iid))

    assert services.keys is not None and not services.keys.holds(contributor_id(iid))


def test_the_chain_verifies_after_erasing_a_contributor(services: Services) -> None:
    _, iid = call_with_an_accepted_input(services)

    erase_contributor(services, str(iid))

    assert verify_log(services.app.engine).ok


def test_a_participants_input_has_no_contributor_to_erase(services: Services) -> None:
    call, _ = call_with_an_accepted_input(services)
    pid = services.app.register_participant(reference="p-1", display_name="Ana", organisation_id=None, gender="woman", preferred_language="pt")
    iid = services.app.submit_input(call, text="Outro aporte.", organisation_name="", country="BR", stakeholder_group="migrants", language="pt", actor=str(pid))

    with pytest.raises(DomainError) as e:
        erase_contributor(services, str(iid))

    assert e.value.code == "not_a_contributor"


def test_a_restore_of_keys_never_brings_an_erased_contributor_back(services: Services) -> None:
    _, iid = call_with_an_accepted_input(services)
    erase_contributor(services, str(iid))

    assert contributor_id(iid) in erased_participant_ids(services.app.dialogue_recorder)
