"""The canonical leaf entry of a stored event (``application/tlog/entry.py``)."""

from __future__ import annotations

import hashlib

import pytest

from application.tlog.entry import EntryError, event_entry, parse_entry

AGGREGATE = "3e99be5b-94f2-5568-869f-e74af3040a04"


def test_entry_is_the_documented_six_lines() -> None:
    entry = event_entry(702, AGGREGATE, 3, "domain.proposal:Proposal.Drafted", b'{"a":1}')
    assert entry == (
        b"dialogue-event/1\nposition: 702\naggregate: 3e99be5b-94f2-5568-869f-e74af3040a04\nversion: 3\n"
        b"topic: domain.proposal:Proposal.Drafted\ndata-sha256: " + hashlib.sha256(b'{"a":1}').hexdigest().encode() + b"\n"
    )


def test_entry_reads_back_its_fields() -> None:
    entry = event_entry(5, AGGREGATE, 1, "domain.access:Access.AccessGranted", b"{}")
    assert parse_entry(entry) == {
        "position": "5", "aggregate": AGGREGATE, "version": "1", "topic": "domain.access:Access.AccessGranted",
        "data-sha256": hashlib.sha256(b"{}").hexdigest(),
    }


def test_one_changed_stored_byte_changes_the_entry() -> None:
    assert event_entry(1, AGGREGATE, 1, "t:T.E", b"{}") != event_entry(1, AGGREGATE, 1, "t:T.E", b"{ }")


@pytest.mark.parametrize("bad", [
    b"", b"dialogue-event/2\n", b"dialogue-event/1\nposition: x\naggregate: a\nversion: 1\ntopic: t\ndata-sha256: " + b"0" * 64 + b"\n",
    b"dialogue-event/1\nposition: 1\naggregate: a\nversion: 1\ntopic: t\ndata-sha256: " + b"0" * 64,
    b"\xff",
])
def test_other_text_is_not_an_entry(bad: bytes) -> None:
    with pytest.raises(EntryError):
        parse_entry(bad)


def test_a_topic_with_a_line_break_is_refused() -> None:
    with pytest.raises(EntryError):
        event_entry(1, AGGREGATE, 1, "t:T.E\nposition: 9", b"{}")
