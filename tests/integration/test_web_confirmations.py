"""Irreversible actions go through a confirmation page without JavaScript: the first POST
answers with a page that states what will happen and changes nothing; only the POST that
carries ``confirm=yes`` acts. No decision is preselected."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import proposals as proposal_views
from projections import tables as table_views
from tests.e2e.web_support import act_as, make_app, post_form, text_of
from tests.integration.test_web_sessions import _on_agenda


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _proposal(loaded: Services, reference: str) -> dict[str, object]:
    return next(p for p in proposal_views.list_recommendations(loaded.projector.engine) if p["reference"] == reference)


def test_closing_a_round_early_asks_for_confirmation_and_acts_only_when_confirmed(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt1-05")
    loaded.app.open_endorsement(str(proposal["id"]), date(2026, 4, 10))
    loaded.projector.catch_up()
    client = app.test_client()
    act_as(client, "secretariat")
    before = loaded.app.recorder.max_notification_id()

    r = post_form(client, "/liaison", "/liaison/close?lang=en", proposal_id=proposal["id"])

    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Close the endorsement round now?" in text_of(body)
    assert "Representatives who have not voted can no longer vote in this round." in text_of(body)
    assert 'name="confirm" value="yes"' in body
    assert loaded.app.recorder.max_notification_id() == before
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    r = client.post("/liaison/close", data=fields)
    assert r.status_code == 302
    loaded.projector.catch_up()
    assert _proposal(loaded, "prop-rt1-05")["status"] == "not_endorsed"


def test_the_decision_form_preselects_no_decision_and_a_missing_one_is_refused(app: Flask, loaded: Services) -> None:
    sid, pid = _on_agenda(app, loaded)
    client = app.test_client()
    act_as(client, "secretariat")
    page = client.get(f"/sessions/{sid}?lang=en").get_data(as_text=True)
    assert 'name="decision" value="adopt"' in page
    assert not re.search(r'name="decision" value="[a-z_]+"[^>]*checked', page)

    r = post_form(client, f"/sessions/{sid}", f"/sessions/{sid}/decisions?lang=en", proposal_id=pid)

    assert r.status_code == 422
    assert "Choose the table's decision." in text_of(r.get_data(as_text=True))


def test_vacating_a_seat_shows_what_will_happen_first(app: Flask, loaded: Services) -> None:
    client = app.test_client()
    act_as(client, "secretariat")
    before = loaded.app.recorder.max_notification_id()

    r = post_form(client, "/tables/RT1", "/tables/RT1/vacate?lang=en", seat="LT-RT1-A", reason="Renuncia")

    assert r.status_code == 200
    assert "A by-election fills the rest of the term." in text_of(r.get_data(as_text=True))
    assert loaded.app.recorder.max_notification_id() == before
    assert any(rep["seat"] == "LT-RT1-A" for rep in table_views.representatives(loaded.projector.engine, on=None))
