"""Table sessions and the Liaison Table through the HTTP forms, on the 2026-Q1 scenario
(clock 2026-03-27): the agenda, positions and decisions, refusals shown clearly, and the
endorsement round, vote, early close and government response."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views
from tests.e2e.web_support import act_as, command_id, make_app, participant_id, text_of, token


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27", csrf=True)


def _proposal(loaded: Services, reference: str) -> dict:
    return next(r for r in proposal_views.list_recommendations(loaded.projector.engine) if r["reference"] == reference)


def _session(loaded: Services, reference: str) -> str:
    return next(s["id"] for s in session_views.list_sessions(loaded.projector.engine) if s["reference"] == reference)


def _post(client: FlaskClient, page_url: str, action: str, **data: object):
    """Post to ``action`` with the token and a command id of the page at ``page_url``
    (or of the reset page when that page offers this visitor no form)."""
    page = client.get(page_url).get_data(as_text=True)
    if "command_id" not in page:
        page = client.get("/account/reset").get_data(as_text=True) + f'<input name="command_id" value="{uuid4()}">'
    return client.post(action, data={"csrf_token": token(page), "command_id": command_id(page), **data})


def _post_prefixed(client: FlaskClient, action: str, prefix: str, **data: object):
    """Post one of the Liaison Table page's prefixed forms, with the values it rendered."""
    page = client.get("/liaison").get_data(as_text=True)
    token_value = re.search(rf'name="{prefix}-csrf_token"[^>]*value="([^"]+)"', page)
    command = re.search(rf'name="{prefix}-command_id"[^>]*value="([^"]+)"', page)
    assert token_value and command, f"no {prefix} form on the page"
    fields = {f"{prefix}-{k}": v for k, v in data.items()}
    return client.post(action, data={f"{prefix}-csrf_token": token_value.group(1), f"{prefix}-command_id": command.group(1), **fields})


def _on_agenda(app: Flask, loaded: Services) -> tuple[str, str]:
    """prop-rt1-04 (submitted) put on the agenda of RT1's open session by the secretariat."""
    sid = _session(loaded, "ses-rt1-2026q1-2")
    pid = _proposal(loaded, "prop-rt1-04")["id"]
    client = app.test_client()
    act_as(client, "secretariat")
    r = _post(client, f"/sessions/{sid}", f"/sessions/{sid}/agenda", proposal=pid)
    assert r.status_code == 302
    return sid, pid


def test_the_secretariat_puts_a_submitted_proposal_on_the_agenda(app: Flask, loaded: Services) -> None:
    sid, pid = _on_agenda(app, loaded)

    page = app.test_client().get(f"/sessions/{sid}").get_data(as_text=True)

    assert f'href="/proposals/{pid}"' in page
    assert _proposal(loaded, "prop-rt1-04")["status"] == "on_agenda"


def test_a_decision_without_quorum_is_refused_clearly_and_changes_nothing(app: Flask, loaded: Services) -> None:
    sid, pid = _on_agenda(app, loaded)
    client = app.test_client()
    act_as(client, "secretariat")

    r = _post(client, f"/sessions/{sid}", f"/sessions/{sid}/decisions?lang=en", proposal_id=pid, decision="adopt", confirm="yes")

    assert r.status_code == 422
    assert "quorum not reached: 0 of 5 members took part" in text_of(r.get_data(as_text=True))
    assert 'role="alert"' in r.get_data(as_text=True)
    item = next(i for i in session_views.agenda(loaded.projector.engine, sid) if i["proposal_id"] == pid)
    assert (item["decision"], _proposal(loaded, "prop-rt1-04")["status"]) == (None, "on_agenda")


def test_a_decision_without_quorum_is_refused_before_its_confirmation_page(app: Flask, loaded: Services) -> None:
    sid, pid = _on_agenda(app, loaded)
    client = app.test_client()
    act_as(client, "secretariat")

    r = _post(client, f"/sessions/{sid}", f"/sessions/{sid}/decisions?lang=en", proposal_id=pid, decision="adopt")
    page = text_of(r.get_data(as_text=True))

    assert (r.status_code, "quorum not reached: 0 of 5 members took part" in page, "Record the decision of the table?" in page) == (422, True, False)
    item = next(i for i in session_views.agenda(loaded.projector.engine, sid) if i["proposal_id"] == pid)
    assert item["decision"] is None


def test_members_state_positions_and_the_table_adopts(app: Flask, loaded: Services) -> None:
    sid, pid = _on_agenda(app, loaded)
    members = [m["participant_id"] for m in table_views.members(loaded.projector.engine, "RT1")][:5]
    for member in members:
        client = app.test_client()
        act_as(client, "participant", member)
        r = _post(client, f"/sessions/{sid}", f"/sessions/{sid}/positions", proposal_id=pid, position="support", reason="De acuerdo")
        assert r.status_code == 302
    secretariat = app.test_client()
    act_as(secretariat, "secretariat")

    r = _post(secretariat, f"/sessions/{sid}", f"/sessions/{sid}/decisions", proposal_id=pid, decision="adopt", confirm="yes")

    assert r.status_code == 302
    assert _proposal(loaded, "prop-rt1-04")["status"] == "adopted"
    page = text_of(app.test_client().get(f"/sessions/{sid}?lang=en").get_data(as_text=True))
    assert "5 in support, 0 objecting, 0 abstentions" in page


def test_someone_outside_the_table_cannot_state_a_position(app: Flask, loaded: Services) -> None:
    sid, pid = _on_agenda(app, loaded)
    client = app.test_client()
    act_as(client, "participant", participant_id(app, "p-02"))  # RT3 and RT4 only

    r = _post(client, f"/sessions/{sid}", f"/sessions/{sid}/positions?lang=en", proposal_id=pid, position="object", reason="No estoy de acuerdo")

    assert r.status_code == 422
    assert "Only members of the table take positions." in text_of(r.get_data(as_text=True))
    item = next(i for i in session_views.agenda(loaded.projector.engine, sid) if i["proposal_id"] == pid)
    assert item["counts"] == {"support": 0, "object": 0, "abstain": 0}


def test_a_liaison_round_is_opened_voted_on_and_closed_early(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt1-05")
    assert proposal["status"] == "adopted"
    secretariat = app.test_client()
    act_as(secretariat, "secretariat")
    r = _post_prefixed(secretariat, "/liaison/rounds", "round", proposal=proposal["id"], closes_on="2026-04-10")
    assert r.status_code == 302
    holder = next(r["participant_id"] for r in table_views.representatives(loaded.projector.engine) if r["seat"] == "LT-RT2-A")
    voter = app.test_client()
    act_as(voter, "participant", holder)

    r = _post(voter, "/liaison", "/liaison/votes", proposal_id=proposal["id"], seat="LT-RT2-A", vote="endorse", reason="Sólido")

    assert r.status_code == 302
    public = text_of(app.test_client().get("/liaison?lang=en").get_data(as_text=True))
    assert re.search(r"LT-RT2-A\s*:\s*endorse", public)
    assert "closes on" in public
    r = _post(secretariat, "/liaison", "/liaison/close", proposal_id=proposal["id"], confirm="yes")
    assert r.status_code == 302
    assert _proposal(loaded, "prop-rt1-05")["status"] == "not_endorsed"


def test_a_vote_for_a_seat_one_does_not_hold_is_refused(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt1-05")
    secretariat = app.test_client()
    act_as(secretariat, "secretariat")
    _post_prefixed(secretariat, "/liaison/rounds", "round", proposal=proposal["id"], closes_on="2026-04-10")
    holder = next(r["participant_id"] for r in table_views.representatives(loaded.projector.engine) if r["seat"] == "LT-RT2-A")
    voter = app.test_client()
    act_as(voter, "participant", holder)

    r = _post(voter, "/liaison", "/liaison/votes?lang=en", proposal_id=proposal["id"], seat="LT-RT3-A", vote="object", reason="Mi razón")

    assert r.status_code == 422
    assert "Only the holder of LT-RT3-A" in text_of(r.get_data(as_text=True))
    assert "Mi razón" in r.get_data(as_text=True)


def test_a_government_response_from_a_state_not_addressed_is_refused_with_the_text_kept(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt2-03")  # published to MX, GT, CR, PA
    client = app.test_client()
    act_as(client, "secretariat")

    r = _post_prefixed(client, "/liaison/responses?lang=en", "response", proposal=proposal["id"], country="AR", status="noted",
                       response="Respuesta que no debe perderse", language="es", responding_entity="Cancillería", response_date="")

    assert r.status_code == 422
    assert "AR was not an addressee of this recommendation." in text_of(r.get_data(as_text=True))
    assert "Respuesta que no debe perderse" in r.get_data(as_text=True)


def test_a_government_response_with_several_faults_shows_each_once_with_the_text_kept(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt2-03")  # published to MX, GT, CR, PA
    client = app.test_client()
    act_as(client, "secretariat")

    r = _post_prefixed(client, "/liaison/responses?lang=en", "response", proposal=proposal["id"], country="AR", status="noted",
                       response=" ", language="es", responding_entity="Cancillería", response_date="2099-01-01")

    body = r.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?(?=<div class="page-head">)', body, re.S)
    assert summary  # each error once beside its field, and once as a link in the summary at the top
    page = text_of(body.replace(summary.group(0), ""))
    assert r.status_code == 422
    assert [page.count(w) for w in ("AR was not an addressee", "The response cannot be empty.", "not with a future date")] == [1, 1, 1]
    assert [text_of(summary.group(0)).count(w) for w in ("AR was not an addressee", "The response cannot be empty.", "not with a future date")] == [1, 1, 1]
    assert "Cancillería" in r.get_data(as_text=True)


def test_a_government_response_posted_twice_is_refused_the_second_time_with_the_text_kept(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt2-03")  # published to MX, GT, CR, PA
    client = app.test_client()
    act_as(client, "secretariat")
    sent = {"proposal": proposal["id"], "country": "CR", "status": "accepted", "response": "Se acepta la recomendación íntegra.",
            "language": "es", "responding_entity": "Cancillería", "response_date": "2026-03-26"}

    first = _post_prefixed(client, "/liaison/responses", "response", **sent)  # each post gets a form of its own (a reload)
    second = _post_prefixed(client, "/liaison/responses?lang=es", "response", **sent)

    assert (first.status_code, second.status_code) == (302, 422)
    assert "Esta respuesta ya está registrada" in text_of(second.get_data(as_text=True))
    assert "Se acepta la recomendación íntegra." in second.get_data(as_text=True)
    page = text_of(app.test_client().get(f"/proposals/{proposal['id']}?lang=en").get_data(as_text=True))
    assert page.count("Se acepta la recomendación íntegra.") == 1


def test_a_government_response_is_recorded_and_shown_to_the_public(app: Flask, loaded: Services) -> None:
    proposal = _proposal(loaded, "prop-rt2-03")
    client = app.test_client()
    act_as(client, "secretariat")

    r = _post_prefixed(client, "/liaison/responses", "response", proposal=proposal["id"], country="CR", status="partially_accepted",
                       response="Se acepta en parte.", language="es", responding_entity="Dirección de Migración", response_date="2026-03-26")

    assert r.status_code == 302
    page = text_of(app.test_client().get(f"/proposals/{proposal['id']}?lang=en").get_data(as_text=True))
    assert "Costa Rica" in page
    assert "Se acepta en parte." in page


def test_the_government_response_form_lists_the_states_by_their_name_in_the_readers_language(app: Flask) -> None:
    client = app.test_client()
    act_as(client, "secretariat")

    html = client.get("/liaison?lang=es").get_data(as_text=True)
    form = html[html.index('id="response-country"'):]
    names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)<', form[:form.index("</select>")])

    assert ("México" in names, "Mexico" in names, len(names) > 20) == (True, False, True)
    assert names == sorted(names)


def test_the_government_response_form_offers_the_statuses_in_the_readers_words(app: Flask) -> None:
    client = app.test_client()
    act_as(client, "secretariat")

    html = client.get("/liaison?lang=es").get_data(as_text=True)
    form = html[html.index('id="response-status"'):]
    options = re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)<', form[:form.index("</select>")])

    assert options == [("accepted", "aceptada"), ("partially_accepted", "parcialmente aceptada"), ("noted", "tomada en cuenta"),
                       ("rejected", "rechazada")]
