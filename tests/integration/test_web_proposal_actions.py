"""The proposal page's newer actions through HTTP, on SQLite and PostgreSQL: a co-author
removed (by the author or by themselves), an amendment withdrawn by its amender; each
refused with 422 naming the rule when someone else tries, with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.bootstrap import Services
from domain.reference import ALL_GOVERNMENTS
from projections import proposals as proposal_views
from tests.e2e.web_support import act_as, app_services, make_app, post_form, visible


@dataclass
class Site:
    app: Flask
    services: Services
    proposal: str
    author: str
    co_author: str
    member: str
    amendment: str

    def client(self, as_participant: str) -> FlaskClient:
        client = self.app.test_client()
        act_as(client, "participant", as_participant)
        return client


@pytest.fixture
def site(database_url: str, master_key: str) -> Iterator[Site]:
    """RT1 with an author, a co-author and a third member; a draft by the author with
    its co-author, and a pending amendment by the third member. CSRF checks on."""
    app = make_app(database_url, master_key, csrf=True)
    s = app_services(app)
    for code in ("RT1", "RT2", "RT3", "RT4"):
        s.app.register_table(code)
    ids = []
    for ref, name, gender in (("p-a", "Ana Pérez Quispe", "woman"), ("p-b", "Bruno Silva", "man"), ("p-c", "Carla Gómez", "woman")):
        pid = s.app.register_participant(reference=ref, display_name=name, organisation_id=None, gender=gender, preferred_language="es")
        s.app.join_table(pid, "RT1")
        ids.append(str(pid))
    author, co_author, member = ids
    proposal = str(s.app.draft_proposal(
        actor=author, table="RT1", title="Ventanillas únicas", problem="Esperas largas.", recommendation="Abrir ventanillas.",
        rationale="Plazos de seis meses.", objectives=[2], targets=[ALL_GOVERNMENTS], language="es", co_authors=[co_author],
    ))
    amendment = s.app.propose_amendment(proposal, actor=member, field="recommendation", operation="append", text=" Y publicar los plazos.")
    s.wait_for_views()
    yield Site(app, s, proposal, author, co_author, member, amendment)


def _co_authors(site: Site) -> list[str]:
    p = proposal_views.get_proposal(site.services.projector.engine, site.proposal)
    assert p is not None
    return list(p["co_author_ids"])


def _amendment_status(site: Site) -> str:
    return next(str(a["status"]) for a in proposal_views.amendments_of(site.services.projector.engine, site.proposal) if a["reference"] == site.amendment)


def test_the_author_removes_a_co_author(site: Site) -> None:
    client = site.client(site.author)
    url = f"/proposals/{site.proposal}"

    r = post_form(client, url, f"{url}/co-authors/{site.co_author}/remove")

    assert r.status_code == 302
    assert _co_authors(site) == []
    assert "By Ana Pérez Quispe · drafted on" in visible(client.get(f"{url}?lang=en"))


def test_a_co_author_removes_themselves(site: Site) -> None:
    client = site.client(site.co_author)
    url = f"/proposals/{site.proposal}"
    assert "Remove me as co-author" in visible(client.get(f"{url}?lang=en"))

    r = post_form(client, url, f"{url}/co-authors/{site.co_author}/remove")

    assert r.status_code == 302
    assert _co_authors(site) == []


def test_another_member_cannot_remove_a_co_author(site: Site) -> None:
    client = site.client(site.member)
    url = f"/proposals/{site.proposal}"

    r = post_form(client, url, f"{url}/co-authors/{site.co_author}/remove?lang=en")

    assert r.status_code == 422
    assert "Only the author, or the co-author themselves, may remove a co-author." in visible(r)
    assert "not_an_author" in r.get_data(as_text=True)
    assert _co_authors(site) == [site.co_author]


def test_the_amender_withdraws_their_amendment(site: Site) -> None:
    client = site.client(site.member)
    url = f"/proposals/{site.proposal}"

    r = post_form(client, url, f"{url}/amendments/{site.amendment}/withdraw")

    assert r.status_code == 302
    assert _amendment_status(site) == "withdrawn"
    assert f"{site.amendment} · withdrawn" in visible(client.get(f"{url}?lang=en"))


def test_only_the_amender_withdraws_an_amendment(site: Site) -> None:
    client = site.client(site.author)
    url = f"/proposals/{site.proposal}"

    r = post_form(client, url, f"{url}/amendments/{site.amendment}/withdraw?lang=es")

    assert r.status_code == 422
    assert "Solo quien propuso la enmienda puede retirarla." in visible(r)
    assert "not_the_amender" in r.get_data(as_text=True)
    assert _amendment_status(site) == "pending"
