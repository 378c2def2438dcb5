"""``GET /api/v1/csrf-token``: the CSRF token of the browser's session, which a write sent
with that session (not with a personal access token) carries in ``X-CSRFToken``, as a form
carries its hidden field. Another site's page cannot read it (no cross-origin access)."""

from __future__ import annotations

import marshmallow as ma
from flask_wtf.csrf import generate_csrf

from web.api.blueprint import Blueprint

bp = Blueprint("api_csrf", __name__, url_prefix="/csrf-token", description="The web session's CSRF token for writes sent with it.")


class CsrfTokenSchema(ma.Schema):
    csrf_token = ma.fields.String(required=True)


@bp.route("")
@bp.response(200, CsrfTokenSchema)
def csrf_token() -> dict[str, str]:
    """The CSRF token of this session (send it in X-CSRFToken with writes made with the session)."""
    return {"csrf_token": generate_csrf()}
