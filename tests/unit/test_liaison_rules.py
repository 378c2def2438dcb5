"""Rules of the Liaison Table: UN agency seats and endorsement rounds (seed "Architecture";
docs/design.md "LiaisonTable", "LiaisonEndorsement")."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.base import SECRETARIAT, Ctx
from domain.endorsement import LiaisonEndorsement
from domain.errors import DomainError
from domain.liaison_table import LiaisonTable
from domain.settings import DEFAULT_RULES, Rules

DAY = date(2026, 2, 10)
FOCAL = uuid4()


def ctx(on: date = DAY, actor: str = SECRETARIAT) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as e:
        call()  # type: ignore[operator]
    return e.value.code


def liaison_table() -> LiaisonTable:
    lt = LiaisonTable.constitute(ctx(date(2026, 1, 29)))
    lt.nominate_un_agency(ctx(date(2026, 1, 29)), seat="LT-UN-1", agency="IOM", consensus_record="WG-CS minutes 3", focal_point=FOCAL)
    return lt


def round_() -> LiaisonEndorsement:
    return LiaisonEndorsement.open(ctx(date(2026, 2, 9)), id=uuid4(), proposal_id=uuid4(), version=1, session_id=None, closes_on=date(2026, 2, 20))


def vote(r: LiaisonEndorsement, seat: str, who: UUID, value: str = "endorse", rules: Rules = DEFAULT_RULES, on: date = DAY) -> None:
    r.vote(ctx(on, str(who)), seat=seat, participant_id=who, vote=value, reason="", holder_on_date=str(who), is_author=False, rules=rules)


def test_a_un_nomination_needs_the_wgcs_consensus() -> None:
    lt = LiaisonTable.constitute(ctx())

    assert refusal(lambda: lt.nominate_un_agency(ctx(), seat="LT-UN-2", agency="UNHCR", consensus_record="minutes 4", objections=1)) == "no_wgcs_consensus"


def test_a_held_un_seat_takes_no_second_agency_until_vacated() -> None:
    lt = liaison_table()

    assert refusal(lambda: lt.nominate_un_agency(ctx(), seat="LT-UN-1", agency="UNHCR", consensus_record="minutes 4")) == "seat_occupied"
    lt.vacate_un_seat(ctx(date(2026, 6, 1)), "LT-UN-1")
    lt.nominate_un_agency(ctx(date(2026, 6, 1)), seat="LT-UN-1", agency="UNHCR", consensus_record="minutes 9")
    assert [(n["agency"], n["vacated_on"]) for n in lt.nominations] == [("IOM", date(2026, 6, 1)), ("UNHCR", None)]


def test_one_agency_holds_one_un_seat() -> None:
    lt = liaison_table()

    assert refusal(lambda: lt.nominate_un_agency(ctx(), seat="LT-UN-2", agency="iom ", consensus_record="minutes 4")) == "agency_already_seated"


def test_un_agencies_advise_and_do_not_vote_by_default() -> None:
    r = round_()

    assert refusal(lambda: vote(r, "LT-UN-1", FOCAL)) == "un_agency_advises"


def test_un_votes_count_only_while_the_settings_let_un_agencies_vote() -> None:
    r = round_()
    for seat in ("LT-RT1-A", "LT-RT1-B", "LT-RT2-A", "LT-RT2-B"):
        vote(r, seat, uuid4())
    vote(r, "LT-UN-1", FOCAL, rules=Rules(un_agencies_vote=True))

    assert r.close(ctx(date(2026, 2, 21)), Rules(un_agencies_vote=False, version=3)) is False
    assert r.tally == {"endorse": 4, "object": 0}


def test_five_endorsements_outnumbering_objections_endorse() -> None:
    r = round_()
    for seat in ("LT-RT1-A", "LT-RT1-B", "LT-RT2-A", "LT-RT2-B", "LT-RT3-A"):
        vote(r, seat, uuid4())
    vote(r, "LT-RT3-B", uuid4(), "object")

    assert r.close(ctx(date(2026, 2, 21)), Rules()) is True
    assert (r.outcome, r.tally) == ("endorsed", {"endorse": 5, "object": 1})


def test_a_seat_changes_its_vote_and_the_latest_counts() -> None:
    r = round_()
    who = uuid4()
    vote(r, "LT-RT1-A", who, "object")
    vote(r, "LT-RT1-A", who, "endorse")

    assert r.votes == {"LT-RT1-A": "endorse"}


def test_a_vote_after_closes_on_is_refused() -> None:
    r = round_()

    assert refusal(lambda: vote(r, "LT-RT1-A", uuid4(), on=date(2026, 2, 21))) == "round_past_deadline"


def test_a_vote_outside_the_holders_term_is_refused() -> None:
    r = round_()
    who = uuid4()

    assert refusal(lambda: r.vote(
        ctx(actor=str(who)), seat="LT-RT1-A", participant_id=who, vote="endorse", reason="", holder_on_date=None, is_author=False, rules=Rules(),
    )) == "not_the_seat_holder"


def test_the_deadline_job_waits_for_closes_on() -> None:
    r = round_()

    assert refusal(lambda: r.close(ctx(date(2026, 2, 20)), Rules())) == "round_not_due"


def test_un_advice_comes_from_the_nominated_agency() -> None:
    r = round_()
    nomination = liaison_table().un_seat("LT-UN-1", DAY)

    assert refusal(lambda: r.record_un_advice(ctx(), seat="LT-UN-1", agency="UNHCR", advice="Texto", nomination=nomination)) == "agency_not_on_seat"
    assert refusal(lambda: r.record_un_advice(ctx(), seat="LT-UN-2", agency="", advice="Texto", nomination=None)) == "un_seat_vacant"
    r.record_un_advice(ctx(actor=str(FOCAL)), seat="LT-UN-1", agency="", advice="Citar las guías regionales.", nomination=nomination)
    assert r.collect_events()[-1].agency == "IOM"  # type: ignore[attr-defined]
