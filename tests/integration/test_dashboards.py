"""The public dashboards on the 2026-Q1 scenario: every page and chart renders without
scripts, and the numbers they show are recomputed here from the events themselves."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest
from flask import Flask

from application.bootstrap import Services
from application.participation import publish_statistics
from application.persistence import notifications
from domain.deliberation import quarter_of
from domain.reference import objectives
from tests.e2e.web_support import make_app
from web.pages import dashboards as pages

CHARTS = [("objectives", "objectives"), ("pipeline", "pipeline"), ("sessions", "sessions"), ("responses", "responses"), ("responses", "responses-map"), ("participation", "participation")]


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def events(s: Services) -> list[Any]:
    return [s.app.mapper.to_domain_event(n) for n in notifications(s.app.recorder)]


def by_aggregate(s: Services, name: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for e in events(s):
        if type(e).__qualname__.startswith(name + "."):
            out[str(e.originator_id)].append(e)
    return out


def shown(app: Flask, build: Any, s: Services) -> pages.Dashboard:
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        return build(s.projector.engine)  # type: ignore[no-any-return]


def test_every_dashboard_and_chart_renders_as_a_page_and_a_small_svg_without_scripts(app: Flask) -> None:
    client = app.test_client()
    pages_ = {name: client.get(f"/dashboards/{name}?lang=fr") for name in pages.DASHBOARDS}
    charts = {key: client.get(f"/dashboards/{name}/{key}.svg?lang=fr") for name, key in CHARTS}

    assert {n: r.status_code for n, r in pages_.items()} == {n: 200 for n in pages.DASHBOARDS}
    assert {k: (r.status_code, r.mimetype) for k, r in charts.items()} == {k: (200, "image/svg+xml") for _n, k in CHARTS}
    assert [k for k, r in charts.items() if b"<svg" not in r.data or b"<script" in r.data or len(r.data) > 60_000] == []
    assert [n for n, r in pages_.items() if b"<script" in r.data or b'<img src="/dashboards/' not in r.data] == []
    assert client.get("/dashboards").status_code == 200 and client.get("/dashboards/nothing").status_code == 404


def test_the_heat_map_counts_are_those_of_the_proposals_rebuilt_from_their_events(app: Flask, loaded: Services) -> None:
    expected: Counter[tuple[int, str]] = Counter()
    for pid in by_aggregate(loaded, "Proposal"):
        p = loaded.app.proposal(pid)
        for n in set(p.objectives):
            expected[(n, p.status)] += 1
    d = shown(app, pages.objectives_dashboard, loaded)
    statuses = [s for s in pages.views.STATUS_ORDER if any(expected.get((n, s)) for n in objectives())]

    table = {(int(row[0].split()[-1]), s): v for row in d.rows for s, v in zip(statuses, row[1:-1], strict=True) if v}

    assert table == dict(expected)
    assert len(d.headers) == len(statuses) + 2


def test_the_funnel_counts_first_arrivals_at_each_stage_per_quarter(app: Flask, loaded: Services) -> None:
    stage = {"Drafted": "drafted", "Submitted": "submitted", "Adopted": "adopted", "Endorsed": "endorsed", "PublishedToGovernments": "published"}
    first: dict[tuple[str, str], date] = {}
    for pid, evs in by_aggregate(loaded, "Proposal").items():
        for e in evs:
            name = type(e).__name__
            if name in stage:
                first.setdefault((pid, stage[name]), e.effective_date)
            elif name == "GovernmentResponseRecorded":
                first[(pid, "answered")] = min(first.get((pid, "answered"), e.response_date), e.response_date)
    counts = Counter((quarter_of(d), s) for (_pid, s), d in first.items())
    quarters = sorted({q for q, _s in counts})

    d = shown(app, pages.pipeline_dashboard, loaded)

    assert d.rows == [[q, *(counts[(q, s)] for s in pages.views.STAGES)] for q in quarters]
    assert d.rows[0][0] == "2026-Q1" and d.rows[0][5] == 12


def test_the_sessions_held_are_those_that_met_in_the_log(app: Flask, loaded: Services) -> None:
    held: Counter[tuple[str, str]] = Counter()
    scheduled: Counter[tuple[str, str]] = Counter()
    for evs in by_aggregate(loaded, "TableDeliberation").values():
        s = evs[0]
        scheduled[(s.quarter, s.table)] += 1
        if any(type(e).__name__ in ("Opened", "PositionRecorded", "DecisionRecorded") for e in evs):
            held[(s.quarter, s.table)] += 1

    d = shown(app, pages.sessions_dashboard, loaded)

    assert {(r[0], r[1]): (r[2], r[3]) for r in d.rows if r[2]} == {k: (n, held[k]) for k, n in scheduled.items()}


def test_the_responses_by_state_and_status_are_those_recorded(app: Flask, loaded: Services) -> None:
    recorded = Counter((e.country, e.status) for e in events(loaded) if type(e).__name__ == "GovernmentResponseRecorded")
    statuses = ("accepted", "partially_accepted", "noted", "rejected")

    d = shown(app, pages.responses_dashboard, loaded)
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        from web.i18n import country_name

        expected = {country_name(c): [recorded.get((c, s), 0) for s in statuses] for c in {c for c, _s in recorded}}

    assert {r[0]: r[1:5] for r in d.rows if r[-1]} == expected
    assert len(d.rows) == 33 and sum(recorded.values()) > 0


def test_participation_is_rounded_to_base_5_and_a_small_cell_is_suppressed(app: Flask, loaded: Services) -> None:
    orgs = {str(e.originator_id): e for e in events(loaded) if type(e).__qualname__ == "Organisation.Registered"}
    people = [e for e in events(loaded) if type(e).__qualname__ == "Participant.Registered"]
    groups = Counter(orgs[p.organisation_id].stakeholder_group if p.organisation_id in orgs else "unaffiliated" for p in people)

    published = publish_statistics(loaded, "2026-Q1")
    cells = {c["value"]: c["count"] for c in published["dimensions"]["stakeholder_group"]}
    page = app.test_client().get("/dashboards/participation?lang=en").get_data(as_text=True)

    assert cells == {g: (None if n < 5 else 5 * ((n + 2) // 5)) for g, n in groups.items()}
    assert any(n is None for n in cells.values()) and any(n is not None and n % 5 == 0 for n in cells.values())
    assert "suppressed" in page
    small = next(g for g, n in groups.items() if 0 < n < 5)
    assert f"<td>{small.replace('_', ' ')}</td><td>suppressed</td>" in page.replace("\n", "")


def test_the_participation_chart_drawn_before_a_publication_is_not_served_after_it(app: Flask, loaded: Services) -> None:
    # The statistics are published without an event: the chart's cache is keyed on them too.
    client = app.test_client()
    before = client.get("/dashboards/participation/participation.svg?lang=en").data

    publish_statistics(loaded, "2026-Q1")
    after = client.get("/dashboards/participation/participation.svg?lang=en").data

    assert b"<svg" in after and after != before
