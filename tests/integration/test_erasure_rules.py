"""After erasure the person takes no further part under their id (docs/design.md, "Participant"):
the erasure is refused a second time, and an erased person is not elected, does not join a
table and has no details updated."""

from __future__ import annotations

from datetime import date

import pytest

from application import privacy
from application.bootstrap import Services
from domain.base import SECRETARIAT, Ctx
from domain.errors import DomainError
from tests.integration.test_erasure import participant_id


@pytest.fixture
def erased(loaded: Services) -> Services:
    privacy.erase(loaded, "p-12")
    return loaded


def refusal(call: object) -> str:
    with pytest.raises(DomainError) as caught:
        call()  # type: ignore[operator]
    return caught.value.code


def test_an_erasure_is_refused_a_second_time(erased: Services) -> None:
    assert refusal(lambda: erased.app.erase_participant(participant_id("p-12"))) == "already_erased"


def test_an_erased_person_is_not_elected(erased: Services) -> None:
    code = refusal(lambda: erased.app.elect_representative(
        table="RT1", seat="LT-RT1-B", participant_id=participant_id("p-12"), term_start=date(2026, 3, 28),
        votes={"for": 9, "against": 0, "abstain": 0},
    ))
    assert code == "participant_erased"


def test_an_erased_person_joins_no_table(erased: Services) -> None:
    assert refusal(lambda: erased.app.join_table(participant_id("p-12"), "RT2")) == "participant_erased"


def test_an_erased_persons_details_are_not_updated(erased: Services) -> None:
    p = erased.app.participant(participant_id("p-12"))
    assert refusal(lambda: p.update_details(Ctx(SECRETARIAT, date(2026, 3, 27), "t:1"), {"gender": "woman"})) == "participant_erased"


def test_a_refused_erasure_changes_nothing(loaded: Services) -> None:
    before = loaded.app.recorder.max_notification_id()
    code = refusal(lambda: loaded.app.erase_participant(participant_id("p-12"), actor=str(participant_id("p-01"))))
    assert code == "not_allowed"
    assert loaded.app.recorder.max_notification_id() == before
    assert loaded.keys.get(str(participant_id("p-12"))) is not None


def test_erasure_vacates_a_term_that_has_not_started(loaded: Services) -> None:
    # p-10 holds LT-RT1-A until 2027-01-31 and is re-elected from 2027-02-01 (seed: one immediate re-election).
    p10 = participant_id("p-10")
    loaded.app.elect_representative(
        table="RT1", seat="LT-RT1-A", participant_id=p10, term_start=date(2027, 2, 1),
        votes={"for": 9, "against": 0, "abstain": 0},
    )
    seats = loaded.app.erase_participant(p10)
    table = loaded.app.table("RT1")
    assert seats == ["LT-RT1-A", "LT-RT1-A"]
    assert table.holder("LT-RT1-A", date(2026, 3, 27)) is None
    assert table.holder("LT-RT1-A", date(2027, 2, 1)) is None


def test_an_erased_person_drafts_nothing(erased: Services) -> None:
    before = erased.app.recorder.max_notification_id()
    code = refusal(lambda: erased.app.draft_proposal(
        actor=str(participant_id("p-12")), table="RT1", title="t", problem="p", recommendation="r", rationale="x",
        objectives=[5], targets=["all governments of the region"], language="es",
    ))
    assert code == "participant_erased"
    assert erased.app.recorder.max_notification_id() == before


def test_an_erased_person_is_not_added_as_co_author(loaded: Services) -> None:
    from projections import proposals as proposal_views

    draft = next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == "prop-rt1-08")
    loaded.app.erase_participant(participant_id("p-10"))
    code = refusal(lambda: loaded.app.add_co_author(draft["id"], participant_id("p-10"), actor=draft["author_id"]))
    assert code == "participant_erased"
    assert str(participant_id("p-10")) not in loaded.app.proposal(draft["id"]).co_authors
