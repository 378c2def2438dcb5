"""LiaisonTable: the two UN agency seats of the Liaison Table (docs/design.md, "LiaisonTable").

Seed, section "Architecture": "The Liaison table will be made up of the 8
representatives from the working tables and 2 United Nations Agencies from the WG-CS of
the Regional Network on Migration, amounting to 10 participants. The 2 UN agencies may
apply voluntarily and the nomination will be by consensus of the WG-CS."

The 8 representative seats are derived from the WorkingTable aggregates (their elected
terms); this aggregate (one per mechanism, id :data:`LIAISON_TABLE_ID`) holds the 2 UN
seats ``LT-UN-1`` and ``LT-UN-2``: which agency holds each, since when, the record of the
WG-CS consensus that nominated it and, optionally, the agency's focal point (a
participant id) who speaks for the seat. UN agencies give technical advice and vote only
when the settings say so (``un_agencies_vote``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import Ctx, DialogueAggregate
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)
from domain.may_act import require_secretariat

LIAISON_TABLE_ID = uuid5(NAMESPACE_URL, "urn:dialogue:liaison-table")
UN_SEATS = ("LT-UN-1", "LT-UN-2")
MAX_AGENCY = 200


class LiaisonTable(DialogueAggregate):
    """The Liaison Table's UN agency seats (the 8 representative seats live in the tables)."""

    @event("Constituted")
    def __init__(self, *, id: UUID, actor: str, effective_date: date, command_id: str) -> None:
        self.nominations: list[dict[str, Any]] = []

    @classmethod
    def constitute(cls, ctx: Ctx) -> LiaisonTable:
        """Start the Liaison Table's record (the secretariat; once per mechanism).

        Raises:
            NotAllowedError: ``secretariat_only``.
        """
        if not ctx.is_secretariat:
            raise NotAllowedError("Only the secretariat keeps the Liaison Table's record.", code="secretariat_only")
        return cls(id=LIAISON_TABLE_ID, **ctx.stamp())

    def un_seat(self, seat: str, on: date) -> dict[str, Any] | None:
        """The nomination in force on UN ``seat`` on date ``on`` (``{seat, agency,
        focal_point, nominated_on, vacated_on}``), or None when the seat is vacant."""
        for n in reversed(self.nominations):
            if n["seat"] == seat and n["nominated_on"] <= on and (n["vacated_on"] is None or on < n["vacated_on"]):
                return n
        return None

    def nominate_un_agency(
        self, ctx: Ctx, *, seat: str, agency: str, consensus_record: str, objections: int = 0,
        focal_point: UUID | None = None,
    ) -> None:
        """Record the WG-CS's nomination of a UN agency to a vacant UN seat (the secretariat).

        ``consensus_record`` says where the WG-CS consensus is recorded (e.g. the minutes
        of its meeting); ``objections`` is how many WG-CS members objected: a nomination is
        by consensus, so any objection refuses it. ``focal_point`` is the participant who
        speaks and, when the settings allow it, votes for the seat.

        Raises:
            NotAllowedError: ``secretariat_only``.
            InvalidInputError: ``unknown_seat``, ``empty_text``, ``text_too_long``, ``invalid_input``.
            RuleViolationError: ``no_wgcs_consensus``, ``seat_occupied``, ``agency_already_seated``.
        """
        require_secretariat(ctx, "un_nomination")
        if seat not in UN_SEATS:
            raise InvalidInputError(f"UN agency seats are {list(UN_SEATS)}.", code="unknown_seat", field="seat")
        if not agency.strip():
            raise InvalidInputError("Name the UN agency.", code="empty_text", field="agency")
        if len(agency) > MAX_AGENCY:
            raise InvalidInputError(f"An agency's name is at most {MAX_AGENCY} characters.", code="text_too_long", field="agency", limit=MAX_AGENCY)
        if not consensus_record.strip():
            raise InvalidInputError("Say where the WG-CS consensus is recorded.", code="empty_text", field="consensus_record")
        if not isinstance(objections, int) or isinstance(objections, bool) or objections < 0:
            raise InvalidInputError("Objections are a count, 0 or more.", code="invalid_input", field="objections")
        if objections:
            raise RuleViolationError(
                "A UN agency is nominated by consensus of the WG-CS (seed, \"Architecture\"): no member objects.",
                code="no_wgcs_consensus", field="objections",
            )
        if self.un_seat(seat, ctx.effective_date) is not None:
            raise RuleViolationError(f"{seat} is held; vacate it first.", code="seat_occupied", field="seat")
        other = next(s for s in UN_SEATS if s != seat)
        held = self.un_seat(other, ctx.effective_date)
        if held is not None and held["agency"].strip().casefold() == agency.strip().casefold():
            raise RuleViolationError(f"{agency} already holds {other}.", code="agency_already_seated", field="agency")
        self._un_agency_nominated(
            seat=seat, agency=agency, consensus_record=consensus_record,
            focal_point=str(focal_point) if focal_point else None, **ctx.stamp(),
        )

    @event("UnAgencyNominated")
    def _un_agency_nominated(
        self, seat: str, agency: str, consensus_record: str, focal_point: str | None, actor: str, effective_date: date, command_id: str,
    ) -> None:
        self.nominations.append({
            "seat": seat, "agency": agency, "focal_point": focal_point, "nominated_on": effective_date, "vacated_on": None,
        })

    def vacate_un_seat(self, ctx: Ctx, seat: str, reason: str = "") -> None:
        """End a UN agency's nomination today (the secretariat).

        Raises:
            NotAllowedError: ``secretariat_only``.  InvalidTransitionError: ``seat_not_held``.
        """
        require_secretariat(ctx, "un_vacate")
        n = self.un_seat(seat, ctx.effective_date)
        if n is None:
            raise InvalidTransitionError(f"{seat} is not held on {ctx.effective_date}.", code="seat_not_held")
        self._un_seat_vacated(seat=seat, agency=n["agency"], reason=reason, **ctx.stamp())

    @event("UnSeatVacated")
    def _un_seat_vacated(self, seat: str, agency: str, reason: str, actor: str, effective_date: date, command_id: str) -> None:
        n = self.un_seat(seat, effective_date)
        if n is not None:
            n["vacated_on"] = effective_date
