"""The participation statistics view: counts by stakeholder group, subregion, language and
gender that stop counting an erased person's attributes; the live view and a rebuild agree."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.pool import StaticPool

from application import privacy
from application.bootstrap import Services
from domain.base import SECRETARIAT, Ctx
from projections import people as people_views
from projections.runner import ViewProjector
from tests.conftest import SCENARIO
from tests.integration.test_erasure import PEOPLE, participant_id
from web import create_app

ORGS = {o["id"]: o for o in json.loads((SCENARIO / "organisations.json").read_text("utf-8"))}


def counts(engine: Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as c:
        return {(d, v): n for d, v, n in c.execute(select(people_views.view_participation.c.dimension, people_views.view_participation.c.value, people_views.view_participation.c.count))}


def expected(people: list[dict[str, str]]) -> dict[tuple[str, str], int]:
    c: Counter[tuple[str, str]] = Counter()
    for p in people:
        org = ORGS[p["organisation_id"]]
        c.update([("gender", p["gender"]), ("language", p["preferred_language"]),
                  ("stakeholder_group", org["stakeholder_group"]), ("subregion", org["subregion"])])
    return dict(c)


def rebuilt(services: Services) -> dict[tuple[str, str], int]:
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    ViewProjector(services.app.recorder, services.app.mapper, scratch).catch_up()
    return counts(scratch)


def test_statistics_count_every_registered_person(loaded: Services) -> None:
    assert counts(loaded.projector.engine) == expected(list(PEOPLE.values()))


def test_erasure_stops_counting_the_persons_attributes(loaded: Services) -> None:
    privacy.erase(loaded, "p-12")
    assert counts(loaded.projector.engine) == expected([p for ref, p in PEOPLE.items() if ref != "p-12"])


def test_after_erasure_a_rebuild_equals_the_live_statistics(loaded: Services) -> None:
    privacy.erase(loaded, "p-12")
    assert rebuilt(loaded) == counts(loaded.projector.engine)


def test_a_details_update_moves_the_counts_and_a_rebuild_agrees(loaded: Services) -> None:
    p = loaded.app.participant(participant_id("p-01"))
    before = counts(loaded.projector.engine)
    p.update_details(Ctx(SECRETARIAT, date(2026, 3, 27), "test:details"), {"gender": "non_binary"})
    loaded.app.save(p)
    loaded.projector.catch_up()
    after = counts(loaded.projector.engine)
    old = PEOPLE["p-01"]["gender"]
    assert after[("gender", "non_binary")] == before[("gender", "non_binary")] + 1
    assert after[("gender", old)] == before[("gender", old)] - 1
    assert rebuilt(loaded) == after


def test_the_public_page_shows_counts_and_no_person(loaded: Services) -> None:
    assert loaded.config.master_key is not None
    client = create_app({
        "DIALOGUE_DATABASE_URL": loaded.config.database_url, "DIALOGUE_MASTER_KEY": loaded.config.master_key,
        "SECRET_KEY": "test-secret-key-0123456789abcdef", "TESTING": True,
    }).test_client()
    page = client.get("/privacy/participation?lang=en").get_data(as_text=True)
    assert "<td>woman</td><td>31</td>" in page
    assert "<td>non-binary</td><td>&lt;5</td>" in page
    assert [p["display_name"] for p in PEOPLE.values() if p["display_name"] in page] == []
