"""The checkpoint format: what is signed, parsing, signatures (docs/audit.md, "Checkpoints")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from application.audit.log import LogRecord
from application.audit.verify import (
    ChainVerifier,
    Checkpoint,
    CheckpointError,
    CheckpointResult,
)
from application.chain import GENESIS, link

WHEN = datetime(2026, 3, 27, 18, 30, 5, 123456, tzinfo=UTC)


def signed(count: int = 3, position: int = 4, head: str = "ab" * 32) -> tuple[Ed25519PrivateKey, Checkpoint]:
    key = Ed25519PrivateKey.generate()
    return key, Checkpoint.sign(key, count=count, head_position=position, head_hash=head, time=WHEN)


def test_the_signed_message_is_five_lines_in_utc_to_the_second() -> None:
    _, cp = signed()
    assert cp.message() == (
        b"dialogue-checkpoint/1\ncount: 3\nhead-position: 4\nhead-hash: " + b"ab" * 32 + b"\ntime: 2026-03-27T18:30:05Z\n"
    )


def test_a_checkpoint_reads_back_from_its_text() -> None:
    key, cp = signed()
    again = Checkpoint.parse(cp.to_text())
    assert again == cp
    assert again.signed_by([key.public_key().public_bytes_raw()]) is True


def test_a_changed_count_breaks_the_signature() -> None:
    key, cp = signed()
    forged = Checkpoint.parse(cp.to_text().replace("count: 3", "count: 2"))
    assert forged.signed_by([key.public_key().public_bytes_raw()]) is False


@pytest.mark.parametrize("text", ["", "hello\n", "dialogue-checkpoint/1\ncount: 3\n", "dialogue-checkpoint/1\ncount: x\nhead-position: 1\nhead-hash: 00\ntime: t\nsignature: s\n"])
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(text)


def _records(n: int) -> list[LogRecord]:
    out, previous = [], GENESIS
    for p in range(1, n + 1):
        previous = link(previous, p * 2, "00000000-0000-0000-0000-000000000001", p, "t:A.B", b"{}")
        out.append(LogRecord(p * 2, "00000000-0000-0000-0000-000000000001", p, "t:A.B", b"{}", previous.hex()))
    return out


def test_positions_with_gaps_verify() -> None:
    v = ChainVerifier()
    for r in _records(5):
        v.add(r)
    report = v.finish()
    assert report.ok
    assert (report.count, report.head_position) == (5, 10)


def test_a_checkpoint_on_a_position_that_is_a_gap_is_reported_missing() -> None:
    records = _records(3)
    cp = Checkpoint(count=2, head_position=5, head_hash=records[1].chain_hash or "", time=WHEN)
    v = ChainVerifier([CheckpointResult(checkpoint=cp, name="cp")])
    for r in records:
        v.add(r)
    report = v.finish()
    assert report.first_bad_position == 5
    assert "position 5 is missing" in report.checkpoints[0].message
