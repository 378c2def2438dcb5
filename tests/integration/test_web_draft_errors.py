"""Every error of a draft at once: an empty draft comes back with each field's error next
to that field in one answer, nothing stored; the rule is the domain's
(:func:`domain.proposal_rules.draft_problems`), asked after the form's shape checks."""

from __future__ import annotations

import re

from domain.proposal_rules import draft_problems
from projections import proposals as proposal_views
from tests.e2e.web_support import act_as, command_id, token
from tests.integration.test_web_proposals import Site, _draft_form
from tests.integration.test_web_proposals import site as site  # noqa: F401, PLC0414  (the fixture)


def test_an_empty_draft_gets_every_fields_error_in_one_answer(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)
    before = site.services.app.recorder.max_notification_id()

    r = client.post("/proposals/new?lang=es", data={"csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "language": "es"})

    body = r.get_data(as_text=True)
    assert r.status_code == 422
    errors = set(re.findall(r'<p class="error" id="([a-z]+)-error"', body))
    assert errors == {"title", "problem", "recommendation", "rationale", "objectives", "targets"}
    assert site.services.app.recorder.max_notification_id() == before
    assert proposal_views.list_recommendations(site.services.projector.engine) == []


def test_the_typed_text_is_kept_beside_the_errors_of_the_other_fields(site: Site) -> None:  # noqa: F811
    client = site.client()
    act_as(client, "participant", site.author)
    page = _draft_form(client)

    r = client.post("/proposals/new?lang=en", data={
        "csrf_token": token(page), "command_id": command_id(page), "table": "RT1", "language": "es",
        "title": "Ventanillas únicas", "objectives": ["8"],
    })

    body = r.get_data(as_text=True)
    assert 'value="Ventanillas únicas"' in body
    assert set(re.findall(r'<p class="error" id="([a-z]+)-error"', body)) == {"problem", "recommendation", "rationale", "objectives", "targets"}
    assert "GCM objectives 8 belong to RT2, not to RT1" in body


def test_the_domain_lists_every_problem_of_a_draft_in_the_order_of_the_form() -> None:
    found = draft_problems(table="RT9", texts={"title": "", "problem": " ", "recommendation": "x", "rationale": ""}, objectives=[], targets=[], language="xx")

    assert [(e.field, e.code) for e in found] == [
        ("table", "unknown_table"), ("title", "empty_text"), ("problem", "empty_text"), ("rationale", "empty_text"),
        ("objectives", "no_objective"), ("targets", "no_target"), ("language", "unknown_language"),
    ]


def test_a_draft_without_problems_has_none() -> None:
    texts = {"title": "T", "problem": "P", "recommendation": "R", "rationale": "W"}
    assert draft_problems(table="RT1", texts=texts, objectives=[2], targets=["all governments of the region"], language="es") == []
