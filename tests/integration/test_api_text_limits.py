"""The document's limits of the texts a write takes are the domain's (issue 13, break-it):
each text field's ``maxLength`` is the aggregate's constant for it, a text that long is
accepted and one character more is refused with the rule's code."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from application.bootstrap import Services
from domain.base import MAX_FIELD_CHARS
from domain.discussion import MAX_COMMENT
from domain.government_dialogue import MAX_TITLE as DIALOGUE_TITLE
from domain.proposal import MAX_TEXT, MAX_TITLE
from tests.integration.api_support import DRAFT, api_app, bearer, draft, member_of


@pytest.fixture
def app(loaded: Services) -> Flask:
    return api_app(loaded)


@pytest.fixture
def schemas(app: Flask) -> dict[str, Any]:
    return app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]


def test_the_document_gives_the_domains_limits_of_a_proposals_texts(schemas: dict[str, Any]) -> None:
    for name in ("DraftInput", "RevisionChanges"):
        lengths = {f: schemas[name]["properties"][f]["maxLength"] for f in ("title", "problem", "recommendation", "rationale")}
        assert lengths == {"title": MAX_TITLE, "problem": MAX_TEXT, "recommendation": MAX_TEXT, "rationale": MAX_TEXT}


def test_the_document_gives_the_domains_limits_of_a_comment_and_a_dialogues_title(schemas: dict[str, Any]) -> None:
    assert schemas["CommentInput"]["properties"]["text"]["maxLength"] == MAX_COMMENT
    assert schemas["DialogueInput"]["properties"]["title"]["maxLength"] == DIALOGUE_TITLE


def test_no_text_of_a_write_is_documented_longer_than_the_domain_stores(schemas: dict[str, Any]) -> None:
    def lengths(prop: dict[str, Any]) -> list[int]:
        inner = [prop["items"]] if "items" in prop else []
        own = [prop["maxLength"]] if "maxLength" in prop else []
        return own + [n for i in inner for n in lengths(i)]

    documented = {(name, field): n for name, schema in schemas.items() if name.endswith("Input") or name == "RevisionChanges"
                  for field, prop in schema.get("properties", {}).items() for n in lengths(prop)}

    assert documented and max(documented.values()) <= MAX_FIELD_CHARS


def test_a_title_as_long_as_documented_is_drafted_and_one_more_character_refused_with_the_rules_code(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    client = app.test_client()

    longest = client.post("/api/v1/proposals", json={**DRAFT, "title": "t" * MAX_TITLE}, headers=auth)
    over = client.post("/api/v1/proposals", json={**DRAFT, "title": "t" * (MAX_TITLE + 1)}, headers=auth)

    assert longest.status_code == 201
    assert (over.status_code, over.get_json()["errors"]) == (422, {"title": ["text_too_long"]})


def test_a_withdrawal_reason_as_long_as_documented_is_accepted(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    p = draft(app, auth)

    r = app.test_client().post(f"/api/v1/proposals/{p['id']}/withdraw", json={"reason": "r" * MAX_FIELD_CHARS}, headers={**auth, "If-Match": '"1"'})

    assert (r.status_code, r.get_json()["status"]) == (200, "withdrawn")


# The same text at the limit through a form and through the API (break-it: the API counted
# a browser's CRLF line ends as two characters where the forms read them as LF).
AT_LIMIT_WITH_CRLF = ("p" * 99 + "\r\n") * (MAX_TEXT // 100)  # MAX_TEXT characters once read with LF line ends
SPACED_TITLE = " " + "t" * (MAX_TITLE - 2) + " "  # the spaces around it count, through both


def _through_the_form(app: Flask, reference: str, **texts: str) -> int:
    from uuid import uuid4

    from tests.e2e.web_support import act_as, participant_id

    client = app.test_client()
    act_as(client, "participant", participant_id(app, reference))
    data = {"command_id": str(uuid4()), "table": "RT1", "recommendation": DRAFT["recommendation"], "rationale": DRAFT["rationale"],
            "title": DRAFT["title"], "problem": DRAFT["problem"], "objectives": ["2"], "targets": DRAFT["targets"], "language": "es", **texts}
    return client.post("/proposals/new?lang=en", data=data).status_code


def _through_the_api(app: Flask, reference: str, **texts: str) -> int:
    return app.test_client().post("/api/v1/proposals", json={**DRAFT, **texts}, headers=bearer(app, reference)).status_code


@pytest.mark.parametrize(("texts", "accepted"), [
    ({"problem": AT_LIMIT_WITH_CRLF}, True),
    ({"problem": AT_LIMIT_WITH_CRLF + "p"}, False),
    ({"problem": AT_LIMIT_WITH_CRLF.replace("\r\n", "\r")}, True),
    ({"title": SPACED_TITLE}, True),
    ({"title": SPACED_TITLE + " "}, False),
])
def test_a_text_at_the_limit_is_accepted_or_refused_alike_through_a_form_and_the_api(app: Flask, texts: dict[str, str], accepted: bool) -> None:
    member = member_of(app, "RT1")

    answers = (_through_the_form(app, member, **texts), _through_the_api(app, member, **texts))

    assert answers == ((302, 201) if accepted else (422, 422))


def test_the_api_stores_a_texts_crlf_line_ends_as_lf_as_a_form_does(app: Flask) -> None:
    p = draft(app, bearer(app, member_of(app, "RT1")), problem="one\r\ntwo\rthree\n")

    assert p["problem"] == "one\ntwo\nthree\n"


def test_a_title_with_a_line_break_is_refused_by_the_api_and_a_problem_keeps_its_line_breaks(app: Flask) -> None:
    auth = bearer(app, member_of(app, "RT1"))
    client = app.test_client()

    broken = client.post("/api/v1/proposals", json={**DRAFT, "title": "Título\r\nBcc: victim@example.org"}, headers=auth)
    lines = client.post("/api/v1/proposals", json={**DRAFT, "problem": "línea 1\r\nlínea 2"}, headers=auth)

    assert (broken.status_code, broken.get_json()["errors"]) == (422, {"title": ["not_one_line"]})
    assert lines.status_code == 201
