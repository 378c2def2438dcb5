"""The rules of a proposal that do not depend on its history: statuses, field limits,
objectives, targets and publication recipients, text, language, merging an amendment; and
the guards every proposal command uses (:class:`ProposalGuards`).

``docs/rules.md`` lists every error code; ``docs/design.md`` ("Proposal") says where
each rule comes from.
"""

from __future__ import annotations

from typing import Any

from domain.base import Ctx, check_one_line
from domain.errors import (
    InvalidInputError,
    InvalidTransitionError,
    NotAllowedError,
    RuleViolationError,
)
from domain.reference import ALL_GOVERNMENTS, is_valid_target, lac_states, table_objectives

DRAFT = "draft"
SUBMITTED = "submitted"
ON_AGENDA = "on_agenda"
RETURNED = "returned_for_revision"
ADOPTED = "adopted"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
UNDER_LIAISON_REVIEW = "under_liaison_review"
ENDORSED = "endorsed"
NOT_ENDORSED = "not_endorsed"
PUBLISHED = "published"

STATUSES = (
    DRAFT, SUBMITTED, ON_AGENDA, RETURNED, ADOPTED, REJECTED, WITHDRAWN,
    UNDER_LIAISON_REVIEW, ENDORSED, NOT_ENDORSED, PUBLISHED,
)
EDITABLE = (DRAFT, RETURNED)
TEXT_FIELDS = ("title", "problem", "recommendation", "rationale")
REVISABLE_FIELDS = (*TEXT_FIELDS, "objectives", "targets", "language")
LANGUAGES = ("es", "en", "pt", "fr")
GOVERNMENT_RESPONSE_STATUSES = ("accepted", "partially_accepted", "noted", "rejected")
FOLLOW_UP_PROGRESS = ("not_started", "in_progress", "partially_implemented", "implemented", "stalled")
MAX_TITLE = 300
MAX_TEXT = 20_000


def check_objectives(table: str, objectives: list[int]) -> None:
    """Refuse objectives outside 1..23 or not owned by ``table`` (seed, "Architecture").

    Raises:
        InvalidInputError: ``no_objective``, ``unknown_objective``, ``objective_not_in_table``.
    """
    if not objectives:
        raise InvalidInputError("A proposal names at least one GCM objective.", code="no_objective", field="objectives")
    owned = table_objectives().get(table, frozenset())
    unknown = sorted(o for o in objectives if not 1 <= o <= 23)
    if unknown:
        raise InvalidInputError(f"GCM objectives are numbered 1 to 23, not {unknown}.", code="unknown_objective", field="objectives")
    outside = sorted(set(objectives) - owned)
    if outside:
        raise InvalidInputError(
            f"GCM objective(s) {outside} do not belong to {table}, whose objectives are {sorted(owned)}.",
            code="objective_not_in_table",
            field="objectives",
        )


def check_targets(targets: list[str]) -> None:
    """Refuse an empty list or an addressee outside the reference lists.

    Raises:
        InvalidInputError: ``no_target``, ``unknown_target``.
    """
    if not targets:
        raise InvalidInputError("A recommendation names at least one addressee.", code="no_target", field="targets")
    bad = [t for t in targets if not is_valid_target(t)]
    if bad:
        raise InvalidInputError(f"Unknown addressee(s): {bad}.", code="unknown_target", field="targets")


def check_recipients(recipients: list[str], targets: list[str]) -> None:
    """Refuse publication recipients that are empty, unknown, or not addressed by the
    adopted text (``targets``): a LAC state is addressed by its code or through "all
    governments of the region". Separate from :func:`check_targets`, so that a rule on a
    proposal's targets never changes who a publication may reach.

    Raises:
        InvalidInputError: ``no_target``, ``unknown_target``.
        RuleViolationError: ``recipient_not_a_target``.
    """
    if not recipients:
        raise InvalidInputError("A recommendation names at least one addressee.", code="no_target", field="targets")
    bad = [r for r in recipients if not is_valid_target(r)]
    if bad:
        raise InvalidInputError(f"Unknown addressee(s): {bad}.", code="unknown_target", field="targets")
    outside = [r for r in recipients if not is_addressed(r, targets)]
    if outside:
        raise RuleViolationError(
            f"The recommendation as adopted is not addressed to {outside}; publish it to its targets.",
            code="recipient_not_a_target", field="recipients",
        )


def is_addressed(recipient: str, targets: list[str]) -> bool:
    """Whether ``targets`` address ``recipient`` (a LAC state is addressed by its code or
    through "all governments of the region")."""
    if recipient in targets:
        return True
    return ALL_GOVERNMENTS in targets and recipient in lac_states()


def check_text(field: str, value: Any) -> None:
    """Refuse a missing, blank or oversized text field, or a title that is not one line
    (``not_one_line``: :func:`domain.base.check_one_line`); text is kept exactly as typed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"The {field} cannot be empty.", code="empty_text", field=field)
    check_one_line(field, value)
    limit = MAX_TITLE if field == "title" else MAX_TEXT
    if len(value) > limit:
        raise InvalidInputError(f"The {field} is longer than {limit} characters.", code="text_too_long", field=field, limit=limit)


def draft_problems(
    *, table: str, texts: dict[str, Any], objectives: list[int], targets: list[str], language: str,
) -> list[InvalidInputError]:
    """Every problem of a draft's content at once, in the order of the form (table, the
    four texts, objectives, addressees, language): a person on a weak connection learns
    them in one answer, not one per save. Empty when the content may be drafted; the
    aggregate refuses with the first of them (:meth:`Proposal.draft`).
    """
    found: list[InvalidInputError] = []
    if table not in table_objectives():
        found.append(InvalidInputError(f"Unknown working table {table!r}.", code="unknown_table", field="table"))
    checks: list[tuple[Any, tuple[Any, ...]]] = [(check_text, (f, texts.get(f))) for f in TEXT_FIELDS]
    if table in table_objectives() or not objectives:
        checks.append((check_objectives, (table, objectives)))
    checks += [(check_targets, (targets,)), (check_language, (language,))]
    for check, args in checks:
        try:
            check(*args)
        except InvalidInputError as e:
            found.append(e)
    return found


def revision_problems(table: str, changes: dict[str, Any]) -> list[InvalidInputError]:
    """Every problem of a revision's content at once (fields that are not revisable, texts,
    objectives of another table, addressees, language), in the order of ``changes``; empty
    when it may be applied (who revises, and when, is :meth:`ProposalGuards.require_revisable_by`'s)."""
    if not changes:
        return [InvalidInputError("A revision changes at least one field.", code="empty_revision")]
    found: list[InvalidInputError] = []
    for f, v in changes.items():
        try:
            if f not in REVISABLE_FIELDS:
                raise InvalidInputError(f"The field {f!r} cannot be revised.", code="field_not_revisable", field=f)
            if f in TEXT_FIELDS:
                check_text(f, v)
            elif f == "objectives":
                check_objectives(table, sorted(set(v)))
            elif f == "targets":
                check_targets(v)
            elif f == "language":
                check_language(v)
        except InvalidInputError as e:
            found.append(e)
    return found


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInputError(f"Language must be one of {list(LANGUAGES)}.", code="unknown_language", field="language")


def apply_amendment(current: str, operation: str, text: str, replaces: str | None) -> str:
    """Merge an amendment into a field's text.

    ``append`` adds ``text`` as a new sentence at the end; ``replace`` substitutes the
    first occurrence of ``replaces`` by ``text`` (scenario conventions, "amendment_operations").

    Raises:
        RuleViolationError: ``amendment_conflict`` when the replaced text is no longer there.
    """
    if operation == "append":
        return current.rstrip() + " " + text
    found = replaced_in(current, replaces)
    if found is None:
        raise RuleViolationError(
            "The text this amendment replaces is no longer in the proposal.", code="amendment_conflict"
        )
    return found[0].replace(found[1], text, 1)


def line_ends_as_lf(text: str) -> str:
    """``text`` with its CRLF (and lone CR) line ends read as LF, as the forms and the API
    read a typed text (``web.typed_text``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def replaced_in(current: str, replaces: str | None) -> tuple[str, str] | None:
    """Where ``replaces`` stands in ``current``: the two texts to replace in, as they are, or
    with their line ends read as LF when only that way they match (a text stored with a
    browser's CRLF line ends before the forms and the API read them as LF, amended with the
    LF a form sends now); None when it is not there either way."""
    if replaces is None:
        return None
    if replaces in current:
        return current, replaces
    plain_current, plain_replaces = line_ends_as_lf(current), line_ends_as_lf(replaces)
    if plain_replaces and plain_replaces in plain_current:
        return plain_current, plain_replaces
    return None


class ProposalGuards:
    """Who may act and in which status: the checks shared by :class:`domain.proposal.Proposal`
    and its command mixins (the state is the proposal's)."""

    status: str
    author: str
    co_authors: list[str]

    @property
    def authors(self) -> set[str]:
        """The author and the co-authors (participant ids as text)."""
        return {self.author, *self.co_authors}

    def is_author(self, participant_id: str) -> bool:
        return participant_id in self.authors

    def _require_status(self, allowed: tuple[str, ...], doing: str, code: str) -> None:
        """Refuse ``doing`` unless the proposal's status is in ``allowed``.

        The ``code`` is stable per rule (``proposal_not_editable`` …); the message names
        the current status and the statuses that allow the command.
        """
        if self.status not in allowed:
            raise InvalidTransitionError(
                f"Cannot {doing} a proposal that is {self.status} (allowed when {', '.join(allowed)}).",
                code=code,
            )

    def require_revisable_by(self, actor: str) -> None:
        """Who may revise, and when: an author or co-author, while the proposal is editable
        (asked before the content, so that someone who may not revise learns that first).

        Raises:
            NotAllowedError: ``not_an_author``.  InvalidTransitionError: ``proposal_not_editable``.
        """
        self._require_author_id(actor, "revise the proposal")
        self._require_status(EDITABLE, "revise", code="proposal_not_editable")

    def _require_author(self, ctx: Ctx, doing: str, *, main_author_only: bool = False) -> None:
        self._require_author_id(ctx.actor, doing, main_author_only=main_author_only)

    def _require_author_id(self, actor: str, doing: str, *, main_author_only: bool = False) -> None:
        who = {self.author} if main_author_only else self.authors
        if actor not in who:
            kind = "author" if main_author_only else "author or a co-author"
            raise NotAllowedError(f"Only the {kind} may {doing}.", code="not_an_author")
