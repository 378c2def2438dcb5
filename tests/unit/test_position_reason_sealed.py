"""The reason a member gives for a position (a political opinion) is sealed with that
member's key, so that erasing them makes it unreadable; positions stored before it was
sealed, with the reason in plaintext, still load (no I/O: the fake key store)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from domain.deliberation import TableDeliberation
from tests.unit.test_privacy_mapper import FakeKeyStore, mapper

REASON = "No la apoyamos: olvida a las comunidades rurales."


def position(member: str, reason: str = REASON) -> Any:
    return TableDeliberation.PositionRecorded(  # type: ignore[call-arg]
        originator_id=uuid4(), originator_version=3, timestamp=datetime(2026, 1, 20, tzinfo=UTC), proposal_id=str(uuid4()),
        member=member, position="object", reason=reason, actor=member, effective_date=date(2026, 1, 20), command_id="t#7",
    )


def test_a_position_s_reason_is_not_in_the_stored_state() -> None:
    stored = mapper(FakeKeyStore()).to_stored_event(position(str(uuid4())))

    state = json.loads(stored.state)
    assert ("reason" in state, "personal" in state, state["position"]) == (False, True, "object")
    assert b"rurales" not in stored.state


def test_a_position_s_reason_reads_back_with_the_member_s_key() -> None:
    keys, member = FakeKeyStore(), str(uuid4())
    m = mapper(keys)

    event: Any = m.to_domain_event(m.to_stored_event(position(member)))

    assert (event.reason, event.member, list(keys.keys)) == (REASON, member, [member])


def test_a_position_s_reason_reads_none_once_the_member_is_erased() -> None:
    keys, member = FakeKeyStore(), str(uuid4())
    m = mapper(keys)
    stored = m.to_stored_event(position(member))

    keys.erase(member)
    event: Any = m.to_domain_event(stored)

    assert (event.reason, event.position, event.member) == (None, "object", member)


def test_a_position_stored_before_reasons_were_sealed_loads_with_its_plaintext_reason() -> None:
    member = str(uuid4())
    # The shape of a PositionRecorded stored by the releases before the reason was sealed.
    old_state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": "2026-01-20T12:00:00+00:00"},
        "proposal_id": str(uuid4()), "member": member, "position": "support", "reason": "Es urgente.", "actor": member,
        "effective_date": {"_type_": "date_iso", "_data_": "2026-01-20"}, "command_id": "2026-Q1#177", "class_version": 1,
    }
    stored = StoredEvent(
        originator_id=uuid4(), originator_version=4, topic="domain.deliberation:TableDeliberation.PositionRecorded",
        state=json.dumps(old_state).encode(),
    )

    event: Any = mapper(FakeKeyStore()).to_domain_event(stored)

    assert (event.reason, event.position, event.member, event.effective_date) == ("Es urgente.", "support", member, date(2026, 1, 20))
