"""The read-side access policy (application/access.py): who sees names and positions."""

from __future__ import annotations

import pytest

from application.access import Access


@pytest.mark.parametrize(("access", "sees"), [
    (Access(), False),
    (Access(role="participant", participant_id="p", tables=["RT1"]), True),
    (Access(role="participant"), False),  # a participant role without an id is nobody
    (Access(role="secretariat"), True),
    (Access(role="auditor"), True),
])
def test_names_are_for_participants_secretariat_and_auditors(access: Access, sees: bool) -> None:
    assert access.sees_names is sees


def test_positions_are_for_members_of_that_table() -> None:
    member = Access(role="participant", participant_id="p", tables=["RT1"])
    assert member.sees_positions("RT1") is True
    assert member.sees_positions("RT2") is False


def test_positions_are_hidden_from_the_public_and_the_secretariat_role() -> None:
    assert Access().sees_positions("RT1") is False
    assert Access(role="secretariat").sees_positions("RT1") is False


def test_auditors_see_positions_of_every_table_and_personal_history() -> None:
    auditor = Access(role="auditor")
    assert [auditor.sees_positions(t) for t in ("RT1", "RT4")] == [True, True]
    assert auditor.reveals_personal_in_history is True
    assert Access(role="secretariat").reveals_personal_in_history is False


def test_actor_is_the_participant_or_the_secretariat() -> None:
    assert Access(role="participant", participant_id="abc").actor == "abc"
    assert Access(role="secretariat").actor == "secretariat"
    assert Access(role="auditor").actor is None
    assert Access().actor is None
