"""Rules of representatives' elections and terms (seed "Architecture"; docs/design.md "WorkingTable")."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.errors import DomainError
from domain.ids import table_id
from domain.settings import Rules
from domain.working_table import WorkingTable, follows, one_year_after

WOMAN, MAN, OTHER_MAN, OTHER_WOMAN = (uuid4() for _ in range(4))
GENDERS: dict[str, str | None] = {str(WOMAN): "woman", str(MAN): "man", str(OTHER_MAN): "man", str(OTHER_WOMAN): "woman"}
TERM = date(2026, 2, 1)


def ctx(on: date = date(2026, 1, 27), actor: str = SECRETARIAT) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def table(extra_members: int = 3) -> WorkingTable:
    t = WorkingTable.register(ctx(date(2026, 1, 5)), id=table_id("RT1"), code="RT1")
    for p in [WOMAN, MAN, OTHER_MAN, OTHER_WOMAN, *(uuid4() for _ in range(extra_members))]:
        t.join(ctx(date(2026, 1, 5)), p)
    return t


def elect(t: WorkingTable, seat: str, who: UUID, start: date = TERM, on: date = date(2026, 1, 27), **kw: Any) -> None:
    kw.setdefault("session_id", uuid4())
    t.elect_representative(
        ctx(on), seat=seat, participant_id=who, term_start=start, term_end=kw.pop("term_end", None), genders=GENDERS,
        participant_versions={k: 1 for k in GENDERS}, **kw,
    )


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as e:
        call()  # type: ignore[operator]
    return e.value.code


def test_two_men_are_refused_by_gender_parity() -> None:
    t = table()
    elect(t, "LT-RT1-A", MAN)

    assert refusal(lambda: elect(t, "LT-RT1-B", OTHER_MAN)) == "gender_parity"


def test_the_election_records_the_parity_outcome_and_versions_read_never_genders() -> None:
    t = table()
    elect(t, "LT-RT1-A", MAN)
    elect(t, "LT-RT1-B", WOMAN)

    e = t.collect_events()[-1]
    assert (e.parity_check, e.participant_versions) == ("passed", {str(WOMAN): 1, str(MAN): 1})  # type: ignore[attr-defined]
    assert "woman" not in repr(vars(e)) and "'man'" not in repr(vars(e))


def test_a_third_consecutive_term_is_refused() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)
    elect(t, "LT-RT1-A", WOMAN, start=date(2027, 2, 1), on=date(2027, 1, 25))

    assert refusal(lambda: elect(t, "LT-RT1-A", WOMAN, start=date(2028, 2, 1), on=date(2028, 1, 24))) == "third_consecutive_term"


def test_a_break_shorter_than_a_term_keeps_terms_consecutive() -> None:
    assert follows(date(2027, 1, 31), date(2028, 1, 31)) is True
    assert follows(date(2027, 1, 31), date(2028, 2, 1)) is False


def test_after_sitting_out_a_full_term_a_person_may_serve_again() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)
    elect(t, "LT-RT1-A", WOMAN, start=date(2027, 2, 1), on=date(2027, 1, 25))
    elect(t, "LT-RT1-A", OTHER_WOMAN, start=date(2028, 2, 1), on=date(2028, 1, 24))
    elect(t, "LT-RT1-A", WOMAN, start=date(2029, 2, 1), on=date(2029, 1, 24))

    assert [x["participant"] for x in t.terms] == [str(WOMAN), str(WOMAN), str(OTHER_WOMAN), str(WOMAN)]


def test_a_regular_term_lasts_exactly_one_year() -> None:
    t = table()

    assert refusal(lambda: elect(t, "LT-RT1-A", WOMAN, term_end=date(2026, 12, 31))) == "term_shorter_than_a_year"
    assert refusal(lambda: elect(t, "LT-RT1-A", WOMAN, term_end=date(2027, 2, 1))) == "term_longer_than_a_year"


def test_a_by_election_fills_the_rest_of_the_vacated_term() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)
    t.vacate_seat(ctx(date(2026, 6, 1)), "LT-RT1-A", "resigned")
    elect(t, "LT-RT1-A", OTHER_WOMAN, start=date(2026, 6, 2), on=date(2026, 6, 2))

    assert [(x["term_start"], x["term_end"], x["vacated_on"]) for x in t.terms] == [
        (TERM, one_year_after(TERM), date(2026, 6, 1)), (date(2026, 6, 2), one_year_after(TERM), None),
    ]
    assert t.holder("LT-RT1-A", date(2026, 5, 31))["participant"] == str(WOMAN)  # type: ignore[index]


def test_an_election_not_decided_by_the_table_is_refused() -> None:
    t = table()

    assert refusal(lambda: elect(t, "LT-RT1-A", WOMAN, session_id=None)) == "election_not_decided_by_table"


@pytest.mark.parametrize(
    ("votes", "code"),
    [
        ({"for": 3, "against": 0, "abstain": 1}, "quorum_not_reached"),
        ({"for": 3, "against": 3}, "election_not_won"),
        ({"for": 9}, "more_votes_than_members"),
        ({"yes": 5}, "invalid_votes"),
    ],
)
def test_election_votes_follow_the_tables_rules(votes: dict[str, int], code: str) -> None:
    t = table()

    assert refusal(lambda: elect(t, "LT-RT1-A", WOMAN, session_id=None, votes=votes, rules=Rules(quorum=5))) == code


def test_election_votes_and_the_settings_version_are_recorded() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN, session_id=None, votes={"for": 5, "against": 1, "abstain": 1}, rules=Rules(version=4))

    e = t.collect_events()[-1]
    assert (e.votes, e.settings_version, e.session_id) == ({"for": 5, "against": 1, "abstain": 1}, 4, None)  # type: ignore[attr-defined]


def test_a_representative_with_a_term_still_to_start_must_vacate_before_leaving() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)

    assert refusal(lambda: t.leave(ctx(date(2026, 1, 28), actor=str(WOMAN)), WOMAN)) == "representative_must_vacate"


def test_vacating_before_the_term_starts_vacates_the_coming_term() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)
    t.vacate_seat(ctx(date(2026, 1, 28), actor=str(WOMAN)), "LT-RT1-A", "cannot serve")

    assert t.holder("LT-RT1-A", TERM) is None
    t.leave(ctx(date(2026, 1, 29), actor=str(WOMAN)), WOMAN)
    assert not t.is_member(WOMAN, date(2026, 1, 29))


def test_one_person_holds_one_seat_at_a_time() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)

    assert refusal(lambda: elect(t, "LT-RT1-B", WOMAN)) == "already_a_representative"
    assert refusal(lambda: elect(t, "LT-RT1-B", MAN, seats_elsewhere=["RT2"])) == "already_a_representative"


def test_an_overlapping_term_on_a_held_seat_is_refused() -> None:
    t = table()
    elect(t, "LT-RT1-A", WOMAN)

    assert refusal(lambda: elect(t, "LT-RT1-A", OTHER_WOMAN, start=date(2027, 1, 1), on=date(2026, 12, 1))) == "seat_occupied"
