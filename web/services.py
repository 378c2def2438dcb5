"""The process's services (application, key store, views), built on first use, once per
process (after a fork under gunicorn), so that ``dialogue db init`` can run before a
master key exists."""

from __future__ import annotations

from flask import Flask, current_app

from application.bootstrap import Services, bootstrap


def services(app: Flask | None = None) -> Services:
    """The process's services for ``app`` (default: the current app), built on first use.

    Raises:
        application.persistence.MasterKeyError: no or wrong master key.
    """
    a = app or current_app
    s = a.extensions.get("dialogue")
    if s is None:
        s = bootstrap(a.config["DIALOGUE"])
        a.extensions["dialogue"] = s
    return s  # type: ignore[no-any-return]
