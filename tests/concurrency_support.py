"""A small mechanism where many people act at the same moment (shared by the thread tests
and the HTTP tests of simultaneous commands).

RT1 has eight members and an author; RT1, RT2 and RT3 each have their two representatives
in term (six Liaison Table seats), the two UN seats are nominated. RT1's session has an
agenda item open to positions; an adopted proposal has its endorsement round open until
2026-02-28; an endorsed one is published to every government of the region.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from application.bootstrap import Services
from application.errors import ConflictError
from domain.errors import DomainError
from tests.conftest import draft_sample_proposal

START = date(2026, 1, 5)
SEATS = ("LT-RT1-A", "LT-RT1-B", "LT-RT2-A", "LT-RT2-B", "LT-RT3-A", "LT-RT3-B")
UN_SEATS = ("LT-UN-1", "LT-UN-2")
MEMBERS = 8


@dataclass(frozen=True)
class Crowd:
    """Ids (strings) of the people and objects of the mechanism above."""

    members: list[str]  # RT1's eight members (none an author)
    author: str
    holders: dict[str, str]  # seat → representative
    focal_points: dict[str, str]  # UN seat → the agency's focal point
    session: str  # RT1's session, open
    item: str  # on the session's agenda, no position yet
    in_round: str  # adopted, its round open
    published: str  # published to every government of the region


def build_crowd(s: Services) -> Crowd:
    """Everything above through the application's commands (the secretariat's context)."""
    app = s.app
    for code in ("RT1", "RT2", "RT3"):
        app.register_table(code)
    app.define_settings()
    app.change_setting("quorum", 1)
    app.change_setting("endorsement_min", 1)

    def person(ref: str, gender: str, table: str | None) -> str:
        pid = app.register_participant(reference=ref, display_name=ref, organisation_id=None, gender=gender, preferred_language="es")
        if table:
            app.join_table(pid, table)
        return str(pid)

    members = [person(f"m-{i}", "woman" if i % 2 else "man", "RT1") for i in range(MEMBERS)]
    author = person("m-author", "non_binary", "RT1")
    holders: dict[str, str] = {}
    for seat in SEATS:
        table = seat.split("-")[1]
        holders[seat] = person(f"r-{seat}", "woman" if seat.endswith("A") else "man", table)
        app.elect_representative(table=table, seat=seat, participant_id=holders[seat], term_start=START, votes={"for": 1, "against": 0, "abstain": 0})
    focal_points: dict[str, str] = {}
    for n, seat in enumerate(UN_SEATS):
        focal_points[seat] = person(f"un-{n}", "woman", None)
        app.nominate_un_agency(seat=seat, agency=("OIM", "ACNUR")[n], consensus_record="WG-CS minutes", focal_point=focal_points[seat])
    session = app.schedule_session(table="RT1", quarter="2026-Q1", on=date(2026, 1, 20))
    proposals = {}
    for name in ("item", "in_round", "published"):
        pid = draft_sample_proposal(app, author, title=name.replace("_", " ").capitalize())  # type: ignore[arg-type]
        app.submit_proposal(pid, actor=author)
        app.add_to_agenda(session, pid)
        proposals[name] = str(pid)
    for name in ("in_round", "published"):
        app.record_position(session, proposals[name], member=members[0], position="support")
        app.decide(session, proposals[name], "adopt")
        app.open_endorsement(proposals[name], date(2026, 2, 28))
    app.vote_on_endorsement(proposals["published"], seat=SEATS[0], participant_id=holders[SEATS[0]], vote="endorse")
    app.close_endorsement(proposals["published"], early=True)
    app.publish_to_governments(proposals["published"])
    return Crowd(members=members, author=author, holders=holders, focal_points=focal_points, session=str(session), **proposals)


@contextmanager
def held_after_first_load(app: Any, method: str, parties: int) -> Iterator[None]:
    """Within the block, ``app.<method>`` waits, the first time each thread calls it, until
    ``parties`` threads have loaded: every writer then holds the same version when it saves."""
    barrier = threading.Barrier(parties)
    first = threading.local()
    original = getattr(app, method)

    def loaded_then_wait(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if not getattr(first, "done", False):
            first.done = True
            barrier.wait(timeout=60)
        return result

    setattr(app, method, loaded_then_wait)
    try:
        yield
    finally:
        delattr(app, method)


def at_once(calls: list[Callable[[], Any]]) -> list[str]:
    """Run ``calls`` in threads of their own; for each, ``ok`` or the refusal's
    ``ClassName:code``."""

    def outcome(call: Callable[[], Any]) -> str:
        try:
            call()
        except ConflictError as e:
            return f"ConflictError:{e.code}"
        except DomainError as e:
            return f"{type(e).__name__}:{e.code}"
        return "ok"

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(outcome, calls))
