"""The commands on a proposal's amendments (a mixin of :class:`domain.proposal.Proposal`,
whose events they trigger): propose, accept, reject, withdraw.

Amendments come from members of the table who are not authors; the authors decide on
them; an accepted amendment merges its text and makes its amender a co-author
(``docs/design.md``, "Proposal"; codes in ``docs/rules.md``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.base import Ctx, one_line_problem
from domain.errors import (
    DomainError,
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    NotFoundError,
)
from domain.may_act import require_not_an_author
from domain.proposal_rules import (
    EDITABLE,
    MAX_TEXT,
    MAX_TITLE,
    TEXT_FIELDS,
    ProposalGuards,
    apply_amendment,
    check_text,
    replaced_in,
)


class AmendmentCommands(ProposalGuards):
    """Propose, accept, reject and withdraw amendments."""

    amendments: dict[str, dict[str, Any]]

    if TYPE_CHECKING:  # the events, declared on Proposal
        def _amendment_proposed(
            self, amendment: str, amender: str, field: str, operation: str, text: str,
            replaces: str | None, justification: str, actor: str, effective_date: date, command_id: str,
        ) -> None: ...

        def _amendment_accepted(self, amendment: str, field: str, merged_text: str, actor: str, effective_date: date, command_id: str) -> None: ...

        def _amendment_rejected(self, amendment: str, reason: str, actor: str, effective_date: date, command_id: str) -> None: ...

        def _amendment_withdrawn(self, amendment: str, actor: str, effective_date: date, command_id: str) -> None: ...

    def pending_amendments(self) -> list[str]:
        return [a for a, v in self.amendments.items() if v["status"] == "pending"]

    def propose_amendment(
        self,
        ctx: Ctx,
        *,
        amendment: str,
        field: str,
        operation: str,
        text: str,
        replaces: str | None = None,
        justification: str = "",
    ) -> None:
        """Propose an amendment (a table member who is not an author; membership checked
        by the application), while ``draft`` or ``returned_for_revision``.

        Raises:
            NotAllowedError: ``author_cannot_amend``.
            InvalidTransitionError, InvalidInputError.
        """
        require_not_an_author(ctx.actor, self.authors)
        self._require_status(EDITABLE, "amend", code="proposal_not_editable")
        if amendment in self.amendments:
            raise InvalidInputError(f"Amendment {amendment} already exists.", code="duplicate_amendment")
        problems = self.amendment_problems(field=field, operation=operation, text=text, replaces=replaces)
        if problems:
            raise problems[0]
        self._amendment_proposed(
            amendment=amendment, amender=ctx.actor, field=field, operation=operation,
            text=text, replaces=replaces, justification=justification, **ctx.stamp(),
        )

    def amendment_problems(self, *, field: str, operation: str, text: str, replaces: str | None) -> list[DomainError]:
        """Every problem of an amendment's content at once (an empty replacement that names
        no passage has both), in the order :meth:`propose_amendment` refuses with the first."""
        if field not in TEXT_FIELDS:
            return [InvalidInputError(f"Amendments change one of {list(TEXT_FIELDS)}.", code="field_not_amendable", field="field")]
        if operation not in ("append", "replace"):
            return [InvalidInputError("An amendment appends or replaces text.", code="unknown_operation", field="operation")]
        found: list[DomainError] = []
        try:
            check_text("text", text)
        except InvalidInputError as e:
            found.append(e)
        current = getattr(self, field)
        if operation == "replace" and not (replaces or "").strip():
            found.append(InvalidInputError("An amendment that replaces text names the text it replaces.", code="replaced_text_empty", field="replaces"))
        elif operation == "replace" and replaced_in(current, replaces) is None:
            found.append(InvalidInputError(f"The text to replace is not in the current {field}.", code="replaced_text_not_found", field="replaces"))
        if not found:
            try:
                _check_amended(field, apply_amendment(current, operation, text, replaces))
            except InvalidInputError as e:
                found.append(e)
        return found

    @staticmethod
    def _require_amender(actor: str, amendment: dict[str, Any]) -> None:
        """Raises ``not_the_amender``: an amendment is withdrawn by its amender only."""
        if actor != amendment["amender"]:
            raise NotAllowedError("Only the amender may withdraw an amendment.", code="not_the_amender")

    def _pending_amendment(self, amendment: str) -> dict[str, Any]:
        a = self.amendments.get(amendment)
        if a is None:
            raise NotFoundError(f"No amendment {amendment} on this proposal.", code="unknown_amendment")
        if a["status"] != "pending":
            raise InvalidTransitionError(f"Amendment {amendment} is already {a['status']}.", code="amendment_not_pending")
        return a

    def accept_amendment(self, ctx: Ctx, amendment: str) -> None:
        """Accept an amendment (authors): its text merges, its amender becomes a co-author."""
        self._require_author(ctx, "decide on amendments")
        self._require_status(EDITABLE, "accept an amendment", code="proposal_not_editable")
        a = self._pending_amendment(amendment)
        merged = apply_amendment(getattr(self, a["field"]), a["operation"], a["text"], a["replaces"])
        _check_amended(a["field"], merged)  # the merged text keeps the field's limits (a title ≤ 300)
        self._amendment_accepted(amendment=amendment, field=a["field"], merged_text=merged, **ctx.stamp())

    def reject_amendment(self, ctx: Ctx, amendment: str, reason: str = "") -> None:
        """Reject an amendment (authors); the text does not change."""
        self._require_author(ctx, "decide on amendments")
        self._require_status(EDITABLE, "reject an amendment", code="proposal_not_editable")
        self._pending_amendment(amendment)
        self._amendment_rejected(amendment=amendment, reason=reason, **ctx.stamp())

    def withdraw_amendment(self, ctx: Ctx, amendment: str) -> None:
        """Withdraw an amendment (its amender only, while it is pending)."""
        a = self._pending_amendment(amendment)
        self._require_amender(ctx.actor, a)
        self._amendment_withdrawn(amendment=amendment, **ctx.stamp())


def _check_amended(field: str, amended: str) -> None:
    """Refuse an amended text past its field's limit (``amended_text_too_long``, naming the
    limit), apart from an amendment's own text too long (``text_too_long``)."""
    limit = MAX_TITLE if field == "title" else MAX_TEXT
    if (problem := one_line_problem(field, amended) if field == "title" else None) is not None:
        problem.field = "text"
        raise problem
    if len(amended) > limit:
        raise InvalidInputError(
            f"With this amendment the {field} would be longer than {limit} characters.", code="amended_text_too_long", field="text", limit=limit,
        )
