"""Domain errors: every refusal of a rule is one of these, with a stable ``code``.

The codes are part of the public contract (forms, API, scenario reports):
never change the code of an existing rule. ``docs/rules.md`` lists them.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command refused by a rule of the mechanism.

    Attributes:
        code: stable machine-readable code, e.g. ``objective_not_in_table``.
        message: a sentence naming the rule, safe to show to the person who acted
            (never carries personal data).
        field: the form field the refusal is about, when there is one.
        limit: the number the input went past, when the rule is one (a field's
            length for ``text_too_long``), so every language can name it.
    """

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, limit: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.limit = limit

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFoundError(DomainError):
    """An aggregate, amendment, agenda item or seat that does not exist."""

    code = "not_found"


class NotAllowedError(DomainError):
    """The actor is not allowed to run this command (role, authorship, membership)."""

    code = "not_allowed"


class InvalidTransitionError(DomainError):
    """The command does not apply to the current lifecycle state."""

    code = "invalid_transition"


class InvalidInputError(DomainError):
    """The command's data breaks a rule on its shape or content."""

    code = "invalid_input"


class RuleViolationError(DomainError):
    """A rule of the mechanism (quorum, parity, terms, thresholds) refuses the command."""

    code = "rule_violation"
