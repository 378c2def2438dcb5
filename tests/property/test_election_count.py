"""The seat allocation of an election (issue 19; :mod:`domain.election_count`) on random
candidates, genders, ballots and the table's other seat.

For every input:

- winners are distinct candidates, each named on at least one ballot;
- the table's two representatives (this election's winners, and the holders of the other
  seat) satisfy gender parity;
- each seat goes to the best-ranked remaining candidate who keeps parity possible, so no
  better-placed candidate was passed over except for parity, and a seat stays vacant only
  when no remaining candidate keeps parity possible;
- ranking is by votes, ties to the earliest candidacy, and a tie is recorded exactly when
  the winner had as many votes as another candidate who could have taken the seat.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.election_count import MOST_VOTES, PARITY, allocate, keeps_parity_possible, rank, tally
from domain.terms import parity_holds

GENDERS = ("woman", "man", "non_binary", "prefer_not_to_say")


@st.composite
def elections(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(min_value=0, max_value=7))
    candidates = [f"c{i}" for i in range(n)]
    genders = {c: draw(st.sampled_from((*GENDERS, None))) for c in candidates}
    seats = draw(st.sampled_from([["A", "B"], ["B", "A"], ["A"], ["B"]]))
    width = len(seats)
    ballots = {
        f"v{i}": draw(st.lists(st.sampled_from(candidates), max_size=width, unique=True)) if candidates else []
        for i in range(draw(st.integers(min_value=0, max_value=12)))
    }
    others = {}
    if width == 1:
        others[seats[0]] = draw(st.lists(st.sampled_from(GENDERS), max_size=2))
    excluded = draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []
    return {"candidates": candidates, "genders": genders, "seats": seats, "ballots": ballots, "others": others, "excluded": excluded}


def run(e: dict[str, object]) -> tuple[list[str], dict[str, int], list[dict[str, object]], list[dict[str, object]]]:
    votes = tally(e["ballots"], e["candidates"])  # type: ignore[arg-type]
    ranked = rank(votes, e["candidates"])  # type: ignore[arg-type]
    seats, ties = allocate(e["seats"], ranked, votes, e["genders"], e["others"], e["excluded"])  # type: ignore[arg-type]
    return ranked, votes, seats, ties


@settings(max_examples=300, deadline=None)
@given(elections())
def test_winners_are_distinct_voted_eligible_candidates(e: dict[str, object]) -> None:
    _, votes, seats, _ = run(e)
    winners = [s["participant"] for s in seats if s["participant"] is not None]

    assert len(set(winners)) == len(winners)
    assert all(votes[w] > 0 and w not in e["excluded"] for w in winners)  # type: ignore[operator, index]


@settings(max_examples=300, deadline=None)
@given(elections())
def test_the_tables_two_representatives_keep_parity(e: dict[str, object]) -> None:
    _, _, seats, _ = run(e)
    genders: dict[str, str | None] = e["genders"]  # type: ignore[assignment]
    winners = [genders[s["participant"]] for s in seats if s["participant"] is not None]  # type: ignore[index]
    others = [g for gs in e["others"].values() for g in gs]  # type: ignore[attr-defined]

    pairs = [(a, b) for i, a in enumerate(winners) for b in winners[i + 1:]] + [(w, o) for w in winners for o in others]

    assert all(parity_holds([a, b]) for a, b in pairs)


@settings(max_examples=300, deadline=None)
@given(elections())
def test_each_seat_goes_to_the_best_ranked_candidate_who_keeps_parity_possible(e: dict[str, object]) -> None:
    ranked, votes, seats, ties = run(e)
    genders: dict[str, str | None] = e["genders"]  # type: ignore[assignment]
    chosen: list[str] = []
    expected_ties = []
    for s in seats:
        beside = [*e["others"].get(s["seat"], []), *(genders[c] for c in chosen)]  # type: ignore[attr-defined]
        remaining = [c for c in ranked if c not in chosen and c not in e["excluded"] and votes[c] > 0]  # type: ignore[operator]
        fits = [c for c in remaining if keeps_parity_possible(genders[c], beside)]
        assert s["participant"] == (fits[0] if fits else None)
        if fits:
            chosen.append(fits[0])
            assert s["reason"] == (MOST_VOTES if fits[0] == remaining[0] else PARITY)
            equal = [c for c in fits if votes[c] == votes[fits[0]]]
            if len(equal) > 1:
                expected_ties.append(equal)

    assert [t["tied"] for t in ties] == expected_ties


@settings(max_examples=300, deadline=None)
@given(elections())
def test_ranking_is_by_votes_then_earliest_candidacy(e: dict[str, object]) -> None:
    ranked, votes, _, _ = run(e)
    order: list[str] = e["candidates"]  # type: ignore[assignment]

    assert all(
        (votes[a], -order.index(a)) > (votes[b], -order.index(b)) for a, b in zip(ranked, ranked[1:], strict=False)
    )
