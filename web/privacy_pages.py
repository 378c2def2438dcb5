"""Pages: privacy_pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy_pages", __name__)
