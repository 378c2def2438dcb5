"""A session scheduled on a date far in the past or the future (year 0001, 9999-12-31), by
the page and the API, on SQLite and PostgreSQL: refused with a clear error, nothing stored,
never a server error."""

from __future__ import annotations

import pytest
from flask import Flask

from application.bootstrap import Services
from projections import sessions as session_views
from tests.e2e.web_support import act_as, make_app, post_form, visible
from tests.integration.api_support import secretariat

FAR = ["0001-01-01", "0001-03-31", "9999-12-31", "1899-12-31", "2300-01-01"]


@pytest.fixture
def web(services: Services) -> Flask:
    services.app.register_table("RT1")
    return make_app(services.config.database_url, str(services.config.master_key), clock="2026-01-05", csrf=True)


def stored(services: Services) -> int:
    services.projector.catch_up()
    return len(session_views.list_sessions(services.projector.engine))


@pytest.mark.parametrize("day", FAR)
def test_a_session_far_in_the_past_or_future_is_refused_on_the_page(services: Services, web: Flask, day: str) -> None:
    client = web.test_client()
    act_as(client, "secretariat")

    r = post_form(client, "/sessions", "/sessions?lang=en", table="RT1", date=day, mode="virtual")

    assert r.status_code in (400, 422)
    assert "date" in visible(r).lower()
    assert stored(services) == 0


@pytest.mark.parametrize("day", FAR)
def test_a_session_far_in_the_past_or_future_is_refused_by_the_api(services: Services, web: Flask, day: str) -> None:
    r = web.test_client().post("/api/v1/sessions", json={"table": "RT1", "date": day}, headers=secretariat(web))

    assert r.status_code == 422, r.get_json()
    assert stored(services) == 0


@pytest.mark.parametrize("day", FAR)
def test_a_session_far_in_the_past_or_future_is_told_the_same_date_range_in_spanish(services: Services, web: Flask, day: str) -> None:
    client = web.test_client()
    act_as(client, "secretariat")

    r = post_form(client, "/sessions", "/sessions?lang=es", table="RT1", date=day, mode="virtual")

    assert r.status_code == 422
    assert "Esta fecha está fuera de rango: debe estar entre 2000 y 2199." in visible(r)
    assert "Un trimestre se escribe" not in visible(r)

