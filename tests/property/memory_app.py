"""An in-memory DialogueApplication for property tests: the real commands and aggregates,
the library's in-memory (POPO) recorder instead of SQLAlchemy, and a fake key store.

Only the persistence differs: every command still goes through ``DialogueApplication``
(context, loading, authorisation, domain, one atomic save), events go through the real
mapper (JSON, ``class_version``, upcasting), and aggregates are rebuilt from stored events
on every load. The application keeps the aggregates it saved (``saved``) so a test can
compare them with their replay.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from application.clock import FixedClock
from application.persistence import KeyStore
from application.references import reference_key
from application.service import DialogueApplication
from domain.base import Ctx, DialogueAggregate
from domain.participant import Participant


class FakeKeyStore(KeyStore):
    """Participant keys in a dict (no database, no master key)."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}

    def get(self, participant_id: str) -> bytes | None:
        return self.keys.get(participant_id)

    def create(self, participant_id: str) -> bytes:
        return self.keys.setdefault(participant_id, os.urandom(32))

    def holds(self, participant_id: str) -> bool:
        return participant_id in self.keys

    def delete(self, participant_ids: set[str]) -> int:
        return sum(1 for p in participant_ids if self.keys.pop(p, None) is not None)


class InMemoryDialogue(DialogueApplication):
    """DialogueApplication on the library's in-memory recorder."""

    name = "Dialogue"

    def __init__(self, clock: FixedClock) -> None:  # noqa: D107 - replaces the SQL wiring only
        self.clock = clock
        self.keys = FakeKeyStore()
        self.database_url = "memory:"
        self._local = threading.local()
        self.on_saved = []
        self.saved: dict[UUID, DialogueAggregate] = {}
        self.applied: set[str] = set()
        Application.__init__(self, env={"PERSISTENCE_MODULE": "eventsourcing.popo", "DIALOGUE_PERSISTENCE_MODULE": "eventsourcing.popo"})

    def _save(self, ctx: Ctx, *aggregates: DialogueAggregate, **kwargs: Any) -> None:
        assert ctx.command_id not in self.applied, "property tests give every command its own id"
        self.save(*aggregates)
        self.applied.add(ctx.command_id)
        for a in aggregates:
            self.saved[a.id] = a

    def command_applied(self, command_id: str) -> bool:
        return command_id in self.applied

    def _participant_reference_taken(self, reference: str) -> bool:
        key = reference_key(reference)
        return any(isinstance(a, Participant) and reference_key(a.reference) == key for a in self.saved.values())

    def _applied_and_holds_key(self, command_id: str | None, person: str | None) -> tuple[bool, bool]:
        return command_id in self.applied, person is not None and self.keys.holds(person)


def state_of(aggregate: DialogueAggregate) -> dict[str, Any]:
    """An aggregate's attributes, without the library's bookkeeping, for comparisons."""
    return {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}


def new_app(on: date) -> InMemoryDialogue:
    return InMemoryDialogue(FixedClock(on))
