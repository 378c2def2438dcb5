"""iCalendar files (issue 18, "Calendars"), public, in the reader's language (``?lang=``):

- ``/calendars/sessions.ics``: the whole mechanism: every table's sessions, the biannual
  dialogues with governments and the closing dates of the Liaison Table's endorsement
  rounds;
- ``/calendars/tables/<code>.ics``: one working table's sessions.

Every event is a whole day (the views hold dates, not times). UIDs are made from the
aggregates' ids (``session-<id>``, ``dialogue-<id>``, ``round-<id>-closes``), so a
calendar application that subscribed updates the same event when a session moves or
closes. A round's event moves, once the round is closed, to the day it closed, says so, and
raises its SEQUENCE (0 to 1); a session's SEQUENCE follows its stage (upcoming 0, in progress
1, closed 2), which its description names. The sessions page and each table's page link their file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import sessions as session_views
from web.forms import TABLES
from web.i18n import current_language, word
from web.pages.common import engine, install, today
from web.typed_text import one_line

bp = Blueprint("calendars", __name__, url_prefix="/calendars")
install(bp)

ICS = "text/calendar"


def _event(uid: str, on: date, summary: str, description: str, url: str, sequence: int = 0) -> Event:
    ev = Event()
    ev.add("uid", uid)
    ev.add("sequence", sequence)
    ev.add("dtstamp", datetime.combine(today(), time(0), UTC))
    ev.add("dtstart", on)
    ev.add("dtend", on + timedelta(days=1))
    ev.add("summary", one_line(summary))  # a title stored before titles were one line
    ev.add("description", one_line(description))
    ev.add("url", url)
    ev.add("transp", "TRANSPARENT")
    return ev


def _lang() -> dict[str, str]:
    return {"lang": current_language()}


SESSION_SEQUENCE = {session_views.UPCOMING: 0, session_views.IN_PROGRESS: 1, session_views.CLOSED: 2}
"""A session's SEQUENCE by its stage: its event says the stage, and a stage only moves on,
so a subscribed calendar takes each new one as a change of the same event."""


def _session(s: dict[str, Any]) -> Event:
    ref = f" ({s['reference']})" if s["reference"] else ""
    stage = session_views.stage(s, today())
    return _event(
        f"session-{s['id']}", s["date"], _("Session of working table %(table)s", table=s["table_code"]) + ref,
        " · ".join([s["quarter"], word(s["mode"]), word(stage)]),
        url_for("sessions.show", session_id=s["id"], _external=True, **_lang()), sequence=SESSION_SEQUENCE[stage],
    )


def _dialogue(d: dict[str, Any]) -> Event:
    return _event(
        f"dialogue-{d['id']}", d["date"], d["title"],
        " · ".join([_("Dialogue with governments"), d["period"], word(d["mode"])]),
        url_for("dialogues.index", _external=True, **_lang()) + f"#dialogue-{d['id']}",
    )


def _round_closes(r: dict[str, Any]) -> Event:
    """A round's closing: on its ``closes_on`` date while open; once closed (early, or by
    the deadline job), the same event (same UID, SEQUENCE 1) moves to the day it closed,
    says it closed and gives the outcome, so that a subscribed calendar updates it."""
    what = r["reference"] or r["title"]
    url = url_for("proposals.show", proposal_id=r["proposal_id"], _external=True, **_lang())
    uid = f"round-{r['id']}-closes"
    if r["outcome"] is None or r["closed_on"] is None:
        return _event(uid, r["closes_on"], _("Endorsement round closes: %(what)s", what=what), " · ".join([_("Liaison Table"), r["title"]]), url)
    return _event(
        uid, r["closed_on"], _("Endorsement round closed: %(what)s", what=what),
        " · ".join([_("Liaison Table"), r["title"], word(r["outcome"])]), url, sequence=1,
    )


def ics(name: str, events: list[Event]) -> Response:
    """The calendar ``name`` with ``events`` (sorted by date, then UID)."""
    cal = Calendar()
    cal.add("prodid", "-//GCM Dialogue//dialogue-service//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    for ev in sorted(events, key=lambda e: (e.decoded("dtstart"), str(e["uid"]))):
        cal.add_component(ev)
    r = Response(cal.to_ical(), mimetype=ICS)
    r.headers["Content-Disposition"] = "inline"
    return r


@bp.get("/sessions.ics")
def mechanism() -> Response:
    """Every session, dialogue with governments and endorsement round's closing date."""
    e = engine()
    events = [_session(s) for s in session_views.list_sessions(e)]
    events += [_dialogue(d) for d in follow_up_views.government_dialogues(e)]
    events += [_round_closes(r) for r in liaison_views.endorsement_rounds(e)]
    return ics(_("GCM Dialogue"), events)


@bp.get("/tables/<table:code>.ics")
def table(code: str) -> Response:
    """One working table's sessions (404 for an unknown table)."""
    if code not in TABLES:
        abort(404)
    events = [_session(s) for s in session_views.list_sessions(engine(), code)]
    return ics(_("Working table %(table)s", table=code) + " · " + _("GCM Dialogue"), events)
