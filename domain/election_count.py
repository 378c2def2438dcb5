"""Counting an election of a table's representatives (issue 19, "Elections").

Pure functions, read by :class:`domain.election.Election` when it closes and by anyone who
recomputes a result from the election's events:

- :func:`tally`: the votes of each candidate, one per ballot naming them (a voter's
  latest ballot is the one counted; at most as many choices as seats);
- :func:`rank`: candidates by votes, most first; ties go to the earliest candidacy
  (:data:`TIE_RULE`);
- :func:`allocate`: seats are filled in the order given, each by the best-ranked remaining
  candidate who keeps gender parity possible (seed, "Architecture": the two
  representatives of a table differ in gender and at least one is a woman); a seat that
  parity cannot fill stays vacant for a by-election. A candidate named on no ballot is
  never elected (a representative is elected with more votes for than against).

Genders are read by the caller from the Participant aggregates and never stored: the
result records the reason each seat went as it did, never a gender.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.terms import parity_holds

TIE_RULE = "earliest_candidacy"
# Why a seat went as it did (recorded with the result).
MOST_VOTES = "most_votes"  # the best-ranked remaining candidate
PARITY = "parity"  # a better-ranked candidate would have broken parity
VACANT_PARITY = "vacant_parity"  # candidates remained, none keeps parity possible
VACANT_NO_CANDIDATE = "vacant_no_candidate"  # no remaining candidate with a vote


def tally(ballots: Mapping[str, Sequence[str]], candidates: Sequence[str]) -> dict[str, int]:
    """Votes of each of ``candidates``: the ballots (``voter → choices``) naming them."""
    votes = dict.fromkeys(candidates, 0)
    for choices in ballots.values():
        for c in set(choices):
            if c in votes:
                votes[c] += 1
    return votes


def rank(votes: Mapping[str, int], order: Sequence[str]) -> list[str]:
    """``order`` (candidates, earliest candidacy first) sorted by votes, most first; equal
    votes keep the candidacy order (:data:`TIE_RULE`)."""
    position = {c: i for i, c in enumerate(order)}
    return sorted(order, key=lambda c: (-votes.get(c, 0), position[c]))


def keeps_parity_possible(gender: str | None, others: Sequence[str | None]) -> bool:
    """Whether a representative of ``gender`` keeps parity possible beside ``others``, the
    genders of whoever holds the table's other seat during the term (none: the other seat
    is open, and a woman, or a man or non-binary person beside a woman, can still fill it).
    A gender no longer known (erased) never shows parity."""
    if gender is None:
        return False
    return all(parity_holds([gender, o]) for o in others)


def allocate(
    seats: Sequence[str],
    ranked: Sequence[str],
    votes: Mapping[str, int],
    genders: Mapping[str, str | None],
    others: Mapping[str, Sequence[str | None]] | None = None,
    excluded: Sequence[str] = (),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fill ``seats`` in order from ``ranked`` candidates (see :func:`rank`).

    ``others[seat]`` are the genders of the holders, outside this election, of the other
    seat of ``seat``'s table during the term; the winners of earlier seats of this
    election join them. ``excluded`` candidates (no longer eligible) are passed over.

    Returns ``(seats, ties)``: one ``{seat, participant, votes, reason}`` per seat
    (``participant`` ``None`` for a vacant seat), and one ``{seat, tied, rule}`` per seat
    whose winner had as many votes as another candidate who could have taken it
    (``tied`` lists them, the winner first).
    """
    others = others or {}
    elected: list[str] = []
    filled: list[dict[str, Any]] = []
    ties: list[dict[str, Any]] = []
    for seat in seats:
        beside = [*others.get(seat, ()), *(genders.get(c) for c in elected)]
        remaining = [c for c in ranked if c not in elected and c not in excluded and votes.get(c, 0) > 0]
        possible = [c for c in remaining if keeps_parity_possible(genders.get(c), beside)]
        if not possible:
            reason = VACANT_PARITY if remaining else VACANT_NO_CANDIDATE
            filled.append({"seat": seat, "participant": None, "votes": 0, "reason": reason})
            continue
        winner = possible[0]
        elected.append(winner)
        reason = MOST_VOTES if winner == remaining[0] else PARITY
        filled.append({"seat": seat, "participant": winner, "votes": votes[winner], "reason": reason})
        tied = [c for c in possible if votes[c] == votes[winner]]
        if len(tied) > 1:
            ties.append({"seat": seat, "tied": tied, "rule": TIE_RULE})
    return filled, ties
