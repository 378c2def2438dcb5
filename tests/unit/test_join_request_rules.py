"""Requests to join a working table (issue 17, "Requests to join the mechanism through a
table", "Bad input")."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.base import PUBLIC, SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.join_request import JoinRequests, requester_id


def ctx(actor: str = PUBLIC) -> Ctx:
    return Ctx(actor=actor, effective_date=date(2026, 3, 10), command_id=f"c-{uuid4()}")


def ask(requests: JoinRequests, actor: str = PUBLIC, **changes: Any) -> str:
    rid = str(uuid4())
    fields: dict[str, Any] = {
        "motivation": "Quiero aportar a la mesa.", "display_name": "María Huamán", "organisation_name": "", "country": "PE",
        "stakeholder_group": "migrants", "language": "es", "contact": "maria@example.org",
    }
    fields.update(changes)
    requests.request(ctx(actor), request_id=rid, **fields)
    return rid


def refusal(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args, **kwargs)
    return e.value.code


def table() -> JoinRequests:
    return JoinRequests.start(ctx(SECRETARIAT), "RT1")


def test_a_request_names_its_own_requester() -> None:
    requests = table()
    rid = ask(requests)

    assert (requests.get(rid)["requester"], requests.get(rid)["status"]) == (requester_id(rid), "pending")


def test_a_second_pending_request_from_the_same_address_is_refused() -> None:
    requests = table()
    ask(requests)

    assert refusal(ask, requests, contact=" MARIA@example.org") == "request_pending"


def test_after_a_decision_the_same_address_may_ask_again() -> None:
    requests = table()
    first = ask(requests)
    requests.decide(ctx(SECRETARIAT), request_id=first, decision="decline", reason="Sin datos.", representative=False, ground="unverifiable")

    assert requests.get(ask(requests))["status"] == "pending"


def test_a_participant_does_not_ask_but_joins() -> None:
    assert refusal(ask, table(), actor=str(uuid4())) == "not_allowed"


@pytest.mark.parametrize(("ground", "reason", "code"), [(None, "Sin datos.", "ground_required"), ("spam", "Sin datos.", "unknown_ground"), ("duplicate", " ", "reason_required")])
def test_a_decline_needs_a_listed_ground_and_a_reason(ground: str | None, reason: str, code: str) -> None:
    requests = table()

    assert refusal(requests.decide, ctx(SECRETARIAT), request_id=ask(requests), decision="decline", reason=reason, representative=False, ground=ground) == code


def test_only_a_representative_or_the_secretariat_decides() -> None:
    requests = table()

    assert refusal(requests.decide, ctx(str(uuid4())), request_id=ask(requests), decision="accept", reason="", representative=False, participant_id=uuid4()) == "not_a_representative"


def test_a_request_is_decided_once() -> None:
    requests = table()
    rid = ask(requests)
    requests.decide(ctx(str(uuid4())), request_id=rid, decision="accept", reason="", representative=True, participant_id=uuid4())

    assert refusal(requests.decide, ctx(SECRETARIAT), request_id=rid, decision="decline", reason="No.", representative=False, ground="duplicate") == "request_decided"


def test_erasing_the_requester_forgets_their_personal_fields() -> None:
    requests = table()
    rid = ask(requests)

    requests.erase_requester(ctx(SECRETARIAT), request_id=rid)

    assert [requests.get(rid)[f] for f in ("display_name", "contact", "motivation")] == [None, None, None]
