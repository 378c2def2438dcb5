"""Pages: open data (issue 15; ``docs/open-data.md``). Public, no account needed.

- ``/open-data``: what the open data holds, and the latest quarterly archive with the log
  position and chain hash it was built from;
- ``/open-data/<quarter>.zip``: a quarter's archive (CSV, JSON, XLSX, ``datapackage.json``);
- ``/recommendations/<id>.pdf?lang=es|en|pt|fr``: a published recommendation as a document
  for governments (WeasyPrint), with its provenance in the log.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response, abort, render_template, request

from application.open_data.document import recommendation_document
from application.open_data.quarterly import latest_quarter, stored_quarter
from domain.deliberation import QUARTER
from domain.reference import objectives
from web.i18n import current_language
from web.pages.common import engine, install, services

bp = Blueprint("open_data", __name__)
install(bp)


@bp.get("/open-data")
def download() -> str:
    """The download page: the latest quarterly archive and what it holds."""
    latest = latest_quarter(services().app.engine)
    return render_template("open_data/download.html", latest=latest)


@bp.get("/open-data/<quarter>.zip")
def archive(quarter: str) -> Response:
    """A quarter's archive as one ZIP file."""
    if not QUARTER.match(quarter):
        abort(404)
    stored = stored_quarter(services().app.engine, quarter)
    if stored is None:
        abort(404)
    r = Response(stored.archive, mimetype="application/zip")
    r.headers["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    r.headers["Cache-Control"] = "public, max-age=3600" if stored.final else "no-cache"
    return r


def _document_or_404(proposal_id: str) -> dict[str, Any]:
    try:
        UUID(proposal_id)
    except ValueError:
        abort(404)
    doc = recommendation_document(engine(), services().app.engine, proposal_id)
    if doc is None:
        abort(404)
    return doc


@bp.get("/recommendations/<proposal_id>.pdf")
def recommendation_pdf(proposal_id: str) -> Response:
    """A published recommendation as a PDF in the reader's language (``?lang=``)."""
    from weasyprint import HTML  # imported on use: it loads Pango

    doc = _document_or_404(proposal_id)
    html = render_template("open_data/recommendation.html", doc=doc, objectives=objectives(), lang=current_language())
    pdf = HTML(string=html, base_url=request.url_root).write_pdf()
    ref = doc["recommendation"]["reference"] or proposal_id[:8]
    r = Response(pdf, mimetype="application/pdf")
    r.headers["Content-Disposition"] = f'inline; filename="{ref}-{current_language()}.pdf"'
    return r
