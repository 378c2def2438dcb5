"""The error summary of a refused form: every error of the page at the top of ``<main>``.

A person on a phone sees the top of the page first, and a screen reader announces what has
``role="alert"``. The form macros (``web/templates/common/_macros.html``) note each error
they show beside a control, with the id of that control; the ``refusal`` macro and
:func:`note_problem` note a refusal of the whole command (not a member of this table, the
form expired). The layout (``base.html``) renders the page's content first, then puts at the
top of ``<main>`` one summary: the refusal of the command first, then each field's error as a
link to its control that names the field ("Title: This text cannot be empty."; four empty
fields refused with the same message would otherwise give four identical links), and begins
the page's ``<title>`` with "Error: ".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, g


@dataclass
class Summary:
    """What a refused form's page shows at its top."""

    problems: list[tuple[str, str]] = field(default_factory=list)  # (message, code) of whole commands
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (control id, message, field's label)

    def __bool__(self) -> bool:
        return bool(self.problems or self.errors)


def _summary() -> Summary:
    found = g.get("error_summary")
    if found is None:
        found = g.error_summary = Summary()
    return found  # type: ignore[no-any-return]


def note_errors(control_id: str, errors: Any, label: Any = "") -> str:
    """Note the errors shown beside the control ``control_id`` of the field labelled ``label``
    (called by the form macros); ''."""
    s = _summary()
    for e in errors or ():
        entry = (str(control_id), str(e), str(label or "").strip())
        if entry not in s.errors:
            s.errors.append(entry)
    return ""


def note_problem(message: Any, code: Any = "") -> str:
    """Note a refusal of the whole form (not of one field); ''."""
    s = _summary()
    entry = (str(message), str(code or ""))
    if message and entry not in s.problems:
        s.problems.append(entry)
    return ""


def error_summary(refused: Any = None) -> Summary:
    """What the page noted, with the request's refusal ``refused`` (an ``Outcome``) among the
    problems of the whole command when no control shows its message."""
    s = _summary()
    message = str(getattr(refused, "message", "") or "") if refused is not None else ""
    if message and message not in [m for _, m, _ in s.errors]:
        code = refused.error.code if getattr(refused, "error", None) is not None else ""
        entry = (message, str(code))
        if entry[0] not in [m for m, _ in s.problems]:
            s.problems.insert(0, entry)
    return s


def init_app(app: Flask) -> None:
    app.add_template_global(note_errors, "note_errors")
    app.add_template_global(note_problem, "note_problem")
    app.add_template_global(error_summary, "error_summary")
