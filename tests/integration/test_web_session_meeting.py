"""Opening and closing a table session through HTTP on the 2026-Q1 scenario (clock
2026-03-27): the secretariat or the table's facilitators open the meeting; closing needs
minutes, and a refused close keeps what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import sessions as session_views
from projections import tables as table_views
from tests.e2e.web_support import act_as, make_app, participant_id, post_form, visible


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


def _session(loaded: Services, reference: str) -> str:
    return next(str(s["id"]) for s in session_views.list_sessions(loaded.projector.engine) if s["reference"] == reference)


def _facilitator(loaded: Services, table: str) -> str:
    return next(r["participant_id"] for r in table_views.representatives(loaded.projector.engine, on=date(2026, 3, 27)) if r["table_code"] == table)


def test_the_secretariat_opens_the_meeting_of_a_session(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "secretariat")

    r = post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/open")

    assert r.status_code == 302
    assert "meeting opened on Mar 27, 2026" in visible(app.test_client().get(f"/sessions/{sid}?lang=en"))
    assert session_views.session_opened_on(loaded.projector.engine, sid) == date(2026, 3, 27)


def test_a_representative_of_the_table_is_offered_the_opening_and_opens_it(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt2-2026q1-2")
    client = app.test_client()
    act_as(client, "participant", _facilitator(loaded, "RT2"))
    assert f'action="/sessions/{sid}/open"' in client.get(f"/sessions/{sid}").get_data(as_text=True)

    r = post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/open")

    assert r.status_code == 302
    assert session_views.session_opened_on(loaded.projector.engine, sid) == date(2026, 3, 27)


def test_a_member_who_is_not_a_facilitator_cannot_open_a_session(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-01"))

    r = post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/open?lang=en")

    assert r.status_code == 422
    assert "not_a_facilitator" in r.get_data(as_text=True)
    assert session_views.session_opened_on(loaded.projector.engine, sid) is None


def test_a_session_opened_twice_is_refused_naming_the_rule(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "secretariat")
    post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/open")

    r = post_form(client, "/account/reset", f"/sessions/{sid}/open?lang=es")

    assert r.status_code == 422
    assert "La reunión de esta sesión ya fue abierta." in visible(r)
    assert "session_already_open" in r.get_data(as_text=True)


def test_closing_without_minutes_is_refused_next_to_the_minutes(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "secretariat")

    r = post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/close?lang=en", minutes="  \n ")

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert '<p class="error" id="minutes-error">A session closes with its minutes.' in body
    assert 'data-code="minutes_required"' in body  # the rule's code for support, not for reading
    assert 'aria-invalid="true"' in body and "required" in body
    assert session_views.get_session(loaded.projector.engine, sid)["closed"] is False  # type: ignore[index]


def test_a_refused_close_keeps_the_minutes_typed(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-01"))  # a member, not a facilitator

    r = post_form(client, "/account/reset", f"/sessions/{sid}/close?lang=en", minutes="Acta: se adoptaron 3 propuestas 🌎")

    assert r.status_code == 422
    assert "Acta: se adoptaron 3 propuestas 🌎</textarea>" in r.get_data(as_text=True)
    assert session_views.get_session(loaded.projector.engine, sid)["closed"] is False  # type: ignore[index]


def test_the_secretariat_closes_a_session_with_its_minutes(app: Flask, loaded: Services) -> None:
    sid = _session(loaded, "ses-rt1-2026q1-2")
    client = app.test_client()
    act_as(client, "secretariat")

    r = post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/close", minutes="Se adoptaron las propuestas del orden del día.")

    assert r.status_code == 302
    page = visible(app.test_client().get(f"/sessions/{sid}?lang=en"))
    assert "closed" in page
    assert "Minutes Se adoptaron las propuestas del orden del día." in page
