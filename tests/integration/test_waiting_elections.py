"""What waits for me in elections (issue 19; application/waiting.py): a candidacy to declare
while nominations are open, a ballot to cast while voting is open."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from application.bootstrap import Services
from application.roles import Identity
from application.waiting import Waiting, what_waits_for
from domain.errors import DomainError

CRITERIA = {
    "networks": "Red de casas del migrante", "coordination": "Coordiné la red nacional", "availability": "Dos días al mes",
    "advocacy_levels": ["local"], "subregion": "central_america", "sector": "migrant_organisation",
}


@pytest.fixture
def election(services: Services) -> tuple[Services, dict[str, str], str]:
    """RT1 with Ana, Bea and Carlos; an election of RT1 open on 2026-01-05 (nominations
    close on 2026-01-31, voting on 2026-02-20)."""
    app = services.app
    for code in ("RT1", "RT2", "RT3", "RT4"):
        app.register_table(code)
    app.define_settings(values={"quorum": 2})
    ids = {}
    for name, gender in (("ana", "woman"), ("bea", "woman"), ("carlos", "man"), ("dora", "woman")):
        ids[name] = str(app.register_participant(
            reference=name, display_name=name.capitalize(), organisation_id=None, gender=gender, preferred_language="es", id=uuid4(),
        ))
    for name in ("ana", "bea", "carlos"):
        app.join_table(ids[name], "RT1")
    eid = uuid4()
    app.open_election(
        election_id=eid, table="RT1", seats=["LT-RT1-A"], term_start=date(2026, 3, 1),
        nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20),
    )
    return services, ids, str(eid)


def waiting(s: Services, participant_id: str, on: date) -> Waiting:
    s.projector.catch_up()
    return what_waits_for(s.app.roles_of(Identity("acc", participant_id), on), s.projector.engine, on)


def test_a_member_sees_the_candidacy_to_declare_until_they_stand(election: tuple[Services, dict[str, str], str]) -> None:
    s, ids, eid = election
    before = [e["election_id"] for e in waiting(s, ids["ana"], date(2026, 1, 10)).candidacies]
    s.app.declare_candidacy(eid, candidate=ids["ana"], statement="Me postulo", criteria=CRITERIA)
    after = waiting(s, ids["ana"], date(2026, 1, 10)).candidacies

    assert before == [eid]
    assert after == []


def test_someone_outside_the_table_is_not_asked_to_stand(election: tuple[Services, dict[str, str], str]) -> None:
    s, ids, _ = election
    assert waiting(s, ids["dora"], date(2026, 1, 10)).candidacies == []


def test_a_member_sees_the_ballot_to_cast_in_the_voting_period_until_they_vote(election: tuple[Services, dict[str, str], str]) -> None:
    s, ids, eid = election
    s.app.declare_candidacy(eid, candidate=ids["ana"], statement="Me postulo", criteria=CRITERIA)
    s.app.clock.set(date(2026, 2, 5))  # type: ignore[attr-defined]
    during = waiting(s, ids["bea"], date(2026, 2, 5))
    s.app.cast_ballot(eid, voter=ids["bea"], choices=[ids["ana"]])
    after = waiting(s, ids["bea"], date(2026, 2, 5))

    assert ([e["election_id"] for e in during.ballots], during.candidacies) == ([eid], [])
    assert after.ballots == []


def test_a_member_who_joined_after_nominations_closed_has_no_ballot_to_cast(election: tuple[Services, dict[str, str], str]) -> None:
    s, ids, eid = election
    s.app.declare_candidacy(eid, candidate=ids["ana"], statement="Me postulo", criteria=CRITERIA)
    s.app.clock.set(date(2026, 2, 2))  # type: ignore[attr-defined]
    s.app.join_table(ids["dora"], "RT1")

    assert waiting(s, ids["dora"], date(2026, 2, 5)).ballots == []


def test_a_second_election_for_the_same_seat_is_refused_while_the_first_is_open(election: tuple[Services, dict[str, str], str]) -> None:
    s, _, _ = election
    with pytest.raises(DomainError) as refused:
        s.app.open_election(
            election_id=uuid4(), table="RT1", seats=["LT-RT1-A"], term_start=date(2026, 3, 1),
            nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20),
        )

    assert refused.value.code == "election_already_open"


def test_a_member_the_re_election_limit_bars_is_not_asked_to_stand(election: tuple[Services, dict[str, str], str]) -> None:
    s, ids, _ = election
    for start in (date(2026, 3, 1), date(2027, 3, 1)):
        s.app.elect_representative(table="RT1", seat="LT-RT1-A", participant_id=ids["ana"], term_start=start, votes={"for": 3, "against": 0, "abstain": 0})
    later = uuid4()
    s.app.open_election(
        election_id=later, table="RT1", seats=["LT-RT1-B"], term_start=date(2028, 3, 1),
        nominations_close=date(2026, 1, 31), voting_closes=date(2026, 2, 20),
    )
    s.projector.catch_up()
    barred = s.app.barred_from_standing

    ana = what_waits_for(s.app.roles_of(Identity("acc", ids["ana"]), date(2026, 1, 10)), s.projector.engine, date(2026, 1, 10), barred=barred)
    bea = what_waits_for(s.app.roles_of(Identity("acc", ids["bea"]), date(2026, 1, 10)), s.projector.engine, date(2026, 1, 10), barred=barred)

    assert str(later) not in [e["election_id"] for e in ana.candidacies]
    assert str(later) in [e["election_id"] for e in bea.candidacies]
