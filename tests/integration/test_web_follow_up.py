"""Government follow-up through HTTP on the 2026-Q1 scenario (clock 2026-03-27): the
follow-up entries of a published recommendation under its governments' responses, the
secretariat's follow-up form, and the biannual dialogues with governments (scheduled,
recommendations presented). Each form working, and refused with 422 naming the rule."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import follow_up as follow_up_views
from projections import proposals as proposal_views
from tests.e2e.web_support import act_as, make_app, post_form, visible


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


@pytest.fixture
def secretariat(app: Flask) -> FlaskClient:
    client = app.test_client()
    act_as(client, "secretariat")
    return client


def _proposal(loaded: Services, reference: str) -> str:
    return next(str(r["id"]) for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == reference)


# ---------------------------------------------------------------------------- follow-up
def test_a_follow_up_entry_shows_under_the_states_response(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    pid = _proposal(loaded, "prop-rt1-01")  # Colombia responded on 2026-03-09
    url = f"/proposals/{pid}"

    r = post_form(secretariat, url, f"{url}/follow-ups", prefix="follow", country="CO", progress="in_progress",
                  note="Se publicó el primer informe semestral desagregado.", on="2026-03-20")

    assert r.status_code == 302
    page = visible(app.test_client().get(f"{url}?lang=en"))
    assert "Follow-up in Colombia: in progress · Mar 20, 2026 Se publicó el primer informe semestral desagregado." in page


def test_a_follow_up_from_a_state_that_did_not_respond_is_refused_with_the_note_kept(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    pid = _proposal(loaded, "prop-rt1-01")
    url = f"/proposals/{pid}"

    r = post_form(secretariat, url, f"{url}/follow-ups?lang=en", prefix="follow", country="MX", progress="stalled",
                  note="Nota que no debe perderse", on="")

    assert r.status_code == 422
    assert "Follow-up comes after a government response; MX has not responded." in visible(r)
    assert "Nota que no debe perderse</textarea>" in r.get_data(as_text=True)
    assert follow_up_views.follow_ups(loaded.projector.engine, pid) == []


def test_a_follow_up_dated_before_the_response_is_refused_in_french(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    pid = _proposal(loaded, "prop-rt1-01")
    url = f"/proposals/{pid}"

    r = post_form(secretariat, url, f"{url}/follow-ups?lang=fr", prefix="follow", country="CO", progress="not_started",
                  note="Trop tôt", on="2026-03-01")

    assert r.status_code == 422
    assert "Une entrée de suivi est datée du jour de la réponse de cet État ou d'après." in visible(r)
    assert follow_up_views.follow_ups(loaded.projector.engine, pid) == []


# ---------------------------------------------------------------------------- dialogues with governments
def _schedule_today(secretariat: FlaskClient) -> None:
    r = post_form(secretariat, "/dialogues", "/dialogues", prefix="dlg", period="2026-H1", date="2026-03-27",
                  title="Diálogo regional con gobiernos 2026-I", governments=["all governments of the region", "MX"], mode="hybrid")
    assert r.status_code == 302


def test_the_secretariat_schedules_the_dialogue_of_a_half_year(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    _schedule_today(secretariat)

    page = visible(app.test_client().get("/dialogues?lang=en"))
    assert "2026-H1 · Diálogo regional con gobiernos 2026-I" in page
    assert "Governments invited: All governments of the region, Mexico" in page
    assert [d["period"] for d in follow_up_views.government_dialogues(loaded.projector.engine)] == ["2026-H1"]


def test_a_dialogue_dated_outside_its_half_year_is_refused_with_the_title_kept(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    r = post_form(secretariat, "/dialogues", "/dialogues?lang=en", prefix="dlg", period="2026-H1", date="2026-08-01",
                  title="Título que se conserva", governments=["MX"], mode="virtual")

    assert r.status_code == 422
    assert "The date 2026-08-01 is not in 2026-H1." in visible(r)
    assert 'value="Título que se conserva"' in r.get_data(as_text=True)
    assert follow_up_views.government_dialogues(loaded.projector.engine) == []


def test_a_second_dialogue_in_one_half_year_is_refused_in_portuguese(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    _schedule_today(secretariat)

    r = post_form(secretariat, "/dialogues", "/dialogues?lang=pt", prefix="dlg", period="2026-H1", date="2026-06-30",
                  title="Outro diálogo", governments=["BR"], mode="virtual")

    assert r.status_code == 422
    assert "O diálogo com os governos deste semestre já está marcado (um por semestre)." in visible(r)
    assert len(follow_up_views.government_dialogues(loaded.projector.engine)) == 1


def test_an_endorsed_recommendation_presented_at_the_dialogue_is_listed(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    _schedule_today(secretariat)
    dialogue = follow_up_views.government_dialogues(loaded.projector.engine)[0]["id"]
    pid = _proposal(loaded, "prop-rt1-01")

    r = post_form(secretariat, "/dialogues", f"/dialogues/{dialogue}/presentations", proposal=pid, note="Presentada por la Mesa de Enlace.")

    assert r.status_code == 302
    page = visible(app.test_client().get("/dialogues?lang=en"))
    assert "Recommendations presented: Mecanismos de regularización migratoria permanentes, accesibles y no discrecionales · prop-rt1-01" in page


def test_presenting_a_recommendation_not_endorsed_is_refused(app: Flask, loaded: Services, secretariat: FlaskClient) -> None:
    _schedule_today(secretariat)
    dialogue = follow_up_views.government_dialogues(loaded.projector.engine)[0]["id"]
    draft = _proposal(loaded, "prop-rt1-04")  # submitted, never adopted

    r = post_form(secretariat, "/dialogues", f"/dialogues/{dialogue}/presentations?lang=en", proposal=draft, note="Nota")

    assert r.status_code == 422
    assert "Only recommendations endorsed by the Liaison Table are presented to governments; this one is submitted." in visible(r)
    assert follow_up_views.government_dialogues(loaded.projector.engine)[0]["presented"] == []
