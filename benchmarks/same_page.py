"""The pages' same-page baseline: the board's first page and a proposal page as the public sees
them, rendered by the service's own templates inside the service's own Flask application
(same framework, hooks, layout, navigation and translations), with their rows read by plain
SQL on one connection instead of the service's reads.

:func:`same_page_app` builds the web application (:func:`web.app.create_app`, the page cache
off) and replaces the views of ``/`` (``board.board``) and ``/proposals/<id>``
(``proposals.show``) with :func:`board` and :func:`proposal`: the same addresses, so the
layout's navigation, language links and pager links are the page's own. Never done to the
application the service runs: the benchmarks build this one apart.

What the baseline does not use: the projections' read functions, the kept answers and kept
pieces of pages (:func:`web.pages.common.kept_view`, ``kept_fragment``), the page cache, the
visitor's roles (the public visitor is given), the views' positions. What it uses as the page
does: the templates and the labels and formats they call (``day``, ``status_badge``,
``People``' neutral names for the public, ``Pager``).

Reads, all on one connection of the service's database: the board's rows by one ``SELECT``
of the cards' columns and one ``count(*)``; a proposal by one statement each for the
proposal, its versions' count and page, its amendments, sessions, endorsement rounds (and
their votes, when it has rounds), the inputs it draws on and its comments; once published to
governments, its responses and follow-ups; a published recommendation also its indicators
(and their measurements, when it has some), where its publication is in the log (one
statement) and the latest signed checkpoint with its witnesses (one).
"""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

from flask import Flask, abort, current_app, g, request, session
from sqlalchemy import JSON, Connection, Date, Engine, bindparam, text
from sqlalchemy.sql.selectable import TextualSelect

from application.audit.log import events_table
from application.open_data.document import PUBLISHED_TOPIC_SUFFIX
from application.persistence import get_engine
from application.tables import checkpoints_table, cosignatures_table, tree_leaves
from domain.discussion import OPEN_STATUSES
from projections import calls as call_views
from projections import discussion as discussion_views
from projections import follow_up as follow_up_views
from projections import indicators as indicator_views
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from web.app import create_app
from web.forms import TABLES
from web.pages.common import People, Viewer
from web.pages.proposals import VERSIONS_PARAM, VERSIONS_PER_PAGE
from web.pagination import PER_PAGE, Pager

BOARD_STATUSES = proposal_views.DRAFT_STATUSES
# The view tables' names (the schema, not a read of them).
PROPOSALS = proposal_views.view_proposals.name
VERSIONS = proposal_views.view_proposal_versions.name
AMENDMENTS = proposal_views.view_amendments.name
AGENDA, SESSIONS = session_views.view_agenda_items.name, session_views.view_sessions.name
ROUNDS, VOTES = liaison_views.view_endorsement_rounds.name, liaison_views.view_endorsement_votes.name
INPUTS, LINKS, CALLS = call_views.view_call_inputs.name, call_views.view_input_links.name, call_views.view_calls.name
COMMENTS = discussion_views.view_comments.name
RESPONSES, FOLLOW_UPS = follow_up_views.view_government_responses.name, follow_up_views.view_follow_ups.name
INDICATORS, INDICATED = indicator_views.view_indicators.name, indicator_views.view_indicator_recommendations.name
MEASUREMENTS = indicator_views.view_measurements.name
EVENTS, LEAVES = events_table.name, tree_leaves.name
CHECKPOINTS, COSIGNATURES = checkpoints_table.name, cosignatures_table.name


def _json(*names: str, dates: tuple[str, ...] = ()) -> dict[str, Any]:
    """Result types by column name: JSON columns decoded and dates as dates, on SQLite as on PostgreSQL."""
    return {**dict.fromkeys(names, JSON()), **dict.fromkeys(dates, Date())}


def _sql(statement: str, **types: Any) -> TextualSelect:
    """``statement`` with the result types of its columns named in ``types``."""
    return text(statement).columns(**types)


BOARD_COUNT = text(f"SELECT count(*) FROM {PROPOSALS} WHERE status IN :status").bindparams(bindparam("status", expanding=True))
BOARD_ROWS = _sql(
    f'SELECT id, reference, table_code AS "table", title, language, status, author_id, co_author_ids, content_version, objectives, updated_on '
    f"FROM {PROPOSALS} WHERE status IN :status ORDER BY table_code, reference, drafted_on, id LIMIT :limit OFFSET :offset",
    **_json("co_author_ids", "objectives", dates=("updated_on",)),
).bindparams(bindparam("status", expanding=True))
PROPOSAL = _sql(
    f"SELECT * FROM {PROPOSALS} WHERE id = :id",
    **_json("objectives", "targets", "co_author_ids", "endorsement_tally", "recipients",
            dates=("adopted_on", "endorsed_on", "published_on", "drafted_on", "updated_on")),
)
VERSION_COUNT = text(f"SELECT count(*) FROM {VERSIONS} WHERE proposal_id = :id")
VERSION_ROWS = _sql(
    f"SELECT content_version, kind, effective_date, note FROM {VERSIONS} WHERE proposal_id = :id "
    "ORDER BY content_version DESC LIMIT :limit OFFSET :offset",
    **_json(dates=("effective_date",)),
)
AMENDMENT_ROWS = _sql(
    f"SELECT reference, amender_id, field, operation, text, replaces, justification, status, reason, proposed_on "
    f"FROM {AMENDMENTS} WHERE proposal_id = :id ORDER BY proposed_on, reference",
    **_json(dates=("proposed_on",)),
)
SESSION_ROWS = _sql(
    f"SELECT a.session_id, a.version, a.decision, a.tally, s.reference AS session_reference, s.date, s.table_code "
    f"FROM {AGENDA} a JOIN {SESSIONS} s ON s.id = a.session_id WHERE a.proposal_id = :id ORDER BY s.date",
    **_json("tally", dates=("date",)),
)
ROUND_ROWS = _sql(
    f"SELECT id, version, opened_on, closes_on, outcome FROM {ROUNDS} WHERE proposal_id = :id ORDER BY opened_on",
    **_json(dates=("opened_on", "closes_on")),
)
VOTE_ROWS = text(f"SELECT round_id, seat, vote FROM {VOTES} WHERE round_id IN :ids ORDER BY seat").bindparams(bindparam("ids", expanding=True))
INPUT_ROWS = text(
    f"SELECT i.id, i.text, i.organisation_name, i.country, i.language, c.id AS call_id, c.title AS call_title "
    f"FROM {INPUTS} i JOIN {LINKS} l ON l.input_id = i.id JOIN {CALLS} c ON c.id = i.call_id "
    "WHERE l.proposal_id = :id AND i.status = 'accepted' ORDER BY l.linked_on, i.position"
)
COMMENT_ROWS = _sql(
    f"SELECT id, author_id, reply_to, text, posted_on, edited_on, hidden_on, hidden_by, hide_reason "
    f"FROM {COMMENTS} WHERE proposal_id = :id ORDER BY position",
    **_json(dates=("posted_on", "edited_on", "hidden_on")),
)

# A published recommendation's: its government responses, follow-ups, indicators and their
# measurements, and where its publication is in the log (the page shows the position, the
# leaf, the latest checkpoint that holds it and the address of the leaf's proof).
RESPONSE_ROWS = _sql(
    f"SELECT country, status, response, language, responding_entity, response_date FROM {RESPONSES} "
    "WHERE proposal_id = :id ORDER BY response_date, position",
    **_json(dates=("response_date",)),
)
FOLLOW_UP_ROWS = _sql(
    f"SELECT country, progress, note, progress_date FROM {FOLLOW_UPS} WHERE proposal_id = :id ORDER BY progress_date, position",
    **_json(dates=("progress_date",)),
)
INDICATOR_ROWS = _sql(
    f"SELECT i.id, i.reference, i.name, i.definition, i.unit, i.baseline, i.baseline_date, i.target, i.target_date, i.disaggregation, i.states "
    f"FROM {INDICATORS} i JOIN {INDICATED} r ON r.indicator_id = i.id WHERE r.proposal_id = :id ORDER BY i.reference",
    **_json("disaggregation", "states", dates=("baseline_date", "target_date")),
)
MEASUREMENT_ROWS = text(
    f"SELECT indicator_id, state, period, value, source_title, source_url FROM {MEASUREMENTS} "
    "WHERE indicator_id IN :ids ORDER BY indicator_id, state, period"
).bindparams(bindparam("ids", expanding=True))
PUBLICATION = text(
    f"SELECT e.id AS position, l.leaf_index, (SELECT max(leaf_index) FROM {LEAVES}) AS last_leaf FROM {EVENTS} e "
    f"LEFT JOIN {LEAVES} l ON l.position = e.id WHERE e.originator_id = :originator AND e.topic LIKE :topic ORDER BY e.id LIMIT 1"
).bindparams(bindparam("originator", type_=events_table.c.originator_id.type))
CHECKPOINT = text(
    f"SELECT c.tree_size, c.root_hash, (SELECT count(*) FROM {COSIGNATURES} w WHERE w.checkpoint_id = c.id) AS witnesses "
    f"FROM {CHECKPOINTS} c ORDER BY c.id DESC LIMIT 1"
)


def _dicts(result: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in result.mappings()]


def _engine() -> Engine:
    """The views' engine, as the service configures it (the project's engine settings)."""
    cfg = current_app.config["DIALOGUE"]
    return get_engine(cfg.views_url or cfg.database_url)


def _render(name: str, **context: Any) -> str:
    """``name`` rendered by the application's Jinja environment for the public visitor, with
    Flask's own template context and no kept piece of a page (every card and the filters'
    form rendered anew)."""
    viewer = Viewer()
    base = {"config": current_app.config, "request": request, "session": session, "g": g}
    return current_app.jinja_env.get_template(name).render(
        base, viewer=viewer, people=People(viewer),
        fragment_key=_nothing, kept_fragment=_nothing, keep_fragment=_same, views_positions=_nothing, **context,
    )


def _nothing(*_args: Any) -> None:
    return None


def _same(_key: Any, html: Any) -> Any:
    return html


def board_rows(c: Connection) -> tuple[list[dict[str, Any]], Pager]:
    """The board's first page (or the page ``?page=`` asks for) without filters: its count and its rows."""
    status = list(BOARD_STATUSES)
    pager = Pager.asked(int(c.execute(BOARD_COUNT, {"status": status}).scalar_one()))
    rows = _dicts(c.execute(BOARD_ROWS, {"status": status, "limit": PER_PAGE, "offset": pager.offset}))
    return rows, pager


def board() -> str:
    """The view of ``/`` in the baseline's application."""
    with _engine().connect() as c:
        rows, pager = board_rows(c)
    filters = {"table": None, "objective": None, "status": None}
    return _render("board/board.html", rows=rows, pager=pager, filters=filters, statuses=BOARD_STATUSES, tables=TABLES)


def proposal_context(c: Connection, proposal_id: str) -> dict[str, Any] | None:
    """What ``proposals/proposal.html`` shows the public of a proposal, read on ``c`` (None: no such proposal)."""
    found = c.execute(PROPOSAL, {"id": proposal_id}).mappings().first()
    if found is None:
        return None
    p = dict(found)
    p["table"] = p.pop("table_code")
    pager = Pager.asked(int(c.execute(VERSION_COUNT, {"id": proposal_id}).scalar_one()), VERSIONS_PER_PAGE, VERSIONS_PARAM)
    versions = _dicts(c.execute(VERSION_ROWS, {"id": proposal_id, "limit": VERSIONS_PER_PAGE, "offset": pager.offset}))
    rounds = _dicts(c.execute(ROUND_ROWS, {"id": proposal_id}))
    votes = _dicts(c.execute(VOTE_ROWS, {"ids": [r["id"] for r in rounds]})) if rounds else []
    for r in rounds:
        r["votes"] = [v for v in votes if v["round_id"] == r["id"]]
        r["counts"] = {k: sum(1 for v in r["votes"] if v["vote"] == k) for k in ("endorse", "object")}
    comments = _dicts(c.execute(COMMENT_ROWS, {"id": proposal_id}))
    for m in comments:
        m["hidden"] = m["hidden_on"] is not None
        if m["hidden"]:
            m["text"] = None  # the public does not read a hidden comment
        m.update(replies=[], history=[], reply_form=None, edit_form=None, hide_form=None)
    thread = [m for m in comments if m["reply_to"] is None]
    by_id = {m["id"]: m for m in thread}
    for m in comments:
        if m["reply_to"] is not None and m["reply_to"] in by_id:
            by_id[m["reply_to"]]["replies"].append(m)
    discussion = {"thread": thread, "open": p["status"] in OPEN_STATUSES, "member": False, "action": "", "form": None}
    inputs = _dicts(c.execute(INPUT_ROWS, {"id": proposal_id}))
    return {
        "p": p, "actions": dict.fromkeys(ACTIONS, False), "failed": {}, "amend_form": None, "co_form": None,
        "versions": versions, "versions_pager": pager, "amendments": _dicts(c.execute(AMENDMENT_ROWS, {"id": proposal_id})),
        "sessions": _dicts(c.execute(SESSION_ROWS, {"id": proposal_id})), "rounds": rounds,
        "follow_form": None, "removable": [], **_published(c, p),
        # The template's helpers that would read the views, answered from the rows above.
        "drawn_inputs": lambda _pid: inputs, "input_link_form": _nothing, "discussion_of": lambda _p, _failed: discussion,
        "commission_forms": lambda _p, _i, _f: {"indicator": None, "measurement": {}},
    }


def _published(c: Connection, p: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a recommendation published to governments (its responses and
    follow-ups when published; its indicators and provenance when its status is published)."""
    pid, published = p["id"], p["status"] == "published"
    responses = _dicts(c.execute(RESPONSE_ROWS, {"id": pid})) if p["published_on"] else []
    follow_ups: dict[str, list[dict[str, Any]]] = {}
    for f in _dicts(c.execute(FOLLOW_UP_ROWS, {"id": pid})) if p["published_on"] else []:
        follow_ups.setdefault(f["country"], []).append(f)
    indicators = _indicators(c, pid) if published else []
    return {
        "responses": responses, "follow_ups": follow_ups, "provenance": _provenance(c, pid) if published else None,
        "indicators_of": lambda _pid: indicators,
    }


def _indicators(c: Connection, pid: str) -> list[dict[str, Any]]:
    found = _dicts(c.execute(INDICATOR_ROWS, {"id": pid}))
    measured: dict[str, list[dict[str, Any]]] = {i["id"]: [] for i in found}
    for m in _dicts(c.execute(MEASUREMENT_ROWS, {"ids": list(measured)})) if found else []:
        measured[m["indicator_id"]].append(m)
    for i in found:
        latest = {m["state"]: {**m, "progress": indicator_views.progress(m["value"], i["baseline"], i["target"])} for m in measured[i["id"]]}
        i.update(measurements=measured[i["id"]], latest=[latest.get(s) or {"state": s, "progress": None} for s in i["states"]])
    return found


def _provenance(c: Connection, pid: str) -> dict[str, Any] | None:
    found = c.execute(PUBLICATION, {"originator": UUID(pid), "topic": "%" + PUBLISHED_TOPIC_SUFFIX}).first()
    if found is None:
        return None
    leaf, checkpoint = found.leaf_index, None
    latest = c.execute(CHECKPOINT).first() if leaf is not None else None
    if leaf is not None and latest is not None and latest.tree_size > leaf:
        checkpoint = {"size": int(latest.tree_size), "root_hash": base64.b64encode(bytes.fromhex(latest.root_hash)).decode(), "witnesses": int(latest.witnesses)}
    proof_url = None
    if leaf is not None and found.last_leaf is not None:
        proof_url = f"/audit/proof/inclusion?index={leaf}&size={checkpoint['size'] if checkpoint else int(found.last_leaf) + 1}"
    return {"position": int(found.position), "leaf_index": None if leaf is None else int(leaf), "checkpoint": checkpoint, "proof_url": proof_url}


# The actions the page offers (web.pages.proposals._actions): none to the public.
ACTIONS = ("revise", "add_co_author", "amend", "decide_amendments", "submit", "withdraw", "remove_co_author")


def proposal(proposal_id: str) -> str:
    """The view of ``/proposals/<id>`` in the baseline's application."""
    with _engine().connect() as c:
        context = proposal_context(c, proposal_id)
    if context is None:
        abort(404)
    return _render("proposals/proposal.html", **context)


def same_page_app(config: dict[str, Any] | None = None) -> Flask:
    """The service's web application (``config`` as :func:`web.app.create_app`'s, the page
    cache off, tables never created: the service made them) with the board's and the proposal
    page's views replaced by the baseline's."""
    app = create_app({**(config or {}), "DIALOGUE_PAGE_CACHE": "off", "DIALOGUE_CREATE_TABLES": "no"})
    for endpoint, view in (("board.board", board), ("proposals.show", proposal)):
        if endpoint not in app.view_functions:  # renamed in the service: the baseline would be the service itself
            raise LookupError(f"the web application has no endpoint {endpoint!r} for the same-page baseline to replace")
        app.view_functions[endpoint] = view
    return app
