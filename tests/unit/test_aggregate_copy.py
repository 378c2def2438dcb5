"""The copy a command gets of a cached aggregate (``application/aggregate_cache.py``,
:func:`copy_aggregate`): the same state as ``deepcopy``'s, and no list, dict or set shared
with the original, so nothing done to the copy reaches the cache."""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from application.aggregate_cache import copy_aggregate
from domain.base import SECRETARIAT, Ctx
from domain.proposal import Proposal

AUTHOR, MEMBER = str(uuid4()), str(uuid4())


def ctx(actor: str, on: date = date(2026, 1, 6)) -> Ctx:
    return Ctx(actor=actor, effective_date=on, command_id=f"c-{uuid4()}")


def published_with_history() -> Proposal:
    """A proposal with co-authors, an amendment, a government response and follow-up."""
    p = Proposal.draft(
        ctx(AUTHOR), id=uuid4(), reference="prop-1", table="RT1", author=UUID(AUTHOR), co_authors=[uuid4()], title="Regularización",
        problem="Barreras", recommendation="Eliminar tasas", rationale="Objetivo 5", objectives=[5], targets=["all governments of the region"],
        language="es",
    )
    p.propose_amendment(ctx(MEMBER), amendment="a1", field="recommendation", operation="replace", text="Eliminar todas las tasas", replaces="Eliminar tasas")
    p.accept_amendment(ctx(AUTHOR), "a1")
    p.submit(ctx(AUTHOR))
    session = uuid4()
    p.put_on_agenda(ctx(SECRETARIAT), session)
    p.record_table_decision(ctx(SECRETARIAT), session, "adopt", p.content_version)
    p.put_to_liaison_table(ctx(SECRETARIAT), uuid4())
    p.conclude_liaison_review(ctx(SECRETARIAT), True, {"endorse": 5, "object": 0})
    p.publish_to_governments(ctx(SECRETARIAT, date(2026, 2, 23)), ["BR"])
    p.record_government_response(ctx(SECRETARIAT, date(2026, 3, 1)), country="BR", status="accepted", response="Aceptada.")
    p.record_follow_up(ctx(SECRETARIAT, date(2026, 4, 1)), country="BR", progress="in_progress", note="Avanza.")
    p.collect_events()
    return p


def containers(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every list, dict and set inside ``value`` with its path."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, list | set | tuple):
        found += [(path, value)] if not isinstance(value, tuple) else []
        for i, v in enumerate(value):
            found += containers(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        found.append((path, value))
        for k, v in value.items():
            found += containers(v, f"{path}[{k!r}]")
    return found


def test_the_copy_has_the_state_a_deep_copy_has() -> None:
    p = published_with_history()
    copied = copy_aggregate(p)
    assert type(copied) is Proposal
    assert vars(copied) == vars(deepcopy(p))
    assert copied.amendments and copied.government_responses and copied.follow_ups


def test_the_copy_shares_no_list_dict_or_set_with_the_original() -> None:
    p = published_with_history()
    copied = copy_aggregate(p)
    original = containers(vars(p))
    assert len(original) > 10
    assert [path for (path, a), (_, b) in zip(original, containers(vars(copied)), strict=True) if a is b] == []


def test_a_value_reached_twice_is_copied_once() -> None:
    p = published_with_history()
    shared: list[str] = ["x"]
    p.__dict__["first"] = p.__dict__["second"] = shared
    copied = copy_aggregate(p)
    assert copied.__dict__["first"] is copied.__dict__["second"] and copied.__dict__["first"] is not shared


def test_changing_the_copy_and_running_a_command_on_it_leave_the_original_as_it_was() -> None:
    p = published_with_history()
    before = deepcopy(vars(p))
    copied = copy_aggregate(p)
    copied.co_authors.append("someone")
    copied.amendments["a1"]["status"] = "changed"
    copied.government_responses[0]["response"] = "changed"
    copied.record_follow_up(ctx(SECRETARIAT, date(2026, 5, 1)), country="BR", progress="implemented", note="Hecho.")
    assert copied.pending_events and not p.pending_events
    assert vars(p) == before
