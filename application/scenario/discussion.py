"""Scenario verbs of the discussion on proposals (issue 17, "Discussion on drafts"):
comments and replies by members of the proposal's table, edits by their authors, hiding by
the table's facilitators or the secretariat.

Each verb runs one application command with the step's command id (``docs/scenario.md``);
``comment`` and ``reply_to`` are references of the scenario, turned into ids in its namespace.
"""

from __future__ import annotations

from uuid import UUID

from application.scenario.loader import ScenarioLoader, Step, verb
from domain.ids import scenario_id


def comment_id(loader: ScenarioLoader, ref: str) -> UUID:
    return scenario_id(loader.ns, "comment", ref)


@verb("comment")
def comment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    reply = s.get("reply_to")
    loader.app.comment(
        loader.prop(s["proposal"]), text=s["text"], reply_to=comment_id(loader, reply) if reply else None,
        comment_id=comment_id(loader, s["comment"]), actor=loader.actor(s), command_id=cid,
    )


@verb("edit_comment")
def edit_comment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.edit_comment(comment_id(loader, s["comment"]), text=s["text"], actor=loader.actor(s), command_id=cid)


@verb("hide_comment")
def hide_comment(loader: ScenarioLoader, s: Step, cid: str) -> None:
    loader.app.hide_comment(comment_id(loader, s["comment"]), reason=s.get("reason", ""), actor=loader.actor(s), command_id=cid)
