"""Snapshots of the aggregates whose histories grow (the library's snapshotting), so that
loading one costs its last snapshot and at most ``INTERVAL - 1`` events, however long it
has lived.

The library's snapshot store is the table ``dialogue_snapshots`` (it creates it, like the
events table; ``dialogue db upgrade`` adds it to an earlier database). A snapshot is only
a shortcut: it holds the aggregate's attributes, which come from the plain (never the
personal) fields of its events, so it holds nothing the log does not hold in plain text;
deleting every snapshot changes nothing but speed.

A snapshot is taken of the aggregate just saved, in memory, when its new events reach a
multiple of the interval (the library's default reloads the aggregate to take it). It is
stored after the events' transaction: a failure to store it is logged and the command
stands. Changing the attributes of a snapshotted aggregate needs a ``class_version`` and
an ``upcast_vN_vN+1`` on the aggregate class, which the library applies to snapshots too.
``dialogue audit verify`` compares each stored snapshot, read through those upcasts, with
the state replayed from the events (:mod:`application.snapshot_check`): an upcast must
give exactly what the replay gives, or every snapshot stored before the change reads as
changed. An attribute whose value only the events hold (a text, say) therefore does not
belong in a snapshotted state: a rule that needs it reads the events (as the duplicate
government response does, ``FollowUpCommands.recorded_responses``).
"""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.domain import MutableOrImmutableAggregate, Snapshot
from eventsourcing.persistence import EventStore

from domain.deliberation import TableDeliberation
from domain.endorsement import LiaisonEndorsement
from domain.proposal import Proposal
from domain.settings import MechanismSettings
from domain.working_table import WorkingTable

log = logging.getLogger(__name__)

INTERVAL = 25  # events between two snapshots of one aggregate

# Proposals, sessions, endorsement rounds, working tables and the settings: the aggregates
# that gather events for as long as the mechanism runs. Participants are left out: their
# events carry personal data, which must stay erasable with their key.
INTERVALS: dict[type[MutableOrImmutableAggregate[Any]], int] = {
    Proposal: INTERVAL,
    TableDeliberation: INTERVAL,
    LiaisonEndorsement: INTERVAL,
    WorkingTable: INTERVAL,
    MechanismSettings: INTERVAL,
}


def take_due_snapshots(snapshots: EventStore[Any] | None, intervals: dict[type[Any], int], aggregates: dict[Any, Any], events: list[Any]) -> int:
    """Store a snapshot of each saved aggregate whose new ``events`` passed a multiple of its
    interval; how many were stored."""
    if snapshots is None:
        return 0
    versions: dict[Any, list[int]] = {}
    for e in events:
        versions.setdefault(e.originator_id, []).append(e.originator_version)
    stored = 0
    for aggregate_id, aggregate in aggregates.items():
        interval = intervals.get(type(aggregate))
        saved = versions.get(aggregate_id)
        if not interval or not saved or max(saved) // interval == (min(saved) - 1) // interval:
            continue
        try:
            snapshots.put([Snapshot.take(aggregate)])
            stored += 1
        except Exception:  # noqa: BLE001 - a snapshot is a shortcut; the events are stored
            log.warning("snapshot of %s at version %s not stored", aggregate_id, aggregate.version, exc_info=True)
    return stored
