"""Erasure of a contributor without an account (issue 17, "Erasure"):
``dialogue contributors erase INPUT_OR_REQUEST``, as ``dialogue participants erase`` does
for participants (:func:`application.privacy.erase`).

A contributor is the person without an account who sent an input to an open call (their
contact address is sealed with a key of their own, :mod:`domain.open_call`) or asked to
join a table (their name, organisation, motivation and address, :mod:`domain.join_request`). Erasing them
records ``ContributorErased`` and deletes that key in one transaction: the input's text
and its moderation stay readable, the contact reads as nothing, and the chain still
verifies (nothing stored is rewritten).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from application.bootstrap import Services
from application.core import _uuid
from application.privacy import drop_kept_answers
from application.scrub import Scrubbed, scrub_storage
from domain.errors import NotFoundError

log = logging.getLogger(__name__)


@dataclass
class ContributorErasure(Scrubbed):
    """What an erasure of a contributor did (no personal value)."""

    input_id: str
    contributor_id: str
    command_id: str
    position: int


def erase_contributor(
    services: Services, ident: str, *, reason: str = "", actor: str = "administrator", command_id: str | None = None, wait: float = 0.0,
) -> ContributorErasure:
    """Erase the contact of whoever sent input ``ident`` (its id), or the personal data of
    whoever made the request to join a table ``ident``, then bring the views up to date and
    scrub the storage (:func:`application.scrub.scrub_storage`; ``held_by``: the transactions
    that kept old row versions, as in :func:`application.privacy.erase`).

    Raises:
        domain.errors.InvalidInputError: ``invalid_id``.  NotFoundError: no such input or request.
        domain.errors.InvalidTransitionError: ``not_a_contributor``, ``already_erased``.
    """
    input_id: UUID = _uuid(ident.strip(), "input")
    cid = command_id or f"erase-contributor:{input_id}"
    try:
        services.app.call_of_input(input_id)
    except NotFoundError:
        # Not an input: a request to join a table (raises NotFoundError when it is neither).
        contributor = services.app.erase_requester(input_id, reason=reason, actor=actor, command_id=cid)
    else:
        contributor = services.app.erase_contributor(input_id, reason=reason, actor=actor, command_id=cid)
    position = services.app.command_position(cid)
    log.info("Erased the contributor of input %s at position %s", input_id, position)
    services.projector.catch_up()
    drop_kept_answers(services.app.engine)  # an answer may have named them (application.privacy)
    scrub = scrub_storage(services, wait=wait)
    return ContributorErasure(
        input_id=str(input_id), contributor_id=contributor, command_id=cid, position=position,
        scrub=scrub,
    )
