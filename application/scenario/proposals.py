"""Scenario verbs of proposals: drafting, co-authors, amendments, submission, withdrawal.

Each verb runs one application command with the step's command id (``docs/scenario.md``).
"""

from __future__ import annotations

from application.scenario.loader import ScenarioLoader, Step, verb


@verb("draft")
def draft(loader: ScenarioLoader, s: Step, cid: str) -> None:
    ref = s["proposal"]
    p = {**loader.proposals.get(ref, {}), **s.get("content", {})}
    if not p:
        raise KeyError(f"proposal {ref} is in neither proposals.json nor the step")
    loader.app.draft_proposal(
        actor=loader.actor(s), table=p["table"], title=p["title"], problem=p["problem"],
        recommendation=p["recommendation"], rationale=p["rationale"], objectives=p["objectives"],
        targets=p["targets"], language=p["language"], co_authors=[loader.pid(c) for c in p.get("co_authors", [])],
        reference=ref, source=p.get("source_topic", ""), id=loader.prop(ref), command_id=cid,
    )


@verb("revise")
def revise(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.revise_proposal(loader.prop(s["proposal"]), s["changes"], actor=loader.actor(s), note=s.get("note", ""), command_id=cid)


@verb("add_co_author")
def add_co_author(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.add_co_author(loader.prop(s["proposal"]), loader.pid(s["co_author"]), actor=loader.actor(s), command_id=cid)


@verb("remove_co_author")
def remove_co_author(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.remove_co_author(loader.prop(s["proposal"]), loader.pid(s["co_author"]), actor=loader.actor(s), command_id=cid)


@verb("propose_amendment")
def propose_amendment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.propose_amendment(
        loader.prop(s["proposal"]), actor=loader.actor(s), field=s["field"], operation=s["operation"], text=s["text"],
        replaces=s.get("replaces"), justification=s.get("justification", ""), amendment=s["amendment"], command_id=cid,
    )


@verb("accept_amendment")
def accept_amendment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.accept_amendment(loader.prop(s["proposal"]), s["amendment"], actor=loader.actor(s), command_id=cid)


@verb("reject_amendment")
def reject_amendment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.reject_amendment(loader.prop(s["proposal"]), s["amendment"], actor=loader.actor(s), reason=s.get("reason", ""), command_id=cid)


@verb("withdraw_amendment")
def withdraw_amendment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.withdraw_amendment(loader.prop(s["proposal"]), s["amendment"], actor=loader.actor(s), command_id=cid)


@verb("submit")
def submit(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.submit_proposal(loader.prop(s["proposal"]), actor=loader.actor(s), command_id=cid)


@verb("withdraw")
def withdraw(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.withdraw_proposal(loader.prop(s["proposal"]), actor=loader.actor(s), reason=s.get("reason", ""), command_id=cid)
