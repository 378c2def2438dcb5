"""The ``before`` checks of the API's writes (:meth:`web.api.blueprint.Blueprint.write`):
who may act, asked of the application (:mod:`application.commands.may_act`) before the
body is read and before ``If-Match``, so that the order of the answers is the same for
every write: 401, then 403, then 415, then 428 and 412, then one 422, then 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.errors import NotAllowedError
from web.api.commands import acting
from web.api.common import reader, table_or_404
from web.services import services


def on_proposal(check: str, *also: str) -> Callable[..., None]:
    """The application's ``check`` (``check_may_withdraw`` …) for the route's proposal,
    with the person's own actor (and the route's arguments named ``also``: an amendment's
    ``reference``…); an unknown proposal is 404."""

    def before(proposal_id: UUID, **route: Any) -> None:
        from web.api.proposals import proposal_or_404

        proposal_or_404(proposal_id)
        getattr(services().app, check)(proposal_id, *(route[name] for name in also), actor=acting())

    return before


def facilitating(doing: str) -> Callable[..., None]:
    """The secretariat or a facilitator of the route's session's table."""

    def before(session_id: UUID, **_: Any) -> None:
        services().app.check_may_facilitate(session_id, actor=acting(secretariat=True), doing=doing)

    return before


def secretariat(doing: str) -> Callable[..., None]:
    """The secretariat's own command ``doing`` (a key of :data:`domain.may_act.SECRETARIAT_ONLY`,
    for the command's own message), whatever the route's arguments."""

    def before(**_: Any) -> None:
        services().app.check_secretariat(actor=acting(secretariat=True), doing=doing)

    return before


def taking_position(session_id: UUID, **_: Any) -> None:
    """A member of the session's table, in their own name."""
    acting()
    pid = reader().participant_id
    if pid is None:
        raise NotAllowedError("Only a member of the table can do this.", code="no_participant")
    services().app.check_may_take_position(session_id, member=pid)


def voting(**_: Any) -> None:
    """A holder of a Liaison Table seat, in their own name."""
    acting()
    pid = reader().participant_id
    if pid is None:
        raise NotAllowedError("Only a seat's holder can do this.", code="no_participant")
    services().app.check_may_vote(member=pid)


def commenting(proposal_id: UUID, **_: Any) -> None:
    """A member of the proposal's table, in their own name."""
    from web.api.proposals import proposal_or_404

    proposal_or_404(proposal_id)
    acting()
    pid = reader().participant_id
    if pid is None:
        raise NotAllowedError("Only a member of the proposal's table can do this.", code="no_participant")
    services().app.check_may_comment(proposal_id, actor=pid)


def vacating(code: str, **_: Any) -> None:
    """The secretariat, or the holder of a seat of the route's table (an unknown table is 404)."""
    services().app.check_may_vacate(table_or_404(code), actor=acting(secretariat=True))


def advising(**_: Any) -> None:
    """The secretariat, or the focal point of a UN agency seated today."""
    services().app.check_may_advise(actor=acting(secretariat=True))


def participating(**_: Any) -> None:
    """A participant, in their own name (joining or leaving a table)."""
    acting()
    if reader().participant_id is None:
        raise NotAllowedError("Only a participant can do this.", code="no_participant")
