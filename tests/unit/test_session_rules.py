"""Rules of table sessions (docs/design.md "TableDeliberation"; issue 3 "Sessions")."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.deliberation import TableDeliberation, decision_permitted, tally
from domain.errors import DomainError
from domain.settings import DEFAULT_RULES, Rules

SESSION_DAY = date(2026, 1, 27)
PROPOSAL = uuid4()
MEMBERS = [str(uuid4()) for _ in range(6)]


def ctx(actor: str = SECRETARIAT, on: date = SESSION_DAY) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def session_with_item() -> TableDeliberation:
    s = TableDeliberation.schedule(ctx(on=date(2026, 1, 7)), id=uuid4(), reference="s", table="RT1", quarter="2026-Q1", on=SESSION_DAY)
    s.add_to_agenda(ctx(), PROPOSAL, "RT1", 1)
    return s


def position(s: TableDeliberation, member: str, value: str, proposal: UUID = PROPOSAL) -> None:
    s.record_position(ctx(member), proposal_id=proposal, member=UUID(member), is_member=True, position=value)


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as e:
        call()  # type: ignore[operator]
    return e.value.code


@pytest.mark.parametrize(
    ("positions", "decision", "permitted"),
    [
        (["support"] * 3 + ["abstain"] * 2, "adopt", True),  # abstentions count for the quorum
        (["support"] * 4, "adopt", False),  # 4 of 5 take part
        (["support"] * 2 + ["object"] * 2 + ["abstain"], "adopt", False),  # a tie does not adopt
        (["support"] * 2 + ["object"] * 2 + ["abstain"], "reject", False),  # nor reject
        (["support"] * 2 + ["object"] * 2 + ["abstain"], "return_for_revision", True),
        (["object"] * 3 + ["support"] * 2, "reject", True),
    ],
)
def test_the_default_rule_permits_by_quorum_and_majority(positions: list[str], decision: str, permitted: bool) -> None:
    counts = tally({str(i): p for i, p in enumerate(positions)})

    assert decision_permitted(decision, counts, DEFAULT_RULES)[0] is permitted


def test_a_later_position_replaces_the_earlier_in_the_tally_and_both_stay_in_history() -> None:
    s = session_with_item()
    position(s, MEMBERS[0], "object")
    position(s, MEMBERS[0], "support")

    recorded = [e.position for e in s.collect_events() if isinstance(e, TableDeliberation.PositionRecorded)]  # type: ignore[attr-defined]
    assert recorded == ["object", "support"]
    assert s.agenda[str(PROPOSAL)]["positions"] == {MEMBERS[0]: "support"}


def test_a_position_from_a_non_member_is_refused() -> None:
    s = session_with_item()

    assert refusal(lambda: s.record_position(ctx(MEMBERS[0]), proposal_id=PROPOSAL, member=UUID(MEMBERS[0]), is_member=False, position="support")) == "not_a_member"


def test_the_decision_records_tally_rule_quorum_and_settings_version() -> None:
    s = session_with_item()
    for m in MEMBERS[:5]:
        position(s, m, "support")
    s.decide(ctx(), proposal_id=PROPOSAL, decision="adopt", rules=Rules(quorum=4, version=3))

    e = s.collect_events()[-1]
    assert (dict(e.tally), e.rule, e.quorum, e.settings_version) == (  # type: ignore[attr-defined]
        {"support": 5, "object": 0, "abstain": 0, "taking_part": 5}, "simple_majority_of_positions", 4, 3,
    )


def test_a_decision_below_quorum_is_refused() -> None:
    s = session_with_item()
    for m in MEMBERS[:4]:
        position(s, m, "support")

    assert refusal(lambda: s.decide(ctx(), proposal_id=PROPOSAL, decision="adopt", rules=DEFAULT_RULES)) == "quorum_not_reached"


def test_a_closed_session_takes_no_decision() -> None:
    s = session_with_item()
    for m in MEMBERS[:5]:
        position(s, m, "support")
    s.close(ctx(), "Acta.")

    assert refusal(lambda: s.decide(ctx(), proposal_id=PROPOSAL, decision="adopt", rules=DEFAULT_RULES)) == "session_closed"


def test_closing_needs_minutes() -> None:
    s = session_with_item()

    assert refusal(lambda: s.close(ctx(), "   ")) == "minutes_required"


def test_a_session_opens_on_its_date_not_before() -> None:
    s = session_with_item()

    assert refusal(lambda: s.open(ctx(on=date(2026, 1, 26)))) == "session_not_due"


def test_a_session_opens_once_and_is_then_held() -> None:
    s = session_with_item()
    s.open(ctx())

    assert (s.opened_on, s.held) == (SESSION_DAY, True)
    assert refusal(lambda: s.open(ctx())) == "session_already_open"


def test_a_facilitator_records_decisions_a_member_does_not() -> None:
    s = session_with_item()
    for m in MEMBERS[:5]:
        position(s, m, "support")

    assert refusal(lambda: s.decide(ctx(MEMBERS[5]), proposal_id=PROPOSAL, decision="adopt", rules=DEFAULT_RULES)) == "not_a_facilitator"
    assert s.decide(ctx(MEMBERS[5]), proposal_id=PROPOSAL, decision="adopt", rules=DEFAULT_RULES, facilitator=True) == 1


def test_only_the_positions_of_todays_members_are_counted_at_the_decision() -> None:
    s = session_with_item()
    for m in MEMBERS[:5]:
        position(s, m, "support")
    position(s, MEMBERS[5], "object")

    s.decide(ctx(), proposal_id=PROPOSAL, decision="adopt", rules=Rules(quorum=4), members=MEMBERS[1:5])

    e = s.collect_events()[-1]
    assert dict(e.tally) == {"support": 4, "object": 0, "abstain": 0, "taking_part": 4}  # type: ignore[attr-defined]


def test_a_decision_is_refused_when_members_who_left_leave_it_below_quorum() -> None:
    s = session_with_item()
    for m in MEMBERS[:5]:
        position(s, m, "support")

    code = refusal(lambda: s.decide(ctx(), proposal_id=PROPOSAL, decision="adopt", rules=Rules(quorum=4), members=MEMBERS[:3]))

    assert code == "quorum_not_reached"
