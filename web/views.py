"""Blueprint registration (the pages live in their own modules)."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web import health

    app.register_blueprint(health.bp)
