"""What the public audit views hide of the free text people type (docs/privacy.md, "Every
field the service stores": an event's audience): ``redact_event_data`` on the log and the
histories of readers who are not auditors."""

from __future__ import annotations

import pytest

from application.audit.history import REDACTED, redact_event_data


@pytest.mark.parametrize(("topic", "data", "hidden"), [
    # a member's reason for a position: a political opinion, shown to the table's members and auditors
    ("domain.deliberation:TableDeliberation.PositionRecorded",
     {"proposal_id": "p", "member": "m", "position": "object", "reason": "No la apoyamos."}, {"member", "reason"}),
    # a decline's reason says why a person without an account may not join: the queue's readers only
    ("domain.join_request:JoinRequests.RequestDecided",
     {"request_id": "r", "decision": "decline", "ground": "unverifiable", "reason": "No contesta.", "participant": None}, {"reason"}),
    # an erasure's reason: auditors and administrators
    ("domain.participant:Participant.PersonalDataErased", {"reason": "Pedido por correo."}, {"reason"}),
    ("domain.open_call:OpenCall.ContributorErased", {"input_id": "i", "contributor": "c", "reason": "Pedido."}, {"reason"}),
    ("domain.join_request:JoinRequests.RequesterErased", {"request_id": "r", "requester": "q", "reason": "Pedido."}, {"reason"}),
    # why an administrator revoked a person's role: auditors and administrators, as an erasure's
    ("domain.access:Access.AccessRevoked", {"account": "a", "role": "auditor", "by": "b", "reason": "Dejó el puesto."}, {"reason"}),
])
def test_the_public_log_hides_the_free_text_whose_audience_is_narrower(topic: str, data: dict[str, object], hidden: set[str]) -> None:
    shown = redact_event_data(topic, data)

    assert {k for k, v in shown.items() if v == REDACTED} == hidden
    assert {k: v for k, v in shown.items() if k not in hidden} == {k: v for k, v in data.items() if k not in hidden}
