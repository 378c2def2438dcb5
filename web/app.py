"""The Flask application factory.

``create_app(test_config=None)`` builds one Flask application with every page blueprint
(:mod:`web.pages`) and every ``dialogue`` command (:mod:`web.cli.commands`); the services
(application, key store, views) are built lazily on first use (:mod:`web.services`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from application.bootstrap import Config
from application.files import write_private
from web.json_body import JsonProvider


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the Flask application.

    Configuration comes from ``DIALOGUE_*`` environment variables, overridden by
    ``test_config`` (keys as in :class:`application.bootstrap.Config`, upper-cased with
    the ``DIALOGUE_`` prefix, e.g. ``{"DIALOGUE_DATABASE_URL": …}``).
    """
    # Named "web" (the package): templates, static files, the instance folder and the
    # logger name are those of the package.
    app = Flask("web", instance_relative_config=True)
    app.json = JsonProvider(app)  # a JSON body nested too deeply is bad input, not a server error
    from web.templating import init_app as init_templating

    init_templating(app)  # before anything builds the Jinja environment
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    default_url = "sqlite:///" + os.path.join(app.instance_path, "dialogue.sqlite")
    env = {k: v for k, v in os.environ.items() if k.startswith("DIALOGUE_")}
    if test_config:
        env.update({k: str(v) for k, v in test_config.items() if k.startswith("DIALOGUE_")})
        app.config.update({k: v for k, v in test_config.items() if not k.startswith("DIALOGUE_")})
    if not env.get("DIALOGUE_MASTER_KEY") and not env.get("DIALOGUE_MASTER_KEY_FILE"):
        env["DIALOGUE_MASTER_KEY_FILE"] = os.path.join(app.instance_path, "master.key")
    app.config["DIALOGUE"] = Config.from_env(default_url, env)
    if app.debug:  # FLASK_DEBUG=1, `--debug`, or DEBUG in the given configuration
        refuse_debug_unless_allowed(app.config["DIALOGUE"])
    if not app.config.get("SECRET_KEY"):  # Flask's default config holds SECRET_KEY=None
        app.config["SECRET_KEY"] = env.get("DIALOGUE_SECRET_KEY") or _instance_secret(app)
    refuse_a_short_secret_key(app.config["SECRET_KEY"])
    # Flask's default config holds these keys with None, so set them unless a test did.
    given = test_config or {}
    if "MAX_CONTENT_LENGTH" not in given:
        app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # a proposal is at most 4 × 20 000 characters
    if "SESSION_COOKIE_SAMESITE" not in given:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # A form token lives as long as the session: a person typing a long proposal on a
    # slow connection must not lose it to an expired token.
    if "WTF_CSRF_TIME_LIMIT" not in given:
        app.config["WTF_CSRF_TIME_LIMIT"] = None
    from web.body_limit import init_app as init_body_limit

    init_body_limit(app)  # first: a body over the limit is refused before the form token is read
    CSRFProtect(app)
    proxies = int(app.config["DIALOGUE"].trusted_proxies)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    from web.i18n import init_app as init_i18n

    init_i18n(app)
    from web.database_shape import init_app as init_database_shape

    init_database_shape(app)  # before anything reads the database: 503 while it is behind the code
    from web.navigation import init_app as init_navigation

    init_navigation(app)
    from web.error_summary import init_app as init_error_summary

    init_error_summary(app)
    from web.assets import init_app as init_assets

    init_assets(app)
    from web.identity import init_app as init_identity

    init_identity(app)

    from web.addresses import init_app as init_addresses

    init_addresses(app)  # the table-code converter, before any rule uses it
    from web.pages import register_blueprints

    register_blueprints(app)
    from web.page_cache import init_app as init_page_cache

    init_page_cache(app)  # after compression, the identity and the pages' limits (see its docstring)
    from web.api import init_app as init_api

    init_api(app)
    from web.cli.commands import register_commands

    register_commands(app)
    return app


class ConfigurationError(RuntimeError):
    """A setting the service refuses to start with (the message says what to change)."""


class DebugModeRefusedError(ConfigurationError):
    """Debug mode asked for where it is not allowed (:func:`refuse_debug_unless_allowed`)."""


MIN_SECRET_KEY_BYTES = 32


def refuse_a_short_secret_key(secret: str | bytes) -> None:
    """The key that signs sessions and form tokens has at least 32 bytes (a short one can be
    guessed offline from one signed cookie).

    Raises:
        ConfigurationError: with its length and how to make a good one.
    """
    size = len(secret.encode("utf-8") if isinstance(secret, str) else secret)
    if size < MIN_SECRET_KEY_BYTES:
        raise ConfigurationError(
            f"The secret key (DIALOGUE_SECRET_KEY) is {size} bytes; it must be at least {MIN_SECRET_KEY_BYTES}. "
            "Make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )


def refuse_debug_unless_allowed(cfg: Config) -> None:
    """Allow debug mode (Werkzeug's interactive debugger runs Python typed in a browser, one
    address away from any visitor) only when ``DIALOGUE_ALLOW_DEBUG=yes``, and never on a
    PostgreSQL database (a deployment's).

    Raises:
        DebugModeRefusedError: with the one-line reason and what to change.
    """
    if any((url or "").startswith("postgresql") for url in (cfg.database_url, cfg.views_url)):
        raise DebugModeRefusedError(
            "Refusing debug mode on PostgreSQL: the interactive debugger runs code typed in a browser. "
            "Unset FLASK_DEBUG and leave out --debug/--debugger."
        )
    if not cfg.allow_debug:
        raise DebugModeRefusedError(
            "Refusing debug mode: the interactive debugger runs code typed in a browser. Unset FLASK_DEBUG and leave out "
            "--debug/--debugger, or set DIALOGUE_ALLOW_DEBUG=yes on a machine of your own with a SQLite database."
        )


def _instance_secret(app: Flask) -> str:
    """A per-instance secret for sessions and CSRF, kept in the instance folder (created
    readable by its owner only)."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another worker wrote it first
            write_private(path, os.urandom(32).hex(), exclusive=True)
    return path.read_text().strip()
