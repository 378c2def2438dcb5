"""Atom feeds (issue 18, "Feeds"), public, in the reader's language (``?lang=``):

- ``/feeds/recommendations.atom``: the adopted recommendations (adopted, under the Liaison
  Table's review, endorsed or not, published), as on ``/recommendations``;
- ``/feeds/objectives/<n>.atom``: the same, for GCM objective ``n``
  (``/recommendations?objective=n``);
- ``/feeds/tables/<code>.atom``: a working table's activity: its sessions and the
  decisions taken in them, as on ``/tables/<code>`` and the session pages;
- ``/feeds/responses.atom``: the governments' responses, as on ``/dialogues/responses``.

An entry carries what the public page shows and nothing more (no person's name: the
public reads none on these pages). Entry ids are URNs made from the aggregates' ids (a
response: its recommendation's id and its position in the log), so they stay the same
whatever the address the service is reached at. The pages advertise their feed with
``<link rel="alternate" type="application/atom+xml">`` (``base.html``'s ``feeds`` block).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext as _

from domain.reference import objectives
from projections import follow_up as follow_up_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from web.forms import TABLES
from web.i18n import (
    country_name,
    current_language,
    day,
    objective_title,
    status_label,
    target_label,
    word,
)
from web.pages.common import engine, install, today
from web.typed_text import one_line

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
install(bp)

ATOM = "application/atom+xml"
#: The feeds' namespace: a feed's id is the UUID of its path in it, an entry's is derived
#: from its aggregate's id (:func:`entry_id`).
FEEDS = uuid5(NAMESPACE_URL, "urn:gcm-dialogue:feeds")


@dataclass
class Entry:
    """One entry; ``link`` is its public page."""

    title: str
    link: str
    updated: date
    summary: str
    published: date | None = None
    categories: list[str] = field(default_factory=list)


def entry_id(aggregate_id: str, kind: str = "") -> str:
    """The stable id of an entry: ``urn:uuid:<aggregate id>``, or for an entry that is one of
    several about an aggregate (a response, a decision), a name-based UUID of it and ``kind``."""
    base = UUID(aggregate_id)
    return f"urn:uuid:{uuid5(base, kind) if kind else base}"


def _moment(d: date) -> datetime:
    return datetime.combine(d, time(0), UTC)


def atom(name: str, title: str, page: str, self_url: str, entries: list[tuple[str, Entry]]) -> Response:
    """The Atom document ``name`` (its id's seed) titled ``title``, whose web page is
    ``page``; entries are ``(id, entry)``, newest first."""
    fg = FeedGenerator()
    fg.id(f"urn:uuid:{uuid5(FEEDS, name)}")
    fg.title(f"{one_line(title)} · {_('GCM Dialogue')}")
    fg.author({"name": _("GCM Dialogue")})
    fg.link(href=page, rel="alternate", type="text/html")
    fg.link(href=self_url, rel="self", type=ATOM)
    fg.language(current_language())
    ordered = sorted(entries, key=lambda e: (e[1].updated, e[0]), reverse=True)
    fg.updated(_moment(ordered[0][1].updated if ordered else today()))
    for eid, e in ordered:
        fe = fg.add_entry(order="append")
        fe.id(eid)
        fe.title(one_line(e.title))  # a title stored before titles were one line
        fe.link(href=e.link, rel="alternate", type="text/html")
        fe.updated(_moment(e.updated))
        if e.published:
            fe.published(_moment(e.published))
        fe.summary(e.summary)
        for term in e.categories:
            fe.category(term=term)
    return Response(fg.atom_str(pretty=True), mimetype=ATOM)


def _lang() -> dict[str, str]:
    return {"lang": current_language()}


# ---------------------------------------------------------------------------- recommendations
def _recommendation(p: dict[str, Any]) -> tuple[str, Entry]:
    """An adopted recommendation as the adopted page's card shows it (status, table,
    reference, objectives, adoption and publication dates)."""
    parts = [status_label(p["status"]), p["table"]] + ([p["reference"]] if p["reference"] else [])
    parts.append(_("GCM objectives: %(list)s", list=", ".join(str(n) for n in sorted(p["objectives"]))))
    if p["adopted_on"]:
        parts.append(_("decision recorded on %(d)s", d=day(p["adopted_on"])))
    if p["published_on"]:
        parts.append(_("published on %(d)s to %(to)s", d=day(p["published_on"]), to=", ".join(target_label(t) for t in p["recipients"] or [])))
    return entry_id(p["id"]), Entry(
        title=p["title"], link=url_for("proposals.show", proposal_id=p["id"], _external=True, **_lang()),
        updated=p["updated_on"], published=p["adopted_on"], summary=" · ".join(parts),
        categories=[p["table"], *(f"GCM-{n}" for n in sorted(p["objectives"]))],
    )


def _recommendations(objective: int | None = None) -> list[tuple[str, Entry]]:
    found = proposal_views.list_recommendations(engine(), status=proposal_views.ADOPTED_OR_LATER, objective=objective)
    return [_recommendation(p) for p in found]


@bp.get("/recommendations.atom")
def recommendations() -> Response:
    """The adopted recommendations, the latest changed first."""
    return atom(
        "recommendations", _("Adopted recommendations"), url_for("board.adopted", _external=True, **_lang()),
        url_for("feeds.recommendations", _external=True, **_lang()), _recommendations(),
    )


@bp.get("/objectives/<int:number>.atom")
def objective(number: int) -> Response:
    """The adopted recommendations that name GCM objective ``number`` (404 for another number)."""
    if number not in objectives():
        abort(404)
    title = _("GCM objective %(n)s: %(title)s", n=number, title=objective_title(number))
    return atom(
        f"objectives/{number}", title, url_for("board.adopted", objective=number, _external=True, **_lang()),
        url_for("feeds.objective", number=number, _external=True, **_lang()), _recommendations(number),
    )


# ---------------------------------------------------------------------------- a table's activity
def _table_entries(code: str) -> list[tuple[str, Entry]]:
    """The table's sessions (dated by the session's date) and the decisions taken in them
    (dated by the decision), as the table's and the sessions' pages show them."""
    e = engine()
    out: list[tuple[str, Entry]] = []
    for s in session_views.list_sessions(e, code):
        link = url_for("sessions.show", session_id=s["id"], _external=True, **_lang())
        ref = f" ({s['reference']})" if s["reference"] else ""
        out.append((entry_id(s["id"]), Entry(
            title=_("Session of %(table)s on %(date)s", table=code, date=day(s["date"])) + ref, link=link,
            updated=s["date"], summary=" · ".join([s["quarter"], word(s["mode"]), word(session_views.stage(s, today()))]),
            categories=[code],
        )))
        for item in session_views.agenda(e, s["id"]):
            if item["decision"] is None:
                continue
            counts = item["counts"]
            summary = _("%(decision)s · %(support)s support, %(object)s object, %(abstain)s abstain", decision=word(item["decision"]), **counts)
            out.append((entry_id(s["id"], f"decision/{item['proposal_id']}"), Entry(
                title=_("%(decision)s: %(title)s", decision=word(item["decision"]), title=item["title"]), link=link,
                updated=item["decided_on"] or s["date"], summary=summary, categories=[code],
            )))
    return out


@bp.get("/tables/<table:code>.atom")
def table(code: str) -> Response:
    """A working table's activity, the latest first (404 for an unknown table)."""
    if code not in TABLES:
        abort(404)
    return atom(
        f"tables/{code}", _("Working table %(table)s", table=code), url_for("tables.show", code=code, _external=True, **_lang()),
        url_for("feeds.table", code=code, _external=True, **_lang()), _table_entries(code),
    )


# ---------------------------------------------------------------------------- government responses
def _response(r: dict[str, Any]) -> tuple[str, Entry]:
    """A government response as ``/dialogues/responses`` shows it: the state, its answer,
    the date, the responding entity, the text, and the recommendation answered."""
    head = " · ".join(x for x in (word(r["status"]), r["responding_entity"], r["reference"]) if x)
    return entry_id(r["proposal_id"], f"response/{r['position']}"), Entry(
        title=_("%(country)s: %(title)s", country=country_name(r["country"]), title=r["title"]),
        link=url_for("proposals.show", proposal_id=r["proposal_id"], _external=True, **_lang()),
        updated=r["response_date"], summary=f"{head}\n\n{r['response']}", categories=[r["country"]],
    )


@bp.get("/responses.atom")
def responses() -> Response:
    """Every government response, the latest first."""
    return atom(
        "responses", _("Government responses"), url_for("dialogues.responses", _external=True, **_lang()),
        url_for("feeds.responses", _external=True, **_lang()), [_response(r) for r in follow_up_views.government_responses(engine())],
    )
