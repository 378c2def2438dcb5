"""The data model of the open data: its tables, their fields, and their rows read from
the views (``docs/open-data.md``, "Tables").

What goes in (issue 15, "Open data"): the published recommendations, their GCM objectives
and addressees, the sessions and decisions that adopted them with the tally, the Liaison
Table's endorsement tallies, and the governments' responses and follow-up, with the
reference lists they use. Only what is public: no draft, nothing of a proposal that was
not published, no person (no author, no member's position, no seat's vote; the tallies are
counts).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from application.open_data.cells import join_values
from application.open_data.fields import MULTI, Field, TableModel
from application.open_data.indicators import INDICATOR_TABLES
from domain.deliberation import MODES
from domain.proposal_rules import FOLLOW_UP_PROGRESS, GOVERNMENT_RESPONSE_STATUSES, LANGUAGES
from domain.reference import (
    ALL_GOVERNMENTS,
    lac_states,
    objectives,
    other_addressees,
    table_objectives,
)
from projections import follow_up as follow_up_views
from projections import liaison as liaison_views
from projections import proposals as proposal_views
from projections import sessions as session_views


def _id(description: str) -> Field:
    return Field("recommendation_id", "string", description, required=True)


TABLES_CODES = tuple(sorted(table_objectives()))
STATE_CODES = tuple(sorted(lac_states()))
ADDRESSEES = (ALL_GOVERNMENTS, *STATE_CODES, *other_addressees())
OBJECTIVE_NUMBERS = tuple(sorted(objectives()))
REC_FK = ((("recommendation_id",), "recommendations", ("id",)),)


# ---------------------------------------------------------------------------- rows
def published(engine: Engine) -> list[dict[str, Any]]:
    """The published recommendations in the views, by reference then id."""
    found = proposal_views.list_recommendations(engine, status="published")
    return sorted(found, key=lambda r: (r["reference"], r["id"]))


def _recommendation_rows(engine: Engine) -> list[dict[str, Any]]:
    out = []
    for r in published(engine):
        tally = r["endorsement_tally"] or {}
        out.append({
            "id": r["id"], "reference": r["reference"], "working_table": r["table"], "title": r["title"],
            "problem": r["problem"], "recommendation": r["recommendation"], "rationale": r["rationale"],
            "language": r["language"], "gcm_objectives": join_values(r["objectives"]), "addressees": join_values(r["targets"]),
            "published_to": join_values(r["recipients"] or []), "adopted_version": r["decided_version"],
            "adopted_session_id": r["adopted_session_id"], "adopted_on": r["adopted_on"],
            "endorse": tally.get("endorse"), "object": tally.get("object"), "endorsed_on": r["endorsed_on"],
            "published_on": r["published_on"],
        })
    return out


def _objective_rows(engine: Engine) -> list[dict[str, Any]]:
    return [
        {"recommendation_id": r["id"], "gcm_objective": int(n)}
        for r in published(engine) for n in sorted(set(r["objectives"]))
    ]


def _addressee_kind(target: str) -> str:
    if target == ALL_GOVERNMENTS:
        return "all_governments"
    return "state" if target in lac_states() else "other"


def _addressee_rows(engine: Engine) -> list[dict[str, Any]]:
    out = []
    for r in published(engine):
        to = set(r["recipients"] or [])
        for t in sorted(set(r["targets"])):
            out.append({"recommendation_id": r["id"], "addressee": t, "kind": _addressee_kind(t), "published_to": t in to})
    return out


def _decision_rows(engine: Engine) -> list[dict[str, Any]]:
    out = []
    for r in published(engine):
        for d in session_views.sessions_of_proposal(engine, r["id"]):
            if d["decision"] != "adopt":
                continue
            t = d["tally"] or {}
            out.append({
                "recommendation_id": r["id"], "session_id": d["session_id"], "version": d["version"], "decision": d["decision"],
                "support": t.get("support"), "object": t.get("object"), "abstain": t.get("abstain"),
                "taking_part": t.get("taking_part"), "quorum": d["quorum"], "rule": d["rule"],
                "settings_version": d["settings_version"], "decided_on": d["decided_on"],
            })
    return sorted(out, key=lambda x: (x["recommendation_id"], x["session_id"]))


def _session_rows(engine: Engine) -> list[dict[str, Any]]:
    wanted = {d["session_id"] for d in _decision_rows(engine)}
    out = [
        {"id": s["id"], "reference": s["reference"], "working_table": s["table_code"], "quarter": s["quarter"],
         "date": s["date"], "mode": s["mode"]}
        for s in session_views.list_sessions(engine) if s["id"] in wanted
    ]
    return sorted(out, key=lambda x: x["id"])


def _endorsement_rows(engine: Engine) -> list[dict[str, Any]]:
    out = []
    for r in published(engine):
        for rnd in liaison_views.endorsement_rounds(engine, r["id"]):
            t = rnd["tally"] or {}
            out.append({
                "recommendation_id": r["id"], "round_id": rnd["id"], "version": rnd["version"], "opened_on": rnd["opened_on"],
                "closes_on": rnd["closes_on"], "closed_on": rnd["closed_on"], "outcome": rnd["outcome"],
                "endorse": t.get("endorse"), "object": t.get("object"),
            })
    return sorted(out, key=lambda x: (x["recommendation_id"], x["round_id"]))


def _response_rows(engine: Engine) -> list[dict[str, Any]]:
    ids = {r["id"] for r in published(engine)}
    out = [
        {"recommendation_id": r["proposal_id"], "position": r["position"], "country": r["country"], "status": r["status"],
         "response": r["response"], "language": r["language"], "responding_entity": r["responding_entity"],
         "response_date": r["response_date"]}
        for r in follow_up_views.government_responses(engine) if r["proposal_id"] in ids
    ]
    return sorted(out, key=lambda x: (x["recommendation_id"], x["position"]))


def _follow_up_rows(engine: Engine) -> list[dict[str, Any]]:
    ids = {r["id"] for r in published(engine)}
    out = [
        {"recommendation_id": r["proposal_id"], "position": r["position"], "country": r["country"], "progress": r["progress"],
         "note": r["note"], "progress_date": r["progress_date"]}
        for r in follow_up_views.follow_ups(engine) if r["proposal_id"] in ids
    ]
    return sorted(out, key=lambda x: (x["recommendation_id"], x["position"]))


def _objective_reference_rows(_engine: Engine) -> list[dict[str, Any]]:
    return [
        {"number": o.number, "working_table": o.table, "title_en": o.title_en, "title_es": o.title_es}
        for o in sorted(objectives().values(), key=lambda o: o.number)
    ]


def _state_rows(_engine: Engine) -> list[dict[str, Any]]:
    return [{"code": s.code, "name_en": s.name_en, "subregion": s.subregion} for s in sorted(lac_states().values(), key=lambda s: s.code)]


# ---------------------------------------------------------------------------- tables
_POSITION = Field("position", "integer", "The log position of the event that recorded it (orders the entries).", required=True, minimum=1)

TABLES: tuple[TableModel, ...] = (
    TableModel(
        "recommendations", "Published recommendations",
        "Recommendations adopted by a working table, endorsed by the Liaison Table and published to governments, with the adopted text.",
        (
            Field("id", "string", "The recommendation's identifier (UUID).", required=True),
            Field("reference", "string", "The mechanism's reference of the recommendation (may be empty)."),
            Field("working_table", "string", "The working table that drafted and adopted it.", enum=TABLES_CODES, required=True),
            Field("title", "string", "Title, as adopted.", required=True),
            Field("problem", "string", "The problem addressed, as adopted.", required=True),
            Field("recommendation", "string", "The recommendation's text, as adopted.", required=True),
            Field("rationale", "string", "Rationale, as adopted.", required=True),
            Field("language", "string", "Language of the text (ISO 639-1).", enum=LANGUAGES, required=True),
            Field("gcm_objectives", "string", "GCM objective numbers (1-23), multi-valued: separated by ';'. One row each in recommendation_objectives.", required=True, pattern=MULTI, multi=True),
            Field("addressees", "string", "Addressees of the adopted text, multi-valued: separated by ';' (codes as in recommendation_addressees).", required=True, pattern=MULTI, multi=True),
            Field("published_to", "string", "Addressees the publication was sent to, multi-valued: separated by ';'.", required=True, pattern=MULTI, multi=True),
            Field("adopted_version", "integer", "The proposal's version the working table adopted.", minimum=1),
            Field("adopted_session_id", "string", "The session that adopted it (sessions.id)."),
            Field("adopted_on", "date", "Date of the adoption decision."),
            Field("endorse", "integer", "Liaison Table seats that endorsed it (the round's tally).", minimum=0),
            Field("object", "integer", "Liaison Table seats that objected (the round's tally).", minimum=0),
            Field("endorsed_on", "date", "Date the Liaison Table's endorsement round closed endorsed."),
            Field("published_on", "date", "Date it was published to governments.", required=True),
        ),
        ("id",), rows=_recommendation_rows,
    ),
    TableModel(
        "recommendation_objectives", "GCM objectives of the recommendations",
        "One row per recommendation and GCM objective it covers.",
        (
            _id("The recommendation (recommendations.id)."),
            Field("gcm_objective", "integer", "GCM objective number (gcm_objectives.number).", required=True, minimum=1, maximum=23),
        ),
        ("recommendation_id", "gcm_objective"),
        (*REC_FK, (("gcm_objective",), "gcm_objectives", ("number",))), rows=_objective_rows,
    ),
    TableModel(
        "recommendation_addressees", "Addressees of the recommendations",
        "One row per recommendation and addressee of its adopted text: all governments of the region, a LAC state (ISO 3166-1 alpha-2) or another listed actor.",
        (
            _id("The recommendation (recommendations.id)."),
            Field("addressee", "string", "'all governments of the region', a LAC state's ISO 3166-1 alpha-2 code (states.code) or another listed addressee.", enum=ADDRESSEES, required=True),
            Field("kind", "string", "Kind of addressee.", enum=("all_governments", "state", "other"), required=True),
            Field("published_to", "boolean", "Whether the publication was sent to this addressee.", required=True),
        ),
        ("recommendation_id", "addressee"), REC_FK, rows=_addressee_rows,
    ),
    TableModel(
        "sessions", "Sessions that adopted recommendations",
        "The working tables' sessions whose decision adopted a published recommendation.",
        (
            Field("id", "string", "The session's identifier (UUID).", required=True),
            Field("reference", "string", "The mechanism's reference of the session (may be empty)."),
            Field("working_table", "string", "The working table that met.", enum=TABLES_CODES, required=True),
            Field("quarter", "string", "Quarter of the session (YYYY-Qn).", required=True, pattern=r"^\d{4}-Q[1-4]$"),
            Field("date", "date", "Date of the session.", required=True),
            Field("mode", "string", "How it met.", enum=MODES, required=True),
        ),
        ("id",), rows=_session_rows,
    ),
    TableModel(
        "adoption_decisions", "Adoption decisions and their tallies",
        "The working table's decision adopting each published recommendation: the tally of the members' positions (counts, never who), the quorum and rule in force.",
        (
            _id("The recommendation (recommendations.id)."),
            Field("session_id", "string", "The session (sessions.id).", required=True),
            Field("version", "integer", "The version decided on.", required=True, minimum=1),
            Field("decision", "string", "The decision.", enum=("adopt",), required=True),
            Field("support", "integer", "Members in support.", minimum=0),
            Field("object", "integer", "Members objecting.", minimum=0),
            Field("abstain", "integer", "Members abstaining.", minimum=0),
            Field("taking_part", "integer", "Members taking part (counted for the quorum).", minimum=0),
            Field("quorum", "integer", "The quorum in force.", minimum=1),
            Field("rule", "string", "The decision rule in force."),
            Field("settings_version", "integer", "The version of the mechanism's settings applied.", minimum=1),
            Field("decided_on", "date", "Date of the decision."),
        ),
        ("recommendation_id", "session_id"), (*REC_FK, (("session_id",), "sessions", ("id",))), rows=_decision_rows,
    ),
    TableModel(
        "endorsements", "Liaison Table endorsement rounds",
        "The Liaison Table's endorsement round on each published recommendation with its tally (counts of seats, never which seat voted how).",
        (
            _id("The recommendation (recommendations.id)."),
            Field("round_id", "string", "The endorsement round's identifier (UUID).", required=True),
            Field("version", "integer", "The adopted version put to the Liaison Table.", required=True, minimum=1),
            Field("opened_on", "date", "Date the round opened.", required=True),
            Field("closes_on", "date", "Closing date set when it opened.", required=True),
            Field("closed_on", "date", "Date it closed."),
            Field("outcome", "string", "Outcome.", enum=("endorsed", "not_endorsed")),
            Field("endorse", "integer", "Seats endorsing.", minimum=0),
            Field("object", "integer", "Seats objecting.", minimum=0),
        ),
        ("recommendation_id", "round_id"), REC_FK, rows=_endorsement_rows,
    ),
    TableModel(
        "government_responses", "Government responses",
        "Responses of LAC states to the recommendations published to them.",
        (
            _id("The recommendation (recommendations.id)."),
            _POSITION,
            Field("country", "string", "The responding state (states.code).", enum=STATE_CODES, required=True),
            Field("status", "string", "The response.", enum=GOVERNMENT_RESPONSE_STATUSES, required=True),
            Field("response", "string", "The response's text.", required=True),
            Field("language", "string", "Language of the response (ISO 639-1).", enum=LANGUAGES, required=True),
            Field("responding_entity", "string", "The government body that responded (may be empty)."),
            Field("response_date", "date", "Date of the response.", required=True),
        ),
        ("recommendation_id", "position"), (*REC_FK, (("country",), "states", ("code",))), rows=_response_rows,
    ),
    TableModel(
        "follow_ups", "Follow-up of implementation",
        "Implementation progress recorded after a state's response.",
        (
            _id("The recommendation (recommendations.id)."),
            _POSITION,
            Field("country", "string", "The state (states.code).", enum=STATE_CODES, required=True),
            Field("progress", "string", "Progress observed.", enum=FOLLOW_UP_PROGRESS, required=True),
            Field("note", "string", "Note on the progress.", required=True),
            Field("progress_date", "date", "Date the progress was observed.", required=True),
        ),
        ("recommendation_id", "position"), (*REC_FK, (("country",), "states", ("code",))), rows=_follow_up_rows,
    ),
    TableModel(
        "gcm_objectives", "GCM objectives",
        "The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration (A/RES/73/195, paragraph 16) and the working table that owns each.",
        (
            Field("number", "integer", "Objective number.", required=True, minimum=1, maximum=23),
            Field("working_table", "string", "Working table owning the objective.", enum=TABLES_CODES, required=True),
            Field("title_en", "string", "Title in English.", required=True),
            Field("title_es", "string", "Title in Spanish.", required=True),
        ),
        ("number",), rows=_objective_reference_rows,
    ),
    TableModel(
        "states", "LAC states",
        "The 33 member states of Latin America and the Caribbean (UN M49).",
        (
            Field("code", "string", "ISO 3166-1 alpha-2 code.", enum=STATE_CODES, required=True),
            Field("name_en", "string", "Name in English.", required=True),
            Field("subregion", "string", "UN M49 subregion.", enum=("caribbean", "central_america", "south_america"), required=True),
        ),
        ("code",), rows=_state_rows,
    ),
)
# The cross-cutting commission's indicators and measurements (issue 19).
TABLES = (*TABLES, *INDICATOR_TABLES)
# Seam (docs/open-data.md, "To come"): the quarter's participation snapshot (issue 11)
# joins this tuple as a table of its own once its area is on the main line.


def collect(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows from the views of ``engine``, in the model's order."""
    return {t.name: t.rows(engine) for t in TABLES}
