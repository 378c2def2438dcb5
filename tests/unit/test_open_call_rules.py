"""Open calls for input and their moderation (issue 17, "Open calls", "Bad input")."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.base import PUBLIC, SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.open_call import OpenCall, contributor_id

OPENS, CLOSES = date(2026, 3, 1), date(2026, 3, 31)


def ctx(actor: str = SECRETARIAT, on: date = date(2026, 3, 10)) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def new_call(table: str | None = "RT1", actor: str = SECRETARIAT, facilitator: bool = False, **changes: Any) -> OpenCall:
    fields: dict[str, Any] = {
        "id": uuid4(), "reference": "call-1", "title": "Regularización", "text": "Aportes sobre el Objetivo 5.",
        "objectives": [5], "table": table, "languages": ["es", "pt"], "opens_on": OPENS, "closes_on": CLOSES,
    }
    fields.update(changes)
    return OpenCall.open(ctx(actor, date(2026, 2, 20)), facilitator=facilitator, **fields)


def send(call: OpenCall, actor: str = PUBLIC, on: date = date(2026, 3, 10), **changes: Any) -> str:
    input_id = str(uuid4())
    fields: dict[str, Any] = {
        "text": "Un aporte.", "organisation_name": "", "country": "PE", "stakeholder_group": "migrants",
        "language": "es", "contact": "ana@example.org" if actor == PUBLIC else None,
    }
    fields.update(changes)
    call.submit_input(ctx(actor, on), input_id=input_id, **fields)
    return input_id


def refusal(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    return e.value.code


def test_a_public_input_names_its_own_contributor_and_no_participant() -> None:
    call = new_call()
    iid = send(call)

    got = call.input(iid)

    assert (got["participant"], got["contributor"], got["contact"], got["status"]) == (None, contributor_id(iid), "ana@example.org", "pending")


def test_a_participants_input_refers_to_them_by_id_without_contact() -> None:
    call = new_call()
    pid = str(uuid4())

    got = call.input(send(call, actor=pid))

    assert (got["participant"], got["contributor"], got["contact"]) == (pid, None, None)


def test_a_participant_gives_no_contact_address() -> None:
    assert refusal(send, new_call(), actor=str(uuid4()), contact="me@example.org") == "invalid_email"


@pytest.mark.parametrize(
    ("on", "code"), [(date(2026, 2, 28), "outside_call_dates"), (date(2026, 4, 1), "outside_call_dates")],
)
def test_an_input_outside_the_calls_dates_is_refused(on: date, code: str) -> None:
    assert refusal(send, new_call(), on=on) == code


def test_an_input_in_a_language_the_call_does_not_take_is_refused() -> None:
    assert refusal(send, new_call(), language="fr") == "language_not_accepted"


def test_a_second_input_from_the_same_address_is_refused_whatever_its_case() -> None:
    call = new_call()
    send(call, contact="ana@example.org")

    assert refusal(send, call, contact="  ANA@example.org") == "one_input_per_contact"


def test_moderation_may_allow_a_sender_more_inputs() -> None:
    call = new_call()
    first = send(call, contact="ana@example.org")
    call.moderate(ctx(), input_id=first, decision="accept", reason="", allow_more=True)

    second = send(call, contact="ana@example.org")

    assert call.input(second)["status"] == "pending"


def test_a_call_of_a_table_is_opened_by_its_facilitators_not_by_a_member() -> None:
    member = str(uuid4())

    assert refusal(new_call, actor=member) == "not_a_facilitator"
    assert new_call(actor=member, facilitator=True).table == "RT1"


def test_a_call_for_the_whole_mechanism_is_opened_by_the_secretariat_only() -> None:
    assert refusal(new_call, table=None, actor=str(uuid4()), facilitator=True) == "secretariat_only"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"objectives": [14]}, "objective_not_in_table"),
        ({"languages": []}, "no_language"),
        ({"languages": ["qu"]}, "unknown_language"),
        ({"closes_on": date(2026, 2, 27)}, "closes_before_opens"),
        ({"opens_on": date(2026, 1, 1), "closes_on": date(2026, 1, 31)}, "call_closes_in_past"),
        ({"title": " "}, "empty_text"),
    ],
)
def test_a_call_with_bad_data_is_refused(changes: dict[str, Any], code: str) -> None:
    assert refusal(new_call, **changes) == code


def test_an_input_is_moderated_once() -> None:
    call = new_call()
    iid = send(call)
    call.moderate(ctx(), input_id=iid, decision="accept", reason="Pertinente.")

    assert refusal(call.moderate, ctx(), input_id=iid, decision="reject", reason="No.", category="spam") == "already_moderated"


@pytest.mark.parametrize(
    ("category", "reason", "code"),
    [(None, "Publicidad.", "category_required"), ("rude", "Publicidad.", "unknown_category"), ("spam", " ", "reason_required")],
)
def test_a_rejection_needs_a_listed_category_and_a_reason(category: str | None, reason: str, code: str) -> None:
    call = new_call()

    assert refusal(call.moderate, ctx(), input_id=send(call), decision="reject", reason=reason, category=category) == code


def test_a_rejection_keeps_its_category() -> None:
    call = new_call()
    iid = send(call)

    call.moderate(ctx(), input_id=iid, decision="reject", reason="Publicidad.", category="spam")

    assert (call.input(iid)["status"], call.input(iid)["category"]) == ("rejected", "spam")


def test_only_the_secretariat_or_a_facilitator_moderates() -> None:
    call = new_call()

    assert refusal(call.moderate, ctx(str(uuid4())), input_id=send(call), decision="accept", reason="") == "not_a_moderator"


def test_a_rejected_input_is_not_linked_to_a_proposal() -> None:
    call = new_call()
    iid = send(call)
    call.moderate(ctx(), input_id=iid, decision="reject", reason="Publicidad.", category="spam")

    assert refusal(call.link, ctx(), input_id=iid, proposal_id=uuid4()) == "input_not_accepted"


def test_a_closed_call_takes_no_input() -> None:
    call = new_call()
    call.close(ctx())

    assert refusal(send, call) == "call_closed"


def test_a_call_is_due_the_day_after_its_closing_date() -> None:
    call = new_call()

    assert (call.is_due(CLOSES), call.is_due(date(2026, 4, 1))) == (False, True)


def test_erasing_a_contributor_forgets_the_contact_and_keeps_the_text() -> None:
    call = new_call()
    iid = send(call, text="Texto que queda.")

    erased = call.erase_contributor(ctx(), input_id=iid)

    assert (erased, call.input(iid)["contact"], call.input(iid)["text"]) == (contributor_id(iid), None, "Texto que queda.")
    assert refusal(call.erase_contributor, ctx(), input_id=iid) == "already_erased"
