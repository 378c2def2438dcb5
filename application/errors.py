"""Application errors that are not rules of the mechanism."""

from __future__ import annotations

from domain.errors import DomainError


class ConflictError(DomainError):
    """Someone else changed the aggregate since it was read (optimistic concurrency).

    Raised when a save meets a newer version (the library's ``IntegrityError``), or when a
    form's ``expected_version`` is not the current one. HTTP 409.
    """

    code = "stale_version"


class PreconditionFailedError(ConflictError):
    """The client's expected version (the API's ``If-Match``) is not the aggregate's current
    one (:mod:`application.preconditions`). HTTP 412."""

    code = "version_mismatch"


class CommandAlreadyAppliedError(DomainError):
    """A command with this ``command_id`` was already applied; nothing was changed again."""

    code = "command_already_applied"
