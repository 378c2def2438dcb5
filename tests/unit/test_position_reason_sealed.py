"""The reason a member gives for a position (a political opinion) is sealed with that
member's key, so that erasing them makes it unreadable; positions stored before it was
sealed, with the reason in plaintext, still load (no I/O: the fake key store)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from application.aggregate_cache import holds_personal_data
from domain.deliberation import TableDeliberation
from domain.election import Election
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


def stored_in_the_old_shape(member: str) -> StoredEvent:
    """A PositionRecorded as stored by the releases before the reason was sealed."""
    old_state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": "2026-01-20T12:00:00+00:00"},
        "proposal_id": str(uuid4()), "member": member, "position": "support", "reason": "Es urgente.", "actor": member,
        "effective_date": {"_type_": "date_iso", "_data_": "2026-01-20"}, "command_id": "2026-Q1#177", "class_version": 1,
    }
    return StoredEvent(
        originator_id=uuid4(), originator_version=4, topic="domain.deliberation:TableDeliberation.PositionRecorded",
        state=json.dumps(old_state).encode(),
    )


def test_a_position_stored_before_reasons_were_sealed_loads_with_its_plaintext_reason() -> None:
    keys, member = FakeKeyStore(), str(uuid4())
    keys.create(member)

    event: Any = mapper(keys).to_domain_event(stored_in_the_old_shape(member))

    assert (event.reason, event.position, event.member, event.effective_date) == ("Es urgente.", "support", member, date(2026, 1, 20))


def test_a_plaintext_reason_stored_before_reasons_were_sealed_reads_none_once_the_member_is_erased() -> None:
    keys, member = FakeKeyStore(), str(uuid4())
    keys.create(member)
    stored = stored_in_the_old_shape(member)

    keys.erase(member)
    event: Any = mapper(keys).to_domain_event(stored)

    assert (event.reason, event.position, event.member) == (None, "support", member)
    assert b"Es urgente." in stored.state  # the log itself keeps it (docs/privacy.md)


def test_a_session_stays_cacheable_its_state_keeping_positions_never_reasons() -> None:
    member = str(uuid4())
    event = position(member)
    session: Any = object.__new__(TableDeliberation)
    vars(session).update(_id=event.originator_id, _version=2, agenda={event.proposal_id: {"positions": {}, "decision": None}})

    event.mutate(session)

    assert (holds_personal_data(TableDeliberation), holds_personal_data(Election)) == (False, True)
    assert session.agenda[event.proposal_id]["positions"] == {member: "object"} and "rurales" not in repr(vars(session))
