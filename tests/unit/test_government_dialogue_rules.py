"""Biannual dialogues with governments (seed "Other actors' involvement")."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.government_dialogue import GovernmentDialogue, government_dialogue_id, period_of


def ctx(on: date = date(2026, 3, 11)) -> Ctx:
    return Ctx(actor=SECRETARIAT, effective_date=on, command_id=f"c-{uuid4()}")


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as e:
        call()  # type: ignore[operator]
    return e.value.code


def dialogue() -> GovernmentDialogue:
    return GovernmentDialogue.schedule(ctx(), period="2026-H1", on=date(2026, 5, 20), title="Diálogo", governments=["all governments of the region", "CO"])


def test_the_half_year_names_the_dialogue() -> None:
    assert (period_of(date(2026, 6, 30)), period_of(date(2026, 7, 1))) == ("2026-H1", "2026-H2")
    assert dialogue().id == government_dialogue_id("2026-H1")


@pytest.mark.parametrize(
    ("period", "on", "governments", "code"),
    [
        ("2026-S1", date(2026, 5, 20), ["CO"], "bad_period"),
        ("2026-H2", date(2026, 5, 20), ["CO"], "dialogue_date_outside_period"),
        ("2026-H1", date(2026, 3, 1), ["CO"], "dialogue_date_in_past"),
        ("2026-H1", date(2026, 5, 20), [], "no_government"),
        ("2026-H1", date(2026, 5, 20), ["ES"], "unknown_government"),
    ],
)
def test_scheduling_refuses_bad_input(period: str, on: date, governments: list[str], code: str) -> None:
    assert refusal(lambda: GovernmentDialogue.schedule(ctx(), period=period, on=on, title="Diálogo", governments=governments)) == code


def test_only_endorsed_recommendations_are_presented() -> None:
    d = dialogue()

    assert refusal(lambda: d.present(ctx(date(2026, 5, 20)), proposal_id=uuid4(), proposal_status="adopted", version=1)) == "not_a_recommendation"


def test_a_recommendation_is_presented_once_on_or_after_the_dialogues_date() -> None:
    d = dialogue()
    pid = uuid4()

    assert refusal(lambda: d.present(ctx(date(2026, 5, 19)), proposal_id=pid, proposal_status="published", version=2)) == "dialogue_not_held_yet"
    d.present(ctx(date(2026, 5, 20)), proposal_id=pid, proposal_status="published", version=2)
    assert refusal(lambda: d.present(ctx(date(2026, 5, 21)), proposal_id=pid, proposal_status="published", version=2)) == "already_presented"
    assert d.presented == {str(pid): 2}
