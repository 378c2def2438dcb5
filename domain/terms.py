"""Representatives' terms and elections: term length, gender parity, consecutive terms,
the table's election votes (used by :class:`domain.working_table.WorkingTable`).

Terms, as counted here (``docs/rules.md``):

- a regular term lasts exactly one year (``2026-02-01`` → ``2027-01-31``); a by-election
  fills the rest of a vacated term and ends when it would have ended;
- a term's *last day* is its end, or the day before its seat was vacated; a seat is held
  from the term's start to its last day;
- two terms of one person at one table are *consecutive* when the later one starts less
  than a full year after the earlier one's last day (the person did not sit out a whole
  term); every term counts, by-elections and vacated terms included; three consecutive
  terms are never allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.base import check_date
from domain.errors import InvalidInputError, RuleViolationError
from domain.settings import Rules

MAX_CONSECUTIVE_TERMS = 2
ELECTION_VOTE_KINDS = ("for", "against", "abstain")


def one_year_after(start: date) -> date:
    """The last day of a one-year term starting on ``start`` (2026-02-01 → 2027-01-31).

    Raises:
        InvalidInputError: ``date_out_of_range`` for a start after :data:`domain.base.LATEST_DATE`.
    """
    check_date("term_start", start)
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def parity_holds(genders: list[str | None]) -> bool:
    """Two representatives differ in gender and at least one is a woman.

    ``None`` stands for a gender no longer known (erased personal data): parity cannot
    then be shown, so it does not hold.
    """
    if len(genders) < 2:
        return True
    a, b = genders[0], genders[1]
    return a is not None and b is not None and a != b and "woman" in (a, b)


def last_day(term: dict[str, Any]) -> date:
    """The last day a term's holder sits: its end, or the day before it was vacated."""
    end: date = term["term_end"]
    vacated: date | None = term["vacated_on"]
    return end if vacated is None else min(end, vacated - timedelta(days=1))


def follows(earlier_last_day: date, later_start: date) -> bool:
    """Whether a term starting ``later_start`` is consecutive to one ending ``earlier_last_day``:
    the break between them is shorter than a full one-year term."""
    return later_start <= one_year_after(earlier_last_day + timedelta(days=1))


def longest_consecutive_run(spans: list[tuple[date, date]], index: int) -> int:
    """How many terms chain (by :func:`follows`) through ``spans[index]``.

    ``spans`` are ``(start, last_day)`` of one person's terms at one table.
    """
    ordered = sorted(range(len(spans)), key=lambda i: spans[i][0])
    run: list[int] = []
    for i in ordered:
        if run and not follows(spans[run[-1]][1], spans[i][0]):
            if index in run:
                break
            run = []
        run.append(i)
    return len(run) if index in run else 1


def check_election_votes(votes: dict[str, int], members: int, rules: Rules) -> None:
    """Check the table's election result ``{"for": n, "against": n, "abstain": n}``.

    The members taking part (for + against + abstain) are at least the quorum and at most
    the table's members; the candidate needs more votes for than against (the table's
    decision rule applied to an election).

    Raises:
        InvalidInputError: ``invalid_votes`` (unknown key, negative or non-integer count),
        ``more_votes_than_members``.
        RuleViolationError: ``quorum_not_reached``, ``election_not_won``.
    """
    unknown = set(votes) - set(ELECTION_VOTE_KINDS)
    bad = [k for k, v in votes.items() if not isinstance(v, int) or isinstance(v, bool) or v < 0]
    if unknown or bad or "for" not in votes:
        raise InvalidInputError(
            f"Election votes are counts of {list(ELECTION_VOTE_KINDS)} (``for`` required).", code="invalid_votes", field="votes"
        )
    taking_part = sum(votes.values())
    if taking_part > members:
        raise InvalidInputError(
            f"{taking_part} votes counted but the table has {members} members.", code="more_votes_than_members", field="votes"
        )
    if taking_part < rules.quorum:
        raise RuleViolationError(
            f"Quorum not reached: {taking_part} of {rules.quorum} members took part in the election.", code="quorum_not_reached", field="votes"
        )
    if votes["for"] <= votes.get("against", 0):
        raise RuleViolationError("A representative is elected with more votes for than against.", code="election_not_won", field="votes")
