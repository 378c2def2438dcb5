"""Blueprint registration: each area lives in its own module with its own blueprint."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web import audit_pages, health, pages, privacy_pages

    for module in (health, pages, audit_pages, privacy_pages):
        app.register_blueprint(module.bp)
