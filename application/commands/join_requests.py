"""Commands on requests to join the mechanism through a working table (issue 17, "Requests
to join the mechanism through a table"): someone without an account asks, the table's
representatives in term or the secretariat accept or decline; an acceptance registers the
person as a participant and a member of the table in the same transaction (the invitation
to create their account is sent by :func:`application.joining.decide_join_request`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.core import ApplicationCore, _uuid
from domain.base import PUBLIC, SECRETARIAT, Ctx, DialogueAggregate, as_one_line
from domain.errors import InvalidTransitionError, NotFoundError
from domain.ids import created_id
from domain.join_request import JoinRequests, join_requests_id
from domain.participant import Participant
from domain.reference import table_objectives

# A request names no gender; the person changes it, like every detail, once registered.
UNSTATED_GENDER = "prefer_not_to_say"




class JoinRequestCommands(ApplicationCore):
    """Requests to join a working table and their decisions (:class:`domain.join_request.JoinRequests`)."""

    def join_requests(self, table: str) -> JoinRequests | None:
        """The requests made to ``table`` (None before the first).

        Raises:
            InvalidInputError: ``unknown_table``.  NotFoundError: the table is not registered.
        """
        self.table(table)
        if not self._exists(join_requests_id(table)):
            return None
        return self._get(JoinRequests, join_requests_id(table), "join requests")

    def join_request_details(self, table: str) -> dict[str, dict[str, Any]]:
        """Every request made to ``table`` by id, with its personal fields read from the
        aggregate (decrypted with each requester's key; None once erased): for those who
        decide only (:meth:`application.access.Access.decides_join_requests`), never a
        public page. Plain data.

        Raises:
            InvalidInputError: ``unknown_table``.  NotFoundError: the table is not registered.
        """
        requests = self.join_requests(table)
        return {rid: dict(r) for rid, r in requests.requests.items()} if requests is not None else {}

    def request_to_join(
        self, table: str, *, motivation: str, display_name: str, organisation_name: str, country: str,
        stakeholder_group: str, language: str, contact: str, request_id: UUID | None = None, actor: str = PUBLIC,
        command_id: str | None = None,
    ) -> UUID:
        """Ask to join ``table`` (someone without an account); returns the request's id.
        Requests made at the same moment to one table are tried again, each checked against
        what is stored then.

        Raises:
            InvalidInputError: ``unknown_table``.  NotFoundError: the table is not registered.
            (every error of :meth:`JoinRequests.request`)
        """
        ctx = self.ctx(actor, command_id)
        rid = request_id or created_id("join-request", ctx.command_id)

        def attempt() -> None:
            requests = self.join_requests(table) or JoinRequests.start(ctx, table)
            requests.request(
                ctx, request_id=rid, motivation=motivation, display_name=display_name, organisation_name=organisation_name,
                country=country, stakeholder_group=stakeholder_group, language=language, contact=contact,
            )
            self._save(ctx, requests)

        self._retrying(attempt)
        return rid

    def table_of_request(self, request_id: UUID | str) -> JoinRequests:
        """The requests of the table ``request_id`` was made to.

        Raises:
            NotFoundError: no such request.
        """
        rid = str(_uuid(request_id, "request"))
        for code in sorted(table_objectives()):
            if self._exists(join_requests_id(code)):
                requests = self._get(JoinRequests, join_requests_id(code), "join requests")
                if rid in requests.requests:
                    return requests
        raise NotFoundError(f"No request with id {request_id}.", field="request")

    def decide_join_request(
        self, request_id: UUID | str, *, decision: str, reason: str = "", participant_reference: str | None = None,
        participant_id: UUID | None = None, ground: str | None = None, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> tuple[UUID | None, str | None]:
        """Accept or decline a request. An acceptance registers the person (their name and
        language from the request, ``participant_reference``, an id from the command unless
        ``participant_id`` is given) and makes them a member of the table from today, all
        in one transaction; returns ``(participant id, contact address)`` to invite them,
        ``(None, None)`` on a decline.

        Raises:
            NotFoundError: no such request.  InvalidTransitionError: ``already_erased`` (an
            acceptance after the requester's data was erased).
            (every error of :meth:`JoinRequests.decide`)
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> tuple[UUID | None, str | None]:
            requests = self.table_of_request(request_id)
            table = self.table(requests.table)
            found = requests.get(request_id)
            pid: UUID | None = None
            touched: list[DialogueAggregate] = []
            if decision == "accept" and found["status"] == "pending" and (ctx.is_secretariat or self._facilitates(ctx, requests.table)):
                if found["erased"] or found["display_name"] is None:
                    raise InvalidTransitionError("This requester's data was erased; nobody can be registered from it.", code="already_erased")
                pid = participant_id or created_id("participant", ctx.command_id)
                if participant_reference:
                    self.check_reference_free(participant_reference, field="participant_reference")
                reference = participant_reference or self._generated_reference(pid)
                as_secretariat = Ctx(actor=SECRETARIAT, effective_date=ctx.effective_date, command_id=ctx.command_id)
                person = Participant.register(
                    as_secretariat, id=pid, reference=reference, display_name=as_one_line(found["display_name"]),
                    organisation_id=None, gender=UNSTATED_GENDER, preferred_language=found["language"],
                )
                table.join(as_secretariat, pid)
                touched = [person, table]
            requests.decide(
                ctx, request_id=request_id, decision=decision, reason=reason, representative=self._facilitates(ctx, requests.table),
                participant_id=pid, ground=ground,
            )
            # Another decision on the request (or a registration of this reference) saved
            # meanwhile fails this save: checked again, an acceptance at the same moment as
            # another is refused as ``request_decided``.
            self._save(ctx, *touched, requests)
            return (pid, found["contact"]) if pid is not None else (None, None)

        return self._retrying(attempt)

    def _generated_reference(self, pid: UUID) -> str:
        """The reference of a person accepted without one: ``joined-`` and the start of their
        id, or their whole id when a participant already has that short one."""
        short = f"joined-{str(pid)[:8]}"
        return f"joined-{pid}" if self._participant_reference_taken(short) else short

    def erase_requester(self, request_id: UUID | str, *, reason: str = "", actor: str = "administrator", command_id: str | None = None) -> str:
        """Erase the personal data of whoever made ``request_id``: ``RequesterErased`` and the
        deletion of their key in one transaction. Returns the requester's id.

        Raises:
            NotFoundError: no such request.  (every error of :meth:`JoinRequests.erase_requester`)
        """
        ctx = self.ctx(actor, command_id)
        requests = self.table_of_request(request_id)
        requester = requests.erase_requester(ctx, request_id=request_id, reason=reason)
        self._save(ctx, requests, erase_key=requester)
        return requester
