"""What the API's areas share: the reader of the request, the read models' engine, and
people named only for readers who may see names (:mod:`application.access`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy import Engine
from werkzeug.exceptions import HTTPException

from projections import people as people_views
from web.collation import in_name_order
from web.i18n import current_language
from web.pages.common import Viewer, load_viewer
from web.services import services


def engine() -> Engine:
    """The read models' engine."""
    return services().projector.engine


def reader() -> Viewer:
    """Who reads: the signed-in person (web session or token) with their roles today, or the public."""
    return load_viewer()


class Names:
    """``{"id", "name"}`` of participants for one reader; ``None`` for a reader who may
    not see names (the public)."""

    def __init__(self, viewer: Viewer) -> None:
        self.visible = viewer.sees_names
        self._directory: dict[str, dict[str, Any]] | None = None

    def person(self, participant_id: str | None) -> dict[str, Any] | None:
        if not self.visible or not participant_id:
            return None
        if self._directory is None:
            self._directory = people_views.directory(engine())
        entry = self._directory.get(str(participant_id)) or {}
        return {"id": str(participant_id), "name": entry.get("name")}

    def in_name_order(self, participant_ids: Iterable[str]) -> list[str]:
        """``participant_ids`` by their names in the reader's language's alphabetical order,
        then by id (:mod:`web.collation`)."""
        return in_name_order(participant_ids, lambda pid: str((self.person(pid) or {}).get("name") or ""), current_language(), tie=str)


def table_or_404(code: str) -> str:
    """``code`` when it names a working table, else 404 ``unknown_table`` (the API's own
    refusal of another word, which its table routes pass on: ``web.addresses``)."""
    from web.api.schemas import TABLE_CODES

    if code not in TABLE_CODES:
        abort(404, message="No working table with this code.", code="unknown_table")
    return code


def resource_address(created: object) -> str | None:
    """The address of the resource the write changed: the one it created under this
    request's address, else the nearest address above it that can be read (``GET``)."""
    path = request.path.rstrip("/")
    candidates = [f"{path}/{created}"] if isinstance(created, (UUID, str)) and created and "/" not in str(created) else []
    parts = path.split("/")
    candidates += ["/".join(parts[:n]) for n in range(len(parts), 1, -1)]
    adapter = current_app.url_map.bind("localhost")
    for candidate in candidates:
        try:
            adapter.match(candidate, method="GET")
        except HTTPException:
            continue
        return request.script_root + candidate
    return None
