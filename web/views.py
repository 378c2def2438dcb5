"""Blueprint registration: each area lives in its own module with its own blueprint."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web import (
        audit_pages,
        health,
        pages,
        pages_dialogues,
        pages_liaison,
        pages_proposals,
        pages_sessions,
        pages_tables,
        privacy_pages,
    )
    from web.pages_common import exempt_from_global_csrf

    for module in (health, pages, audit_pages, privacy_pages):
        app.register_blueprint(module.bp)
    page_blueprints = (pages_proposals.bp, pages_sessions.bp, pages_liaison.bp, pages_tables.bp, pages_dialogues.bp)
    for bp in page_blueprints:
        app.register_blueprint(bp)
    exempt_from_global_csrf(app, pages.bp, *page_blueprints)
