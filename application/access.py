"""Who may see what: the read-side access policy, decided here and not in the pages.

docs/design.md, "Participant" and "Who uses it"; issue 4, "Access":

- the public never sees personal data: no names, no person–organisation links, no
  positions per person (only counts and decisions);
- names from the participant directory are shown to participants, the secretariat and
  auditors;
- who took which position in a session is shown to members of that table and to auditors;
- decrypted personal fields in the audit history are shown to auditors only.

Commands are authorised by :class:`application.service.DialogueApplication` (the actor);
this module decides what a reader may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.base import SECRETARIAT

ROLES = ("public", "participant", "secretariat", "auditor")


@dataclass
class Access:
    """A reader: ``role`` is one of :data:`ROLES`; a participant has an id and tables."""

    role: str = "public"
    participant_id: str | None = None
    tables: list[str] = field(default_factory=list)

    @property
    def actor(self) -> str | None:
        """The actor of commands: a participant id, ``secretariat``, or None (read-only)."""
        if self.role == "participant":
            return self.participant_id
        if self.role == "secretariat":
            return SECRETARIAT
        return None

    @property
    def is_public(self) -> bool:
        return self.role == "public"

    @property
    def is_participant(self) -> bool:
        return self.role == "participant" and self.participant_id is not None

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @property
    def is_auditor(self) -> bool:
        return self.role == "auditor"

    @property
    def sees_names(self) -> bool:
        """Names from the directory: participants, the secretariat and auditors."""
        return self.is_participant or self.role in ("secretariat", "auditor")

    def is_member(self, table: str) -> bool:
        return self.is_participant and table in self.tables

    def sees_positions(self, table: str) -> bool:
        """Who said what in a session of ``table``: members of that table and auditors."""
        return self.is_auditor or self.is_member(table)

    @property
    def reveals_personal_in_history(self) -> bool:
        """Decrypted personal fields and position takers in the audit history: auditors only."""
        return self.is_auditor
