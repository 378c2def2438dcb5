"""The words of e-mails: templates ``web/templates/mail/<kind>.txt`` and ``.html`` rendered
in the recipient's language with the pages' own translations (Flask-Babel), for the
application's mailer (:mod:`application.mail`)."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from flask_babel import force_locale
from markupsafe import Markup

from web.i18n import LANGUAGES
from web.typed_text import one_line


class TemplateComposer:
    """An :class:`application.mail.Composer` on this app's templates and catalogues."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def compose(self, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
        lang = language if language in LANGUAGES else "es"
        with self.app.app_context(), self.app.test_request_context("/"), force_locale(lang):
            subject = one_line(render_template(f"mail/{kind}.subject.txt", **context).strip())  # a title stored before titles were one line
            text = render_template(f"mail/{kind}.txt", subject=subject, **context)
            html = render_template(f"mail/{kind}.html", subject=Markup.escape(subject), lang=lang, **context)
        return subject, text, html
