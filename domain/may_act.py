"""Who may act: the refusals that an aggregate's command and the application's pre-check
(``application/commands/may_act.py``, asked by the API before a write's body) both raise,
so that each rule and its message are written once."""

from __future__ import annotations

from collections.abc import Collection

from domain.base import Ctx
from domain.errors import NotAllowedError

# What only the secretariat does, and how each command says so.
SECRETARIAT_ONLY: dict[str, str] = {
    "schedule_session": "Only the secretariat schedules sessions.",
    "open_round": "Only the secretariat opens endorsement rounds.",
    "close_round": "Only the secretariat or the deadline job closes a round.",
    "publish": "Only the secretariat publishes to governments.",
    "government_response": "Only the secretariat records government responses.",
    "follow_up": "Only the secretariat records follow-up.",
    "schedule_dialogue": "Only the secretariat schedules dialogues with governments.",
    "presentation": "The secretariat records what was presented.",
    "un_nomination": "The secretariat records the WG-CS's nominations.",
    "un_vacate": "The secretariat records the end of a UN nomination.",
    "open_election": "The secretariat opens elections.",
}


def require_secretariat(ctx: Ctx, doing: str) -> None:
    """Raises ``secretariat_only`` (with the message of ``doing``, a key of
    :data:`SECRETARIAT_ONLY`) unless the secretariat acts."""
    if not ctx.is_secretariat:
        raise NotAllowedError(SECRETARIAT_ONLY[doing], code="secretariat_only")


def require_not_an_author(actor: str, authors: Collection[str]) -> None:
    """Raises ``author_cannot_amend``: amendments come from members who are not authors."""
    if actor in authors:
        raise NotAllowedError(
            "Authors revise their proposal directly; amendments come from other members of the table.",
            code="author_cannot_amend",
        )


def require_commenting_member(is_member: bool, table: str) -> None:
    """Raises ``not_a_member`` unless the actor is a member of ``table`` (the proposal's) today."""
    if not is_member:
        raise NotAllowedError(f"Only members of {table} comment on its proposals.", code="not_a_member", field="actor")


def require_position_member(is_member: bool) -> None:
    """Raises ``not_a_member`` unless the member belongs to the session's table today."""
    if not is_member:
        raise NotAllowedError("Only members of the table take positions.", code="not_a_member", field="member")


def require_holder_or_secretariat(ctx: Ctx, holders: Collection[str | None]) -> None:
    """Raises ``not_allowed`` unless the secretariat acts or the actor is one of ``holders``
    (the holder of the seat vacated; before the body names the seat, of any seat of the table)."""
    if not (ctx.is_secretariat or ctx.actor in {str(h) for h in holders if h}):
        raise NotAllowedError("Only the secretariat or the holder vacates a seat.", code="not_allowed")


def require_advising(ctx: Ctx, focal_points: Collection[str | None]) -> None:
    """Raises ``not_allowed`` unless the secretariat acts or the actor is one of ``focal_points``
    (the advising agency's; before the body names the seat, of any UN seat's agency)."""
    if not (ctx.is_secretariat or ctx.actor in {str(f) for f in focal_points if f}):
        raise NotAllowedError("The secretariat or the agency's focal point records its advice.", code="not_allowed")
