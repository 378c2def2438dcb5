"""The public Atom feeds and iCalendar files (issue 18), parsed with feedparser and
icalendar: on the 2026-Q1 scenario (clock 2026-03-27), the adopted recommendations, each
table's sessions and decisions, the government responses and the closing dates of the
endorsement rounds; stable ids whatever the address or language; the pages that have a
feed advertise it; and on each backend, a session and a dialogue with governments."""

from __future__ import annotations

import json
import re
from datetime import date

import feedparser
import pytest
from flask import Flask
from icalendar import Calendar

from application.bootstrap import Services
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from tests.conftest import SCENARIO, seed_members
from tests.e2e.web_support import app_services, make_app

QUARTER = json.loads((SCENARIO / "quarter.json").read_text("utf-8"))
NAMES = [p["display_name"] for p in json.loads((SCENARIO / "participants.json").read_text("utf-8"))]


@pytest.fixture
def app(loaded: Services) -> Flask:
    return make_app(loaded.config.database_url, str(loaded.config.master_key), clock="2026-03-27")


def _feed(app: Flask, url: str, **kw: str) -> feedparser.FeedParserDict:
    r = app.test_client().get(url, **kw)
    assert r.status_code == 200, url
    assert r.mimetype == "application/atom+xml"
    parsed = feedparser.parse(r.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _calendar(app: Flask, url: str) -> list:
    r = app.test_client().get(url)
    assert r.status_code == 200, url
    assert r.mimetype == "text/calendar"
    return list(Calendar.from_ical(r.get_data()).walk("VEVENT"))


def _by_reference(loaded: Services) -> dict[str, dict]:
    return {p["reference"]: p for p in proposal_views.list_recommendations(loaded.projector.engine) if p["reference"]}


def test_the_adopted_recommendations_feed_has_an_entry_for_each_adopted_recommendation(app: Flask, loaded: Services) -> None:
    proposals = _by_reference(loaded)

    feed = _feed(app, "/feeds/recommendations.atom?lang=en")

    assert {e.id for e in feed.entries} == {f"urn:uuid:{proposals[ref]['id']}" for ref in QUARTER["expected_outcomes"]["adopted"]}
    published = proposals["prop-rt1-01"]
    entry = next(e for e in feed.entries if e.id == f"urn:uuid:{published['id']}")
    assert entry.title == published["title"]
    assert entry.link == f"http://localhost/proposals/{published['id']}?lang=en"
    assert entry.summary.startswith("published · RT1 · prop-rt1-01 · GCM objectives: 5 · decision recorded on Jan 27, 2026")


def test_the_entry_ids_stay_the_same_whatever_the_address_and_the_language(app: Flask) -> None:
    here = _feed(app, "/feeds/recommendations.atom?lang=en")
    there = _feed(app, "/feeds/recommendations.atom?lang=fr", base_url="https://dialogue.example.org")

    assert [e.id for e in here.entries] == [e.id for e in there.entries]
    assert here.feed.id == there.feed.id
    assert there.entries[0].link.startswith("https://dialogue.example.org/proposals/")


def test_the_feeds_name_no_participant(app: Flask, loaded: Services) -> None:
    urls = ["/feeds/recommendations.atom", "/feeds/responses.atom", "/feeds/objectives/1.atom", *(f"/feeds/tables/RT{n}.atom" for n in range(1, 5))]

    shown = {url: [n for n in NAMES if n in app.test_client().get(url).get_data(as_text=True)] for url in urls}

    assert {url: names for url, names in shown.items() if names} == {}


def test_an_objective_feed_has_the_adopted_recommendations_naming_it(app: Flask, loaded: Services) -> None:
    adopted = [p for p in _by_reference(loaded).values() if p["status"] in proposal_views.ADOPTED_OR_LATER]
    number = min(n for p in adopted for n in p["objectives"])

    feed = _feed(app, f"/feeds/objectives/{number}.atom?lang=en")

    assert {e.id for e in feed.entries} == {f"urn:uuid:{p['id']}" for p in adopted if number in p["objectives"]}
    assert feed.feed.title.startswith(f"GCM objective {number}: ")
    assert app.test_client().get("/feeds/objectives/24.atom").status_code == 404


def test_a_table_feed_has_its_sessions_and_the_decisions_taken_in_them(app: Flask, loaded: Services) -> None:
    e = loaded.projector.engine
    sessions = session_views.list_sessions(e, "RT1")
    decided = [(s["id"], i["proposal_id"]) for s in sessions for i in session_views.agenda(e, s["id"]) if i["decision"]]

    feed = _feed(app, "/feeds/tables/RT1.atom?lang=en")

    titles = [x.title for x in feed.entries]
    assert len(feed.entries) == len(sessions) + len(decided) == 2 + 6
    assert {x.id for x in feed.entries} >= {f"urn:uuid:{s['id']}" for s in sessions}
    assert sum(t.startswith("Session of RT1 on ") for t in titles) == 2
    assert {x.link.split("?")[0] for x in feed.entries} == {f"http://localhost/sessions/{s['id']}" for s in sessions}
    assert app.test_client().get("/feeds/tables/RT9.atom").status_code == 404


def test_the_responses_feed_has_every_government_response(app: Flask, loaded: Services) -> None:
    responses = follow_up_views.government_responses(loaded.projector.engine)

    feed = _feed(app, "/feeds/responses.atom?lang=en")

    assert len(feed.entries) == len(responses) == 6
    assert sorted(e.tags[0].term for e in feed.entries) == ["BR", "CO", "DO", "GT", "JM", "PA"]
    assert feed.entries[0].title.startswith("Panama: ")
    assert len({e.id for e in feed.entries}) == 6


def test_a_table_calendar_has_its_sessions_with_stable_uids(app: Flask, loaded: Services) -> None:
    sessions = session_views.list_sessions(loaded.projector.engine, "RT1")

    events = _calendar(app, "/calendars/tables/RT1.ics?lang=en")

    assert [(str(ev["uid"]), ev.decoded("dtstart")) for ev in events] == [
        (f"session-{s['id']}", d) for s, d in zip(sessions, [date(2026, 1, 27), date(2026, 3, 10)], strict=True)
    ]
    assert [str(ev["uid"]) for ev in _calendar(app, "/calendars/tables/RT1.ics?lang=es")] == [str(ev["uid"]) for ev in events]
    assert str(events[0]["summary"]).startswith("Session of working table RT1")
    assert app.test_client().get("/calendars/tables/XX.ics").status_code == 404


def test_the_mechanism_calendar_has_every_session_the_dialogues_and_the_rounds_closing_or_closed(app: Flask, loaded: Services) -> None:
    s = app_services(app)
    dialogue = s.app.schedule_government_dialogue(period="2026-H1", on=date(2026, 5, 14), title="Diálogo 2026-I", governments=["all governments of the region"])
    s.wait_for_views()
    rounds = liaison_views.endorsement_rounds(loaded.projector.engine)

    events = _calendar(app, "/calendars/sessions.ics?lang=en")

    uids = [str(ev["uid"]) for ev in events]
    assert sum(u.startswith("session-") for u in uids) == 8
    assert sorted(u for u in uids if u.startswith("round-")) == sorted(f"round-{r['id']}-closes" for r in rounds)
    assert len(rounds) == 13
    closed = {f"round-{r['id']}-closes": r["closed_on"] for r in rounds if r["outcome"]}
    assert len(closed) == 13  # every round of the scenario is closed: each entry on the day it closed
    assert {str(ev["uid"]): ev.decoded("dtstart") for ev in events if str(ev["uid"]).startswith("round-")} == closed
    found = next(ev for ev in events if str(ev["uid"]) == f"dialogue-{dialogue}")
    assert (str(found["summary"]), found.decoded("dtstart")) == ("Diálogo 2026-I", date(2026, 5, 14))


def test_a_round_closed_early_moves_to_the_day_it_closed_marked_closed_with_the_same_uid_and_a_higher_sequence(app: Flask, loaded: Services) -> None:
    s = app_services(app)
    adopted = proposal_views.list_recommendations(loaded.projector.engine, status="adopted")[0]
    s.app.open_endorsement(adopted["id"], date(2026, 4, 10))
    s.wait_for_views()
    rid = next(r["id"] for r in liaison_views.endorsement_rounds(loaded.projector.engine, adopted["id"]) if r["outcome"] is None)

    def entry() -> tuple[str, date, str, int]:
        ev = next(ev for ev in _calendar(app, "/calendars/sessions.ics?lang=en") if str(ev["uid"]) == f"round-{rid}-closes")
        return str(ev["summary"]).split(":")[0], ev.decoded("dtstart"), str(ev["description"]).split(" · ")[-1], int(ev.get("sequence", 0))

    before = entry()
    s.app.close_endorsement(adopted["id"], early=True)  # on 2026-03-27
    s.wait_for_views()

    assert before == ("Endorsement round closes", date(2026, 4, 10), adopted["title"], 0)
    assert entry() == ("Endorsement round closed", date(2026, 3, 27), "not endorsed", 1)


def test_a_sessions_event_raises_its_sequence_with_each_stage_it_names(app: Flask, loaded: Services) -> None:
    s = app_services(app)
    later = s.app.schedule_session(table="RT1", quarter="2026-Q2", on=date(2026, 4, 20))
    today = s.app.schedule_session(table="RT2", quarter="2026-Q1", on=date(2026, 3, 27))
    s.wait_for_views()

    def entry(sid: object) -> tuple[str, int]:
        ev = next(ev for ev in _calendar(app, "/calendars/sessions.ics?lang=en") if str(ev["uid"]) == f"session-{sid}")
        return str(ev["description"]).split(" · ")[-1], int(ev.get("sequence", 0))

    upcoming, in_progress = entry(later), entry(today)
    s.app.close_session(today, "Acta.")
    s.wait_for_views()

    assert (upcoming, in_progress, entry(today)) == (("upcoming", 0), ("in progress", 1), ("closed", 2))


@pytest.mark.parametrize(("page", "feed"), [
    ("/recommendations?lang=en", "/feeds/recommendations.atom?lang=en"),
    ("/recommendations?lang=en&objective=3", "/feeds/objectives/3.atom?lang=en"),
    ("/tables/RT2?lang=en", "/feeds/tables/RT2.atom?lang=en"),
    ("/dialogues/responses?lang=en", "/feeds/responses.atom?lang=en"),
])
def test_a_page_with_a_feed_advertises_it_in_its_head(app: Flask, page: str, feed: str) -> None:
    html = app.test_client().get(page).get_data(as_text=True)
    head = html.split("</head>")[0]

    assert re.search(rf'<link rel="alternate" type="application/atom\+xml" href="{re.escape(feed.replace("&", "&amp;"))}"', head)


@pytest.mark.parametrize(("page", "calendar"), [
    ("/sessions?lang=en", "/calendars/sessions.ics?lang=en"),
    ("/tables/RT3?lang=en", "/calendars/tables/RT3.ics?lang=en"),
])
def test_the_sessions_page_and_a_table_page_link_their_calendar(app: Flask, page: str, calendar: str) -> None:
    html = app.test_client().get(page).get_data(as_text=True)
    body = html.split("</head>")[1]

    assert f'<a href="{calendar}" type="text/calendar">' in body


def test_a_new_session_and_dialogue_appear_in_the_feed_and_calendars_on_each_backend(services: Services, database_url: str, master_key: str) -> None:
    seed_members(services.app, table="RT2")
    sid = services.app.schedule_session(table="RT2", on=date(2026, 2, 12), reference="ses-rt2-x")
    did = services.app.schedule_government_dialogue(period="2026-H1", on=date(2026, 6, 3), title="Dialogue 2026-I", governments=["all governments of the region"])
    services.projector.catch_up()
    app = make_app(database_url, master_key)

    table = _calendar(app, "/calendars/tables/RT2.ics")
    everything = _calendar(app, "/calendars/sessions.ics")
    feed = _feed(app, "/feeds/tables/RT2.atom?lang=en")

    assert [(str(ev["uid"]), ev.decoded("dtstart")) for ev in table] == [(f"session-{sid}", date(2026, 2, 12))]
    assert [str(ev["uid"]) for ev in everything] == [f"session-{sid}", f"dialogue-{did}"]
    assert [(e.id, e.title) for e in feed.entries] == [(f"urn:uuid:{sid}", "Session of RT2 on Feb 12, 2026 (ses-rt2-x)")]
