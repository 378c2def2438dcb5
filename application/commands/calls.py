"""Commands on open calls for input (issue 17, "Open calls", "Inputs feed proposals",
"Erasure"): opening and closing a call, inputs from anyone, their moderation, links from
proposals, and the erasure of a contributor without an account.

Who may act is decided here and in :class:`domain.open_call.OpenCall`: the secretariat,
or the facilitators of the call's table (its representatives in term) for a call of their
table; inputs come from ``public`` (someone without an account) or a participant.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.core import ApplicationCore, _uuid
from application.errors import CommandAlreadyAppliedError
from application.persistence import notifications
from application.references import call_of
from domain.base import ADMINISTRATOR, PUBLIC, SECRETARIAT
from domain.errors import DomainError, NotAllowedError, NotFoundError
from domain.ids import created_id
from domain.open_call import OpenCall, call_problems, moderation_problems

CALL_OPENED = "domain.open_call:OpenCall.Opened"
CALL_CLOSED = "domain.open_call:OpenCall.Closed"


class CallCommands(ApplicationCore):
    """Open calls, their inputs and moderation (:class:`domain.open_call.OpenCall`)."""

    def open_call(
        self, *, reference: str, title: str, text: str, objectives: list[int], languages: list[str], opens_on: date,
        closes_on: date, table: str | None = None, id: UUID | None = None, actor: str = SECRETARIAT,
        command_id: str | None = None,
    ) -> UUID:
        """Open a call for inputs; returns its id (from the command id unless ``id`` is given).

        Raises:
            (every error of :meth:`OpenCall.open`)
        """
        ctx = self.ctx(actor, command_id)
        call = OpenCall.open(
            ctx, id=id or created_id("call", ctx.command_id), reference=reference, title=title, text=text,
            objectives=list(objectives), table=table, languages=list(languages), opens_on=opens_on, closes_on=closes_on,
            facilitator=self._facilitates(ctx, table),
        )
        self._save(ctx, call)
        return call.id

    def check_call(
        self, *, title: str, text: str, objectives: list[int], languages: list[str], opens_on: date | None,
        closes_on: date | None, table: str | None = None,
    ) -> list[DomainError]:
        """Every problem of a call's content at once, without writing anything (a form shows
        them all; :meth:`open_call` refuses with the first)."""
        return call_problems(
            title=title, text=text, objectives=list(objectives), table=table, languages=list(languages), opens_on=opens_on,
            closes_on=closes_on, today=self.clock.today(),
        )

    def check_input(
        self, call_id: UUID | str, *, text: str, organisation_name: str, country: str, stakeholder_group: str, language: str,
        contact: str | None = None, public: bool = True,
    ) -> list[DomainError]:
        """Every problem of an input's content at once, without writing anything (a form
        shows them all; :meth:`submit_input` refuses with the first).

        Raises:
            NotFoundError: no such call.
        """
        return self.open_call_record(call_id).input_problems(
            text=text, organisation_name=organisation_name, country=country, stakeholder_group=stakeholder_group,
            language=language, contact=contact, public=public,
        )

    def open_call_record(self, call_id: UUID | str) -> OpenCall:
        """The call ``call_id``.

        Raises:
            NotFoundError: no such call.
        """
        return self._get(OpenCall, call_id, "call")

    def submit_input(
        self, call_id: UUID | str, *, text: str, organisation_name: str, country: str, stakeholder_group: str,
        language: str, contact: str | None = None, input_id: UUID | None = None, actor: str = PUBLIC,
        command_id: str | None = None,
    ) -> UUID:
        """Send an input to an open call, as ``public`` or as a participant (their id);
        returns the input's id. Inputs sent at the same moment to one call are tried again,
        each checked against what is stored then.

        Raises:
            NotFoundError: no such call, or no such participant.
            (every error of :meth:`OpenCall.submit_input`)
        """
        ctx = self.ctx(actor, command_id)
        if not ctx.is_public and ctx.actor not in (SECRETARIAT, ADMINISTRATOR):
            self.participant(ctx.actor)
        iid = input_id or created_id("input", ctx.command_id)

        def attempt() -> None:
            call = self.open_call_record(call_id)
            call.submit_input(
                ctx, input_id=iid, text=text, organisation_name=organisation_name, country=country,
                stakeholder_group=stakeholder_group, language=language, contact=contact,
            )
            self._save(ctx, call)

        self._retrying(attempt)
        return iid

    def _call_of(self, input_id: str) -> str | None:
        with self.engine.connect() as c:
            return call_of(c, input_id)

    def call_of_input(self, input_id: UUID | str) -> UUID:
        """The id of the call input ``input_id`` was sent to (one look-up in the inputs'
        index, :mod:`application.references`).

        Raises:
            NotFoundError: no input with this id.
        """
        call_id = self._call_of(str(_uuid(input_id, "input")))
        if call_id is None:
            raise NotFoundError(f"No input with id {input_id}.", field="input")
        return UUID(call_id)

    def check_moderation(self, *, decision: str, reason: str = "", category: str | None = None) -> list[DomainError]:
        """Every problem of a moderation's content at once, without writing anything (a form
        shows them all; :meth:`moderate_input` refuses with the first)."""
        return moderation_problems(decision=decision, reason=reason, category=category)

    def moderate_input(
        self, input_id: UUID | str, *, decision: str, reason: str = "", category: str | None = None,
        allow_more: bool = False, actor: str = SECRETARIAT, command_id: str | None = None,
    ) -> None:
        """Accept or reject an input, with a reason (and a category on rejection).

        Raises:
            NotFoundError: no such input.
            (every error of :meth:`OpenCall.moderate`)
        """
        ctx = self.ctx(actor, command_id)
        call_id = self.call_of_input(input_id)

        def attempt() -> None:
            call = self.open_call_record(call_id)
            call.moderate(
                ctx, input_id=str(input_id), decision=decision, reason=reason, category=category,
                allow_more=allow_more, facilitator=self._facilitates(ctx, call.table),
            )
            self._save(ctx, call)

        self._retrying(attempt)

    def link_input(self, input_id: UUID | str, proposal_id: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        """Record that a proposal draws on an accepted input (its author or a co-author).

        Raises:
            NotFoundError: no such input or proposal.  NotAllowedError: ``not_an_author``.
            (every error of :meth:`OpenCall.link`)
        """
        ctx = self.ctx(actor, command_id)
        proposal = self.proposal(proposal_id)
        if ctx.actor not in proposal.authors:
            raise NotAllowedError("Only the author or a co-author links inputs to a proposal.", code="not_an_author")
        call_id = self.call_of_input(input_id)

        def attempt() -> None:
            call = self.open_call_record(call_id)
            call.link(ctx, input_id=str(input_id), proposal_id=proposal.id)
            self._save(ctx, call)

        self._retrying(attempt)

    def close_call(self, call_id: UUID | str, *, actor: str = SECRETARIAT, command_id: str | None = None) -> None:
        """Close a call before (or at) its closing date.

        Raises:
            (every error of :meth:`OpenCall.close`)
        """
        ctx = self.ctx(actor, command_id)
        call = self.open_call_record(call_id)
        call.close(ctx, facilitator=self._facilitates(ctx, call.table))
        self._save(ctx, call)

    def open_calls(self) -> list[UUID]:
        """Ids of the calls not closed, read from the log's ``Opened`` and ``Closed`` events
        by topic (a few per quarter)."""
        calls: dict[UUID, bool] = {}
        for n in notifications(self.recorder, [CALL_OPENED, CALL_CLOSED], batch=1000):
            cid = UUID(str(n.originator_id))
            if n.topic == CALL_OPENED:
                calls[cid] = True
            else:
                calls.pop(cid, None)
        return list(calls)

    def close_due_calls(self, *, command_prefix: str | None = None) -> list[UUID]:
        """The deadline job's part for calls: close every call whose ``closes_on`` is
        before today, as the secretariat. The command id names the call, so it closes once."""
        today = self.clock.today()
        closed: list[UUID] = []
        for cid in self.open_calls():
            if not self.open_call_record(cid).is_due(today):
                continue
            try:
                self.close_call(cid, command_id=f"{command_prefix or 'close-due'}:call:{cid}")
            except CommandAlreadyAppliedError:
                continue
            closed.append(cid)
        return closed

    def erase_contributor(self, input_id: UUID | str, *, reason: str = "", actor: str = ADMINISTRATOR, command_id: str | None = None) -> str:
        """Erase the contact of the person without an account who sent ``input_id``:
        ``ContributorErased`` and the deletion of their key in one transaction. The input's
        text and moderation stay; the chain is untouched. Returns the contributor id.

        Raises:
            NotFoundError: no such input.
            (every error of :meth:`OpenCall.erase_contributor`)
        """
        ctx = self.ctx(actor, command_id)
        call = self.open_call_record(self.call_of_input(input_id))
        contributor = call.erase_contributor(ctx, input_id=str(input_id), reason=reason)
        self._save(ctx, call, erase_key=contributor)
        return contributor
