"""The process's services (application, accounts, key store, views), built on first use,
once per process (after a fork under gunicorn), so that ``dialogue db init`` can run before
a master key exists. E-mails take their words from this app's templates (:mod:`web.mail`)."""

from __future__ import annotations

from flask import Flask, current_app

from application.bootstrap import Services, bootstrap


def services(app: Flask | None = None) -> Services:
    """The process's services for ``app`` (default: the current app), built on first use.

    Raises:
        application.persistence.MasterKeyError: no or wrong master key.
    """
    a: Flask = app or current_app._get_current_object()  # type: ignore[attr-defined]
    s = a.extensions.get("dialogue")
    if s is None:
        from web.mail import TemplateComposer

        s = bootstrap(a.config["DIALOGUE"], composer=TemplateComposer(a))
        a.extensions["dialogue"] = s
    return s  # type: ignore[no-any-return]
