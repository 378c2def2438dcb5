"""A web form posted with a JSON body that is not an object of texts (``1``, ``[1,2]``,
``"x"``, an object of numbers, a body nested too deeply): every form route answers without a
server error, the public forms answer the site's 400 page, and nothing is stored."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from flask import Flask
from flask_wtf.form import _Auto

from application.bootstrap import Services
from tests.e2e.web_support import act_as, add_sample_call, app_services, make_app, text_of
from web.form_data import WebForm

BODIES = ["1", "[1,2]", '"x"', "null", '{"email": 1, "password": [2]}', "[" * 100_000]


def _app(services: Services) -> Flask:
    return make_app(services.config.database_url, str(services.config.master_key), clock="2026-04-01")


def _stored(app: Flask) -> int:
    return int(app_services(app).app.recorder.max_notification_id() or 0)


def _form_routes(app: Flask, call_id: str) -> list[str]:
    """Every POST address of the pages (not the API), its arguments filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()) or rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?code>", "RT1", rule.rule)
        path = re.sub(r"<(?:[^:>]+:)?call_id>", call_id, path)
        paths.append(re.sub(r"<[^>]+>", str(uuid4()), path))
    return sorted(paths)


@pytest.mark.parametrize("body", BODIES, ids=["number", "list", "text", "null", "object-of-numbers", "too-deep"])
def test_a_public_form_posted_a_json_body_that_is_not_its_fields_is_400_and_stores_nothing(sqlite_services: Services, body: str) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)
    before = _stored(app)
    client = app.test_client()

    statuses = [client.post(path, data=body, content_type="application/json").status_code
                for path in ("/login", "/tables/RT1/join", f"/calls/{call_id}/inputs")]

    assert (statuses, _stored(app)) == ([400, 400, 400], before)


def test_the_400_page_of_a_body_that_is_not_a_form_says_so_in_the_visitors_language(sqlite_services: Services) -> None:
    client = _app(sqlite_services).test_client()

    r = client.post("/login", data="1", content_type="application/json", headers={"Accept-Language": "es"})

    assert "no son los campos de un formulario" in text_of(r.get_data(as_text=True))


@pytest.mark.parametrize("role", ["public", "administrator"])
def test_no_form_route_answers_a_server_error_to_a_json_body_that_is_not_an_object(sqlite_services: Services, role: str) -> None:
    app = _app(sqlite_services)
    call_id = add_sample_call(app)
    client = app.test_client()
    act_as(client, role)

    errors = {path: body for path in _form_routes(app, call_id) for body in ("1", "[1,2]")
              if client.post(path, data=body, content_type="application/json").status_code >= 500}

    assert errors == {}


def test_every_form_of_the_site_reads_its_data_through_the_web_form_base() -> None:
    import web.account_forms
    import web.call_forms
    import web.commission_forms
    import web.forms
    import web.join_forms

    forms = [c for m in (web.forms, web.account_forms, web.call_forms, web.commission_forms, web.join_forms)
             for c in vars(m).values() if isinstance(c, type) and hasattr(c, "validate_on_submit")]

    assert forms and all(issubclass(c, WebForm) for c in forms)


@pytest.mark.parametrize(("body", "content_type", "fields"), [
    ("title=A&title=B", "application/x-www-form-urlencoded", [("title", "A"), ("title", "B")]),
    ('{"title": ["A", "B"], "reason": "R"}', "application/json", [("title", "A"), ("title", "B"), ("reason", "R")]),
    ("", "application/x-www-form-urlencoded", None),
])
def test_the_submitted_fields_are_the_form_fields_or_else_a_json_bodys(body: str, content_type: str, fields: list[tuple[str, str]] | None) -> None:
    from web.form_data import submitted_fields

    app = Flask(__name__)
    with app.test_request_context("/", method="POST", data=body, content_type=content_type):
        found = submitted_fields()

        assert (None if found is None else list(found.items(multi=True))) == fields


def test_a_form_and_a_confirmation_page_read_the_same_fields_of_a_json_body(sqlite_services: Services) -> None:
    from web.pages.confirm import _fields

    app = _app(sqlite_services)
    with app.test_request_context("/", method="POST", json={"reason": "Ya no aplica.", "command_id": "c-1"}):
        form_reads = WebForm().meta.wrap_formdata(WebForm(), _Auto)
        page_reads = _fields()

        assert sorted(form_reads.items(multi=True)) == sorted(page_reads.items(multi=True)) == [("command_id", "c-1"), ("reason", "Ya no aplica.")]
