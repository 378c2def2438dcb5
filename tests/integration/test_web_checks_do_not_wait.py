"""A form's check before its command (may this person draft here, may they revise this
proposal, may the session decide this) writes nothing, so a check that passes does not wait
for the views: the refused page answers without bringing them up to date (a command's
request does, read-your-writes). On SQLite, where the request itself applies the log up to
what it waits for, the views are seen to stay behind."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from domain.reference import ALL_GOVERNMENTS
from tests.e2e.web_support import (
    act_as,
    app_services,
    command_id,
    expected_version,
    make_app,
    token,
)


@pytest.fixture
def app(sqlite_url: str, master_key: str) -> Flask:
    app = make_app(sqlite_url, master_key, DIALOGUE_INLINE_PROJECTION="no")  # the views apart, as with a worker
    s = app_services(app)
    s.app.register_table("RT1")
    author = s.app.register_participant(reference="p-a", display_name="Ana Pérez", organisation_id=None, gender="woman", preferred_language="es")
    s.app.join_table(author, "RT1")
    s.wait_for_views()
    app.config["AUTHOR"] = str(author)
    return app


def _views_behind(s: Services) -> bool:
    """Write something the views do not show yet (a new participant); whether they lag."""
    s.app.register_participant(reference="p-late", display_name="Tarde", organisation_id=None, gender="man", preferred_language="es")
    return s.projector.position() < s.app.last_position


def test_a_refused_draft_whose_check_passed_leaves_the_views_as_they_were(app: Flask) -> None:
    s = app_services(app)
    client = app.test_client()
    act_as(client, "participant", app.config["AUTHOR"])
    page = client.get("/proposals/new").get_data(as_text=True)
    assert _views_behind(s)

    r = client.post("/proposals/new", data={
        "csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "title": "", "problem": "", "recommendation": "",
        "rationale": "", "objectives": ["2"], "targets": [ALL_GOVERNMENTS], "language": "es",
    })

    assert (r.status_code, s.projector.position() < s.app.last_position) == (422, True)


def test_a_refused_revision_whose_check_passed_leaves_the_views_as_they_were(app: Flask) -> None:
    s = app_services(app)
    pid = s.app.draft_proposal(
        actor=app.config["AUTHOR"], table="RT1", title="Título", problem="Problema", recommendation="Recomendación", rationale="Razones",
        objectives=[2], targets=[ALL_GOVERNMENTS], language="es",
    )
    s.wait_for_views()
    client = app.test_client()
    act_as(client, "participant", app.config["AUTHOR"])
    page = client.get(f"/proposals/{pid}/revise").get_data(as_text=True)
    assert _views_behind(s)

    r = client.post(f"/proposals/{pid}/revise", data={
        "csrf_token": token(page), "command_id": command_id(page), "expected_version": expected_version(page),
        "title": "Título", "problem": "Problema", "recommendation": "Recomendación", "rationale": "Razones",
        "objectives": ["9"], "targets": [ALL_GOVERNMENTS], "language": "es", "note": "",
    })

    assert (r.status_code, s.projector.position() < s.app.last_position) == (422, True)


def test_a_check_that_refuses_still_answers_the_rule(app: Flask) -> None:
    s = app_services(app)
    outsider = s.app.register_participant(reference="p-x", display_name="Fuera", organisation_id=None, gender="man", preferred_language="es")
    s.wait_for_views()
    client = app.test_client()
    act_as(client, "participant", str(outsider))
    page = client.get("/proposals/new?table=RT1").get_data(as_text=True)
    before = s.app.recorder.max_notification_id()

    r = client.post("/proposals/new?lang=en", data={
        "csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "title": "T", "problem": "P", "recommendation": "R",
        "rationale": "W", "objectives": ["2"], "targets": [ALL_GOVERNMENTS], "language": "es",
    })

    assert (r.status_code, s.app.recorder.max_notification_id()) == (422, before)
    assert "Only members of RT1 can do this." in r.get_data(as_text=True)
