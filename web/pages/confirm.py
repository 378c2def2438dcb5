"""Confirmation pages for irreversible actions, without JavaScript.

A form of an irreversible action (recording a session's decision, publishing to
governments, closing an endorsement round early, vacating a seat, withdrawing a proposal) posts first without
``confirm``: once its shape and the actor are checked, the page answers with a
confirmation page that states what will happen and repeats the same fields (the same
command id, so a double click still applies once) with ``confirm=yes``. Only that second
POST runs the command. The API and the command line call the application directly and
are not affected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from web.form_data import submitted_fields

CONFIRM = "confirm"


def _fields() -> MultiDict[str, str]:
    """The POST's fields, read as every web form reads them (:func:`submitted_fields`)."""
    fields = submitted_fields()
    return fields if fields is not None else request.form


def confirmed() -> bool:
    """Whether the POST being handled is the confirming one (``confirm=yes``)."""
    return _fields().get(CONFIRM) == "yes"


def confirmation_page(
    *, title: str, consequences: Iterable[str], action: str, back: str, button: str, facts: Iterable[tuple[str, str]] = (),
) -> tuple[str, int]:
    """The page asking to confirm: ``title`` (the question), ``facts`` (label, value pairs
    naming what is acted on), ``consequences`` (sentences saying what will happen), a
    form posting every field received to ``action`` with ``confirm=yes`` under ``button``,
    and a link ``back`` that changes nothing."""
    fields: list[tuple[str, Any]] = [(k, v) for k, v in _fields().items(multi=True) if k != CONFIRM]
    return render_template(
        "common/confirm.html", title=title, facts=list(facts), consequences=list(consequences), action=action,
        back=back, button=button, fields=fields,
    ), 200
