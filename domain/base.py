"""What every aggregate of the mechanism shares: the command context stamped on events.

Every event carries, besides its own data (DESIGN.md, "Aggregates"):

- ``actor``: the participant id (a UUID as text) or the role acting, e.g. ``secretariat``;
- ``effective_date``: the calendar date the command takes effect, read from the
  application's clock, never from the wall clock (DESIGN.md, "Time");
- ``command_id``: the id of the command that caused it (a form submission, an API
  request's idempotency key, a scenario step such as ``2026-Q1#182``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict
from uuid import UUID

from eventsourcing.domain import Aggregate

SECRETARIAT = "secretariat"


class Stamp(TypedDict):
    actor: str
    effective_date: date
    command_id: str


@dataclass(frozen=True)
class Ctx:
    """The context of one command: who acts, on which date, under which command id."""

    actor: str
    effective_date: date
    command_id: str

    @property
    def is_secretariat(self) -> bool:
        return self.actor == SECRETARIAT

    def stamp(self) -> Stamp:
        """The three fields every event carries, as keyword arguments."""
        return Stamp(actor=self.actor, effective_date=self.effective_date, command_id=self.command_id)

    def acts_as(self, participant_id: UUID) -> bool:
        return self.actor == str(participant_id)


class DialogueAggregate(Aggregate):
    """Base of every aggregate here; events are declared with ``@event`` on methods."""

    # Events keep their class version in the stored state (see application.persistence).
