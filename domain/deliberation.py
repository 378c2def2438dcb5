"""TableDeliberation: one session of one working table (docs/design.md, "TableDeliberation").

A session is scheduled (quarterly; virtual by default), builds an agenda of proposals at
their submitted version, takes the members' positions (``support | object | abstain``;
a later position of the same member on the same item replaces the earlier one, both kept
in history) and records the table's decision on each item with the tally, the rule and
the settings version that permitted it. A session takes positions and decisions from its
scheduling until it is closed (closing is explicit and optional, with minutes).

Opening (``open_session``) is optional too: it records that the meeting started, on or
after its scheduled date; the table-activity view counts a session as *held* when it was
opened or took a position or a decision. Agendas, decisions, opening and closing are
recorded by the secretariat or by the table's facilitators (the representatives of the
table holding a seat on that date, docs/design.md "Who uses it"); the application tells the
session whether the actor facilitates.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate, check_date
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)
from domain.may_act import require_position_member, require_secretariat
from domain.reference import table_objectives
from domain.settings import Rules

POSITIONS = ("support", "object", "abstain")
DECISIONS = ("adopt", "return_for_revision", "reject")
MODES = ("virtual", "in_person", "hybrid")
QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
Day = date  # the ``Scheduled`` event's field ``date`` shadows the type inside ``__init__``


def quarter_of(d: date) -> str:
    """The quarter label ``YYYY-Qn`` of a date (seed, "Functioning": quarterly meetings)."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def tally(positions: dict[str, str]) -> dict[str, int]:
    """Count the latest positions: ``{"support": n, "object": n, "abstain": n, "taking_part": n}``."""
    t = {p: 0 for p in POSITIONS}
    for p in positions.values():
        t[p] += 1
    t["taking_part"] = sum(t[p] for p in POSITIONS)
    return t


def decision_permitted(decision: str, counts: dict[str, int], rules: Rules) -> tuple[bool, str]:
    """Whether ``decision`` is permitted by ``counts`` under ``rules``, with the reason.

    Quorum: at least ``rules.quorum`` members take part (abstentions count). Adopt needs
    more support than objections; reject more objections than support; return for
    revision is always open to the table (docs/design.md, "TableDeliberation").
    """
    if counts["taking_part"] < rules.quorum:
        return False, f"quorum not reached: {counts['taking_part']} of {rules.quorum} members took part"
    if decision == "adopt" and counts["support"] <= counts["object"]:
        return False, f"adopt needs more support than objections ({counts['support']} support, {counts['object']} object)"
    if decision == "reject" and counts["object"] <= counts["support"]:
        return False, f"reject needs more objections than support ({counts['object']} object, {counts['support']} support)"
    return True, "permitted"


class TableDeliberation(DialogueAggregate):
    """One session of one working table."""

    @event("Scheduled")
    def __init__(
        self, *, id: UUID, reference: str, table: str, quarter: str, date: date, mode: str,
        actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.reference = reference
        self.table = table
        self.quarter = quarter
        self.date = date
        self.mode = mode
        self.closed = False
        self.opened_on: Day | None = None
        self.agenda: dict[str, dict[str, Any]] = {}

    @classmethod
    def schedule(
        cls, ctx: Ctx, *, id: UUID, reference: str, table: str, quarter: str, on: date, mode: str = "virtual"
    ) -> TableDeliberation:
        """Schedule a session of ``table`` on date ``on`` in ``quarter`` (the secretariat).

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidInputError: ``unknown_table``, ``date_out_of_range``, ``bad_quarter``, ``session_date_outside_quarter``,
            ``session_date_in_past``, ``unknown_mode``.
        """
        require_secretariat(ctx, "schedule_session")
        if table not in table_objectives():
            raise InvalidInputError(f"Unknown working table {table!r}.", code="unknown_table", field="table")
        check_date("date", on)  # before its quarter: year 0001's would not read YYYY-Qn
        if not QUARTER.match(quarter):
            raise InvalidInputError("A quarter reads YYYY-Qn, e.g. 2026-Q1.", code="bad_quarter", field="quarter")
        if quarter_of(on) != quarter:
            raise InvalidInputError(f"The date {on} is not in {quarter}.", code="session_date_outside_quarter", field="date")
        if on < ctx.effective_date:
            raise InvalidInputError("A session is scheduled for today or a later date.", code="session_date_in_past", field="date")
        if mode not in MODES:
            raise InvalidInputError(f"Mode is one of {list(MODES)}.", code="unknown_mode", field="mode")
        return cls(id=id, reference=reference, table=table, quarter=quarter, date=on, mode=mode, **ctx.stamp())

    def _require_open(self) -> None:
        if self.closed:
            raise InvalidTransitionError("This session is closed and takes nothing more.", code="session_closed")

    @staticmethod
    def _require_facilitator(ctx: Ctx, facilitator: bool, doing: str) -> None:
        if not (ctx.is_secretariat or facilitator):
            raise NotAllowedError(
                f"Only the secretariat or the table's facilitators (its representatives) {doing}.",
                code="not_a_facilitator",
            )

    @property
    def held(self) -> bool:
        """Whether the session met: opened, or took a position or a decision."""
        return self.opened_on is not None or any(
            item["positions"] or item["decision"] is not None for item in self.agenda.values()
        )

    def _item(self, proposal_id: UUID) -> dict[str, Any]:
        item = self.agenda.get(str(proposal_id))
        if item is None:
            raise InvalidInputError("This proposal is not on the session's agenda.", code="not_on_agenda", field="proposal")
        return item

    def add_to_agenda(self, ctx: Ctx, proposal_id: UUID, proposal_table: str, version: int, *, facilitator: bool = False) -> None:
        """Add a submitted proposal of this table at ``version`` (the secretariat or a facilitator).

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            InvalidTransitionError: ``session_closed``.
            InvalidInputError: ``proposal_of_another_table``, ``already_on_agenda``.
        """
        self._require_facilitator(ctx, facilitator, "build the agenda")
        self._require_open()
        if proposal_table != self.table:
            raise InvalidInputError(
                f"The proposal belongs to {proposal_table}; this is a session of {self.table}.",
                code="proposal_of_another_table", field="proposal",
            )
        if str(proposal_id) in self.agenda:
            raise InvalidInputError("The proposal is already on the agenda.", code="already_on_agenda", field="proposal")
        self._agenda_item_added(proposal_id=str(proposal_id), version=version, **ctx.stamp())

    @event("AgendaItemAdded")
    def _agenda_item_added(self, proposal_id: str, version: int, actor: str, effective_date: date, command_id: str) -> None:
        self.agenda[proposal_id] = {"version": version, "positions": {}, "decision": None}

    def record_position(self, ctx: Ctx, *, proposal_id: UUID, member: UUID, is_member: bool, position: str, reason: str = "") -> None:
        """Record a member's position on an agenda item (``support | object | abstain``).

        ``is_member`` is whether ``member`` belongs to the table on the effective date
        (the application reads it from the WorkingTable).

        Raises:
            NotAllowedError: ``not_a_member``.
            InvalidTransitionError: ``session_closed``, ``already_decided``.
            InvalidInputError: ``not_on_agenda``, ``unknown_position``.
        """
        self._require_open()
        require_position_member(is_member)
        item = self._item(proposal_id)
        if item["decision"] is not None:
            raise InvalidTransitionError("The table already decided on this item.", code="already_decided")
        if position not in POSITIONS:
            raise InvalidInputError(f"A position is one of {list(POSITIONS)}.", code="unknown_position", field="position")
        self._position_recorded(proposal_id=str(proposal_id), member=str(member), position=position, reason=reason, **ctx.stamp())

    @event("PositionRecorded")
    def _position_recorded(
        self, proposal_id: str, member: str, position: str, reason: str, actor: str, effective_date: date, command_id: str
    ) -> None:
        self.agenda[proposal_id]["positions"][member] = position

    def decide(
        self, ctx: Ctx, *, proposal_id: UUID, decision: str, rules: Rules, facilitator: bool = False,
        members: Collection[str] | None = None,
    ) -> int:
        """Record the table's decision on an item, checked against the latest positions.

        The tally counts each member's latest position; ``members`` (the application reads
        them from the WorkingTable on the effective date) limits it to the people who are
        members when the table decides: a member who left since stating a position no longer
        counts toward quorum and majority (issue 11). The decision event stores the tally with
        the rule, the quorum and the settings version, so an auditor can recompute that
        the decision was permitted (:func:`decision_permitted`). Returns the version of
        the proposal the decision refers to (the version put on the agenda).

        Raises:
            NotAllowedError: ``not_a_facilitator`` (decisions are recorded by the secretariat
            or the table's facilitators).
            InvalidTransitionError: ``session_closed``, ``already_decided``.
            InvalidInputError: ``unknown_decision``, ``not_on_agenda``.
            RuleViolationError: ``quorum_not_reached``, ``decision_not_permitted`` (majority).
        """
        self._require_facilitator(ctx, facilitator, "record decisions")
        self._require_open()
        if decision not in DECISIONS:
            raise InvalidInputError(f"A decision is one of {list(DECISIONS)}.", code="unknown_decision", field="decision")
        item = self._item(proposal_id)
        if item["decision"] is not None:
            raise InvalidTransitionError("The table already decided on this item.", code="already_decided")
        positions = item["positions"]
        counted = None if members is None else set(members)
        counts = tally(positions if counted is None else {m: p for m, p in positions.items() if m in counted})
        ok, why = decision_permitted(decision, counts, rules)
        if not ok:
            code = "quorum_not_reached" if why.startswith("quorum") else "decision_not_permitted"
            raise RuleViolationError(f"The table cannot {decision.replace('_', ' ')}: {why}.", code=code)
        self._decision_recorded(
            proposal_id=str(proposal_id), version=item["version"], decision=decision, tally=counts,
            rule=rules.decision_rule, quorum=rules.quorum, settings_version=rules.version, **ctx.stamp(),
        )
        return int(item["version"])

    @event("DecisionRecorded")
    def _decision_recorded(
        self, proposal_id: str, version: int, decision: str, tally: dict[str, int], rule: str, quorum: int,
        settings_version: int, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.agenda[proposal_id]["decision"] = decision

    def open(self, ctx: Ctx, *, facilitator: bool = False) -> None:
        """Record that the session's meeting started (optional; the secretariat or a facilitator).

        A session opens once, on or after its scheduled date, and not once closed.
        Positions and decisions do not wait for it: a session takes them from its
        scheduling (docs/design.md, "TableDeliberation").

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            InvalidTransitionError: ``session_closed``, ``session_already_open``,
            ``session_not_due`` (before its date).
        """
        self._require_facilitator(ctx, facilitator, "open a session")
        self._require_open()
        if self.opened_on is not None:
            raise InvalidTransitionError(f"This session was opened on {self.opened_on}.", code="session_already_open")
        if ctx.effective_date < self.date:
            raise InvalidTransitionError(f"This session is scheduled for {self.date}; it opens on that date or later.", code="session_not_due")
        self._opened(**ctx.stamp())

    @event("Opened")
    def _opened(self, actor: str, effective_date: date, command_id: str) -> None:
        self.opened_on = effective_date

    def close(self, ctx: Ctx, minutes: str = "", *, facilitator: bool = False) -> None:
        """Close the session with its minutes (the secretariat or a facilitator signs them).

        Closing is explicit and optional; a closed session takes no more positions,
        decisions, agenda items or opening. ``minutes`` is the text of the minutes.

        Raises:
            NotAllowedError: ``not_a_facilitator``.
            InvalidTransitionError: ``session_closed``.
            InvalidInputError: ``minutes_required`` when the minutes are blank.
        """
        self._require_facilitator(ctx, facilitator, "close a session")
        self._require_open()
        if not minutes.strip():
            raise InvalidInputError("A session closes with its minutes.", code="minutes_required", field="minutes")
        self._closed(minutes=minutes, **ctx.stamp())

    @event("Closed")
    def _closed(self, minutes: str, actor: str, effective_date: date, command_id: str) -> None:
        self.closed = True


# The reason a member gives for a position is a political opinion: the mapper seals it with
# the key of the member named in ``member``, so that erasing them makes it unreadable.
# Positions recorded before the reason was sealed hold it in plaintext and still load (the
# mapper opens ``personal`` only when an event has it; docs/privacy.md).
TableDeliberation.PositionRecorded.personal_fields = ("reason",)  # type: ignore[attr-defined]
TableDeliberation.PositionRecorded.personal_key_field = "member"  # type: ignore[attr-defined]
# The session's state keeps who took which position, never the reason: the aggregate may stay
# in a process's cache (application/aggregate_cache.py) without keeping an erased opinion.
TableDeliberation.personal_data_in_state = False  # type: ignore[attr-defined]
