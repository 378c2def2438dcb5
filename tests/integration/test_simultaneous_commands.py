"""People acting at the same moment on one aggregate, in threads of one process, on a SQLite
file and on PostgreSQL (issue 11, item 1).

Every writer loads the aggregate, then waits until all have loaded (so each one's save meets
the others' events): positions, votes, UN advice, amendments, government responses and
follow-up entries are all stored; a member sending two positions on one item at once, and a
decision taken while a position arrives, are refused with the stale-version error.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from application.bootstrap import Services
from tests.concurrency_support import (
    MEMBERS,
    SEATS,
    UN_SEATS,
    Crowd,
    at_once,
    build_crowd,
    held_after_first_load,
)


@pytest.fixture
def crowd(services: Services) -> Crowd:
    return build_crowd(services)


def events_named(services: Services, aggregate_id: str, name: str) -> list[object]:
    stored = services.app.recorder.select_events(UUID(aggregate_id))
    return [e for e in map(services.app.mapper.to_domain_event, stored) if type(e).__name__ == name]


def test_eight_members_stating_positions_at_once_are_all_counted(services: Services, crowd: Crowd) -> None:
    app = services.app
    positions = ["support", "object", "abstain", "support", "support", "object", "support", "abstain"]

    with held_after_first_load(app, "session", MEMBERS):
        outcomes = at_once([
            lambda m=m, p=p: app.record_position(crowd.session, crowd.item, member=m, position=p, reason=f"razón de {m}")
            for m, p in zip(crowd.members, positions, strict=True)
        ])

    assert outcomes == ["ok"] * MEMBERS
    session = app.session(crowd.session)
    assert session.agenda[crowd.item]["positions"] == dict(zip(crowd.members, positions, strict=True))


def test_six_seats_voting_at_once_are_all_counted(services: Services, crowd: Crowd) -> None:
    app = services.app
    votes = ["endorse", "endorse", "object", "endorse", "object", "endorse"]

    with held_after_first_load(app, "endorsement", len(SEATS)):
        outcomes = at_once([
            lambda seat=seat, v=v: app.vote_on_endorsement(crowd.in_round, seat=seat, participant_id=crowd.holders[seat], vote=v)
            for seat, v in zip(SEATS, votes, strict=True)
        ])

    assert outcomes == ["ok"] * len(SEATS)
    assert app.current_round(crowd.in_round).votes == dict(zip(SEATS, votes, strict=True))


def test_both_un_agencies_advising_at_once_are_both_recorded(services: Services, crowd: Crowd) -> None:
    app = services.app

    with held_after_first_load(app, "endorsement", len(UN_SEATS)):
        outcomes = at_once([
            lambda seat=seat: app.record_un_advice(crowd.in_round, seat=seat, advice=f"Consejo técnico de {seat}", actor=crowd.focal_points[seat])
            for seat in UN_SEATS
        ])

    assert outcomes == ["ok", "ok"]
    advice = events_named(services, str(app.current_round(crowd.in_round).id), "UnAdviceRecorded")
    assert sorted(e.seat for e in advice) == sorted(UN_SEATS)  # type: ignore[attr-defined]


def test_four_members_proposing_amendments_at_once_are_all_recorded(services: Services, crowd: Crowd) -> None:
    app = services.app
    draft = app.draft_proposal(
        actor=crowd.author, table="RT1", title="A draft to amend", problem="Migrants lack regular pathways.",
        recommendation="Open regular pathways.", rationale="GCM objective 5.", objectives=[2], targets=["all governments of the region"], language="es",
    )
    amenders = crowd.members[:4]

    with held_after_first_load(app, "proposal", len(amenders)):
        outcomes = at_once([
            lambda m=m: app.propose_amendment(draft, actor=m, field="problem", operation="append", text=f"Añadido por {m}.")
            for m in amenders
        ])

    assert outcomes == ["ok"] * 4
    amendments = app.proposal(draft).amendments
    assert sorted(a["text"] for a in amendments.values()) == sorted(f"Añadido por {m}." for m in amenders)


def test_responses_and_follow_up_of_three_states_recorded_at_once_are_all_kept(services: Services, crowd: Crowd) -> None:
    app = services.app
    states = ["UY", "MX", "CL"]
    with held_after_first_load(app, "proposal", len(states)):
        responses = at_once([
            lambda c=c: app.record_government_response(crowd.published, country=c, status="accepted", response=f"Respuesta de {c}")
            for c in states
        ])
    with held_after_first_load(app, "proposal", len(states)):
        follow_ups = at_once([
            lambda c=c: app.record_follow_up(crowd.published, country=c, progress="in_progress", note=f"Avance en {c}")
            for c in states
        ])

    assert (responses, follow_ups) == (["ok"] * 3, ["ok"] * 3)
    p = app.proposal(crowd.published)
    assert sorted(r["country"] for r in p.government_responses) == sorted(states)
    assert sorted(f["country"] for f in p.follow_ups) == sorted(states)


def test_a_member_sending_two_positions_on_one_item_at_once_is_refused_once(services: Services, crowd: Crowd) -> None:
    app = services.app
    member = crowd.members[0]

    with held_after_first_load(app, "session", 2):
        outcomes = at_once([
            lambda p=p: app.record_position(crowd.session, crowd.item, member=member, position=p)
            for p in ("support", "object")
        ])

    assert sorted(outcomes) == ["ConflictError:stale_version", "ok"]
    kept = ("support", "object")[outcomes.index("ok")]
    assert app.session(crowd.session).agenda[crowd.item]["positions"] == {member: kept}
    assert len(events_named(services, crowd.session, "PositionRecorded")) == 2 + 1  # two items' positions of the setup, one now


def test_one_seat_voting_twice_at_once_is_refused_once(services: Services, crowd: Crowd) -> None:
    app = services.app
    seat = SEATS[2]

    with held_after_first_load(app, "endorsement", 2):
        outcomes = at_once([
            lambda v=v: app.vote_on_endorsement(crowd.in_round, seat=seat, participant_id=crowd.holders[seat], vote=v)
            for v in ("endorse", "object")
        ])

    assert sorted(outcomes) == ["ConflictError:stale_version", "ok"]
    assert app.current_round(crowd.in_round).votes == {seat: ("endorse", "object")[outcomes.index("ok")]}


def test_a_decision_taken_while_a_position_arrives_is_refused_and_the_position_is_checked_again(services: Services, crowd: Crowd) -> None:
    app = services.app
    app.record_position(crowd.session, crowd.item, member=crowd.members[1], position="support")

    with held_after_first_load(app, "session", 2):
        outcomes = at_once([
            lambda: app.decide(crowd.session, crowd.item, "adopt"),
            lambda: app.record_position(crowd.session, crowd.item, member=crowd.members[2], position="object"),
        ])

    item = app.session(crowd.session).agenda[crowd.item]
    if outcomes[0] == "ok":  # the decision saved first: the position, checked again, comes too late
        assert outcomes[1] == "InvalidTransitionError:already_decided"
        assert (item["decision"] is not None, item["positions"]) == (True, {crowd.members[1]: "support"})
    else:  # the position saved first: the decision, taken on the tally seen, is refused
        assert outcomes == ["ConflictError:stale_version", "ok"]
        assert (item["decision"], item["positions"]) == (None, {crowd.members[1]: "support", crowd.members[2]: "object"})

