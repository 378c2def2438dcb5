"""The web layer: Flask app factory, page blueprints (``web/pages/``, one module per area,
templates under ``web/templates/<area>/``), the ``dialogue`` command line (``web/cli/``,
one module per command group) and, later, the JSON API (``web/api/``).

``docs/architecture.md`` maps each area's files.
"""

from __future__ import annotations

from web.app import create_app
from web.services import services

__all__ = ["create_app", "services"]
