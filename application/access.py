"""Who may see what: the read-side access policy, decided here and not in the pages.

docs/design.md, "Participant" and "Who uses it"; issue 4, "Access"; issue 10, "Roles come
from the mechanism":

- the public never sees personal data: no names, no person–organisation links, no
  positions per person (only counts and decisions);
- names from the participant directory are shown to participants, the secretariat and
  auditors;
- who took which position in a session, and the ballots and candidates' answers of its
  elections, are shown to members of that table and to auditors;
- decrypted personal fields in the audit history are shown to auditors only.

A reader is built from the :class:`application.roles.Roles` of the signed-in person
(:meth:`Access.of`): one person may be a member of two tables, a representative acting as
the secretariat and an auditor at once. Commands are authorised by the application for the
identity bound to the request (:mod:`application.roles`); this module decides what a reader
may see and which actor a page sends for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from application.roles import Roles
from domain.base import SECRETARIAT

ROLES = ("public", "participant", "secretariat", "auditor")


@dataclass
class Access:
    """A reader: ``role`` is the main one of :data:`ROLES`; a participant has an id and
    tables; ``secretariat``, ``auditor`` and ``administrator`` add what the person also is."""

    role: str = "public"
    participant_id: str | None = None
    tables: list[str] = field(default_factory=list)
    account_id: str | None = None
    secretariat: bool = False
    auditor: bool = False
    administrator: bool = False
    seats: list[str] = field(default_factory=list)
    un_seats: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, roles: Roles) -> Access:
        """The reader a signed-in person is, from their roles today."""
        pid = roles.participant_id
        if pid:
            role = "participant"
        elif roles.is_secretariat:
            role = "secretariat"
        elif roles.is_auditor:
            role = "auditor"
        else:
            role = "public"
        return cls(
            role=role, participant_id=pid, tables=list(roles.tables), account_id=roles.identity.account_id,
            secretariat=roles.is_secretariat, auditor=roles.is_auditor, administrator=roles.is_administrator,
            seats=list(roles.seats), un_seats=list(roles.un_seats),
        )

    @property
    def actor(self) -> str | None:
        """The actor of the person's own commands (drafting, amending, positions): their
        participant id; a staff account of the secretariat acts as the secretariat; None
        for readers only."""
        if self.is_participant:
            return self.participant_id
        if self.is_secretariat:
            return SECRETARIAT
        return None

    @property
    def secretariat_actor(self) -> str | None:
        """The actor of the secretariat's and facilitators' commands (schedule, agenda,
        decisions, rounds, publication): the secretariat when the person acts as it,
        otherwise their own id (a facilitator, a UN agency's focal point: the application
        decides), None for readers only."""
        if self.is_secretariat:
            return SECRETARIAT
        return self.participant_id if self.is_participant else None

    @property
    def is_public(self) -> bool:
        return self.role == "public" and self.account_id is None

    @property
    def is_signed_in(self) -> bool:
        return self.account_id is not None

    @property
    def is_participant(self) -> bool:
        return self.role == "participant" and self.participant_id is not None

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat" or self.secretariat

    @property
    def is_auditor(self) -> bool:
        return self.role == "auditor" or self.auditor

    @property
    def is_administrator(self) -> bool:
        return self.administrator

    @property
    def sees_names(self) -> bool:
        """Names from the directory: participants, the secretariat and auditors."""
        return self.is_participant or self.is_secretariat or self.is_auditor

    def is_member(self, table: str) -> bool:
        return self.is_participant and table in self.tables

    def sees_positions(self, table: str) -> bool:
        """Who said what in a session of ``table``, and in its elections who voted for whom
        and what each candidate answered to the criteria (issue 19): members of that table
        and auditors."""
        return self.is_auditor or self.is_member(table)

    @property
    def sees_unaccepted_inputs(self) -> bool:
        """Inputs to open calls before or after a rejection: the secretariat (the
        representatives in term among them, who facilitate their tables) and auditors
        (issue 17, "Open calls")."""
        return self.is_secretariat or self.is_auditor

    def represents(self, table: str) -> bool:
        """Holds a seat of ``table`` in term today (a liaison representative of it)."""
        return any(seat.split("-")[1] == table for seat in self.seats)

    def decides_join_requests(self, table: str) -> bool:
        """Requests to join ``table``, with the requesters' details, and their decisions:
        the table's representatives in term and the secretariat (issue 17, "Requests to join
        the mechanism through a table")."""
        return self.represents(table) or self.is_secretariat

    def join_request_actor(self, table: str) -> str | None:
        """The actor of a decision on a request to join ``table``: a representative of the
        table as themselves, anyone else of the secretariat as the secretariat."""
        if self.represents(table) and self.participant_id:
            return self.participant_id
        return self.secretariat_actor if self.is_secretariat else None

    @property
    def sees_hidden_comments(self) -> bool:
        """The text of a hidden comment on a proposal (issue 17, "Discussion on drafts"):
        auditors only; everyone else sees the reason in its place."""
        return self.is_auditor

    def hides_comments(self, table: str) -> bool:
        """Whether the person may hide comments on ``table``'s proposals: its facilitators
        (a seat of that table held today) or the secretariat's staff."""
        if self.is_participant:
            return any(seat.split("-")[1:2] == [table] for seat in self.seats)
        return self.is_secretariat

    @property
    def reveals_personal_in_history(self) -> bool:
        """Decrypted personal fields and position takers in the audit history: auditors only."""
        return self.is_auditor
