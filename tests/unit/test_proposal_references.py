"""References of proposals: ``RTn-YYYY-NNN`` numbered by the working table per year (issue 12, "References")."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.ids import table_id
from domain.proposal_references import format_reference
from domain.working_table import WorkingTable


def ctx(on: date = date(2026, 3, 2)) -> Ctx:
    return Ctx(actor=SECRETARIAT, effective_date=on, command_id=f"c-{uuid4()}")


def table(code: str = "RT4") -> WorkingTable:
    return WorkingTable.register(ctx(date(2026, 1, 5)), id=table_id(code), code=code)


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as e:
        call()  # type: ignore[operator]
    return e.value.code


def test_a_reference_has_three_digits_at_least() -> None:
    assert (format_reference("RT4", 2026, 7), format_reference("RT1", 2027, 1234)) == ("RT4-2026-007", "RT1-2027-1234")


def test_the_table_numbers_its_proposals_in_order() -> None:
    t = table()

    refs = [t.assign_reference(ctx(), uuid4()) for _ in range(3)]

    assert refs == ["RT4-2026-001", "RT4-2026-002", "RT4-2026-003"]


def test_numbering_starts_again_in_a_new_year() -> None:
    t = table()
    t.assign_reference(ctx(date(2026, 12, 30)), uuid4())

    assert t.assign_reference(ctx(date(2027, 1, 4)), uuid4()) == "RT4-2027-001"


def test_the_assignment_is_an_event_naming_the_proposal() -> None:
    t = table()
    proposal = uuid4()
    t.assign_reference(ctx(), proposal)

    e = t.collect_events()[-1]
    assert (type(e).__name__, e.reference, e.proposal_id, e.number) == (  # type: ignore[attr-defined]
        "ProposalReferenceAssigned", "RT4-2026-001", str(proposal), 1,
    )


def test_a_given_reference_of_another_form_is_kept_without_an_event() -> None:
    t = table("RT1")
    before = len(t.pending_events)

    assert (t.assign_reference(ctx(), uuid4(), "prop-rt1-01"), len(t.pending_events)) == ("prop-rt1-01", before)


def test_a_given_reference_in_the_automatic_form_is_recorded_and_never_given_again() -> None:
    t = table()
    assert t.assign_reference(ctx(), uuid4(), "RT4-2026-005") == "RT4-2026-005"

    assert t.assign_reference(ctx(), uuid4()) == "RT4-2026-006"


def test_a_given_reference_already_given_is_refused() -> None:
    t = table()
    t.assign_reference(ctx(), uuid4())

    assert refusal(lambda: t.assign_reference(ctx(), uuid4(), "RT4-2026-001")) == "reference_taken"


def test_a_given_reference_of_another_table_is_refused() -> None:
    t = table()

    assert refusal(lambda: t.assign_reference(ctx(), uuid4(), "RT2-2026-001")) == "reference_of_another_table"
