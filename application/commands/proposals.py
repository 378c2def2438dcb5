"""Commands on proposals: draft, revise, co-authors, amendments, submit, withdraw."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from application.core import ApplicationCore, _uuid
from application.errors import ConflictError
from domain.deliberation import TableDeliberation
from domain.errors import (
    DomainError,
    InvalidInputError,
    RuleViolationError,
)
from domain.proposal import Proposal, draft_problems
from domain.proposal_rules import revision_problems
from domain.reference import table_objectives

REFERENCE_ATTEMPTS = 5
"""How often a draft is numbered again when another draft of its table took the number first."""


class ProposalCommands(ApplicationCore):
    """Commands on proposals: draft, revise, co-authors, amendments, submit, withdraw."""

    # ------------------------------------------------------------------ proposals
    def draft_proposal(
        self, *, actor: str, table: str, title: str, problem: str, recommendation: str, rationale: str,
        objectives: list[int], targets: list[str], language: str, co_authors: list[UUID | str] | None = None,
        reference: str = "", source: str = "", id: UUID | None = None, command_id: str | None = None,
    ) -> UUID:
        """Draft a proposal as ``actor`` (a member of ``table``); returns its id.

        Without a ``reference``, the table gives the next ``RTn-YYYY-NNN`` of the drafting
        year (:meth:`domain.working_table.WorkingTable.assign_reference`), stored in the
        ``Drafted`` event; a given one is kept.

        Raises:
            NotAllowedError: ``not_a_member``.  InvalidInputError: ``objective_not_in_table`` …
        """
        ctx = self.ctx(actor, command_id)
        co = [_uuid(c, "co_author") for c in co_authors or []]
        pid = id or uuid4()
        for attempt in range(REFERENCE_ATTEMPTS):
            wt = self.table(table)
            self._require_member(wt, actor, ctx.effective_date)
            for c in co:
                self._require_member(wt, str(c), ctx.effective_date, field="co_authors")
            if attempt == 0 and self._exists(pid):
                raise InvalidInputError("This proposal already exists.", code="already_registered")
            p = Proposal.draft(
                ctx, id=pid, reference=wt.assign_reference(ctx, pid, reference.strip()), table=table,
                author=_uuid(actor, "actor"), co_authors=co, title=title, problem=problem, recommendation=recommendation,
                rationale=rationale, objectives=objectives, targets=targets, language=language, source=source,
            )
            try:
                # The table's numbering and the proposal in one transaction: two drafts at
                # once cannot take one number (the second finds the table changed, and
                # numbers again from the table as it now is).
                self._save(ctx, wt, p)
            except ConflictError:
                if attempt == REFERENCE_ATTEMPTS - 1 or self._exists(pid):
                    raise
                continue
            break
        return p.id

    def check_draft(
        self, *, table: str, title: str, problem: str, recommendation: str, rationale: str,
        objectives: list[int], targets: list[str], language: str,
    ) -> list[DomainError]:
        """Every problem of a draft's content at once, without writing anything: the forms
        ask it before :meth:`draft_proposal`, whose aggregate refuses with the first.

        Returns the errors (``field`` and ``code`` set) in the order of the form; empty
        when the content may be drafted (membership is still checked on drafting)."""
        texts = {"title": title, "problem": problem, "recommendation": recommendation, "rationale": rationale}
        return list(draft_problems(table=table, texts=texts, objectives=objectives, targets=targets, language=language))

    def check_may_draft(self, *, actor: str, table: str) -> None:
        """Whether ``actor`` may draft in ``table`` today, asked before the draft's content:
        someone who may not act learns that first, not the problems of a text they may not
        send. An unknown table is left to the content's checks (``unknown_table``).

        Raises:
            NotAllowedError: ``not_a_member`` (and the identity checks of :meth:`ctx`).
        """
        ctx = self.ctx(actor)
        if table in table_objectives():
            self._require_member(self.table(table), actor, ctx.effective_date)

    def check_revision(self, proposal_id: UUID | str, changes: dict[str, Any], *, actor: str) -> list[DomainError]:
        """Every problem of a revision's content at once, after who may revise and when
        (raised first); nothing is written. Empty when :meth:`revise_proposal` may apply it
        (the version is still checked there).

        Raises:
            NotAllowedError: ``not_an_author``.  InvalidTransitionError: ``proposal_not_editable``.
            NotFoundError: ``unknown_proposal``.
        """
        ctx = self.ctx(actor)
        p = self.proposal(proposal_id)
        p.require_revisable_by(ctx.actor)
        return list(revision_problems(p.table, changes))

    def _proposal_at(self, proposal_id: UUID | str, expected_version: int | None) -> Proposal:
        p = self.proposal(proposal_id)
        if expected_version is not None and p.version != expected_version:
            raise ConflictError(
                f"The proposal changed since you opened it (version {expected_version}, now {p.version}); "
                "your text is kept below: compare and submit again."
            )
        return p

    def revise_proposal(
        self, proposal_id: UUID | str, changes: dict[str, Any], *, actor: str, note: str = "",
        expected_version: int | None = None, command_id: str | None = None,
    ) -> int:
        """Revise a proposal (authors, while editable); returns the new aggregate version.

        Raises:
            ConflictError: ``stale_version`` when ``expected_version`` is not current.
        """
        ctx = self.ctx(actor, command_id)
        p = self._proposal_at(proposal_id, expected_version)
        p.revise(ctx, changes, note)
        self._save(ctx, p)
        return int(p.version)

    def add_co_author(self, proposal_id: UUID | str, co_author: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        c = _uuid(co_author, "co_author")
        if self.participant(c).erased:  # checked first: an erasure also ends the person's memberships
            raise RuleViolationError("This person's data was erased; they take no further part.", code="participant_erased", field="co_author")
        self._require_member(self.table(p.table), str(c), ctx.effective_date, field="co_author")
        p.add_co_author(ctx, c)
        self._save(ctx, p)

    def remove_co_author(self, proposal_id: UUID | str, co_author: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.remove_co_author(ctx, _uuid(co_author, "co_author"))
        self._save(ctx, p)

    def propose_amendment(
        self, proposal_id: UUID | str, *, actor: str, field: str, operation: str, text: str, replaces: str | None = None,
        justification: str = "", amendment: str | None = None, command_id: str | None = None,
    ) -> str:
        """Propose an amendment as a member of the proposal's table; returns its reference.

        Amendments proposed by others at the same moment do not refuse it: it is tried again
        on the proposal as it then is (:mod:`application.retry`); a replacement whose text
        was changed meanwhile is refused (``replaced_text_not_found``).
        """
        ctx = self.ctx(actor, command_id)

        def attempt() -> str:
            p = self.proposal(proposal_id)
            self._require_member(self.table(p.table), actor, ctx.effective_date)
            ref = amendment or f"amd-{len(p.amendments) + 1:02d}-{uuid4().hex[:6]}"
            p.propose_amendment(ctx, amendment=ref, field=field, operation=operation, text=text, replaces=replaces, justification=justification)
            self._save(ctx, p)
            return ref

        return self._retrying(attempt)

    def check_amendment(
        self, proposal_id: UUID | str, *, field: str, operation: str, text: str, replaces: str | None = None,
    ) -> list[DomainError]:
        """Every problem of an amendment's content at once, without writing anything (a form
        shows them all; :meth:`propose_amendment` refuses with the first). Who may amend is
        :meth:`check_may_amend`'s.

        Raises:
            NotFoundError: no such proposal.
        """
        return self.proposal(proposal_id).amendment_problems(field=field, operation=operation, text=text, replaces=replaces)

    def accept_amendment(self, proposal_id: UUID | str, amendment: str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.accept_amendment(ctx, amendment)
        self._save(ctx, p)

    def reject_amendment(self, proposal_id: UUID | str, amendment: str, *, actor: str, reason: str = "", command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.reject_amendment(ctx, amendment, reason)
        self._save(ctx, p)

    def withdraw_amendment(self, proposal_id: UUID | str, amendment: str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.withdraw_amendment(ctx, amendment)
        self._save(ctx, p)

    def submit_proposal(self, proposal_id: UUID | str, *, actor: str, command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        p.submit(ctx)
        self._save(ctx, p)

    def withdraw_proposal(self, proposal_id: UUID | str, *, actor: str, reason: str = "", command_id: str | None = None) -> None:
        ctx = self.ctx(actor, command_id)
        p = self.proposal(proposal_id)
        if p.session_id is not None:
            s = self._get(TableDeliberation, p.session_id, "session")
            if s.agenda.get(str(p.id), {}).get("decision"):
                raise RuleViolationError("The table already decided on this proposal.", code="already_decided")
        p.withdraw(ctx, reason)
        self._save(ctx, p)

