"""The read-model tables (SQLAlchemy Core). Participant ids are kept as text UUIDs; names
are resolved through the one participant directory (``view_participants``)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

views = MetaData()
BigInt = BigInteger().with_variant(Integer(), "sqlite")
Id = String(36)

proposals = Table(
    "view_proposals", views,
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("table_code", String(8), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("recommendation", Text, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("language", String(8), nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("status", String(32), nullable=False, index=True),
    Column("author_id", Id, nullable=False),
    Column("co_author_ids", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_version", Integer, nullable=False),
    Column("submitted_version", Integer),
    Column("session_id", Id),
    Column("decided_version", Integer),
    Column("adopted_session_id", Id),
    Column("adopted_on", Date),
    Column("endorsement_id", Id),
    Column("endorsement_tally", JSON),
    Column("endorsed_on", Date),
    Column("recipients", JSON),
    Column("published_on", Date),
    Column("drafted_on", Date, nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("last_position", BigInt, nullable=False),
)

proposal_versions = Table(
    "view_proposal_versions", views,
    Column("proposal_id", Id, primary_key=True),
    Column("content_version", Integer, primary_key=True),
    Column("aggregate_version", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(40), nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("title", Text, nullable=False),
    Column("problem", Text, nullable=False),
    Column("recommendation", Text, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("objectives", JSON, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

amendments = Table(
    "view_amendments", views,
    Column("proposal_id", Id, primary_key=True),
    Column("reference", String(100), primary_key=True),
    Column("amender_id", Id, nullable=False),
    Column("field", String(32), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("replaces", Text),
    Column("justification", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("proposed_on", Date, nullable=False),
)

sessions = Table(
    "view_sessions", views,
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("table_code", String(8), nullable=False, index=True),
    Column("quarter", String(8), nullable=False),
    Column("date", Date, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("closed", Boolean, nullable=False, default=False),
    Column("minutes", Text, nullable=False, default=""),
)

agenda_items = Table(
    "view_agenda_items", views,
    Column("session_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("decision", String(32)),
    Column("tally", JSON),
    Column("rule", String(64)),
    Column("quorum", Integer),
    Column("settings_version", Integer),
    Column("decided_on", Date),
)

positions = Table(
    "view_positions", views,
    Column("session_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("member_id", Id, primary_key=True),
    Column("position", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("effective_date", Date, nullable=False),
)

memberships = Table(
    "view_memberships", views,
    Column("table_code", String(8), primary_key=True),
    Column("participant_id", Id, primary_key=True),
    Column("joined_on", Date, nullable=False),
)

representatives = Table(
    "view_representatives", views,
    Column("seat", String(16), primary_key=True),
    Column("term_start", Date, primary_key=True),
    Column("table_code", String(8), nullable=False),
    Column("participant_id", Id, nullable=False),
    Column("term_end", Date, nullable=False),
    Column("vacated_on", Date),
    Column("by_election", Boolean, nullable=False, default=False),
    Column("parity_check", String(16), nullable=False),
    Column("session_id", Id),
)

endorsement_rounds = Table(
    "view_endorsement_rounds", views,
    Column("id", Id, primary_key=True),
    Column("proposal_id", Id, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("outcome", String(16)),
    Column("tally", JSON),
    Column("closed_on", Date),
)

endorsement_votes = Table(
    "view_endorsement_votes", views,
    Column("round_id", Id, primary_key=True),
    Column("seat", String(16), primary_key=True),
    Column("participant_id", Id, nullable=False),
    Column("vote", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("effective_date", Date, nullable=False),
)

un_advice = Table(
    "view_un_advice", views,
    Column("round_id", Id, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("seat", String(16), nullable=False),
    Column("agency", Text, nullable=False),
    Column("advice", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
)

government_responses = Table(
    "view_government_responses", views,
    Column("proposal_id", Id, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("country", String(2), nullable=False),
    Column("status", String(32), nullable=False),
    Column("response", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("responding_entity", Text, nullable=False, default=""),
    Column("response_date", Date, nullable=False),
)

participants = Table(
    "view_participants", views,
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("display_name", Text),
    Column("organisation_id", Id),
    Column("gender", String(32)),
    Column("preferred_language", String(8)),
    Column("erased", Boolean, nullable=False, default=False),
)

organisations = Table(
    "view_organisations", views,
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("name", Text, nullable=False),
    Column("stakeholder_group", String(40), nullable=False),
    Column("country", String(2), nullable=False),
    Column("subregion", String(32), nullable=False),
    Column("languages", JSON, nullable=False),
)

settings = Table(
    "view_settings", views,
    Column("version", Integer, primary_key=True),
    Column("values", JSON, nullable=False),
    Column("effective_date", Date, nullable=False),
)

participation = Table(
    "view_participation", views,
    # Participation statistics (DESIGN.md, "Projections"): how many people (not erased)
    # have each value of each dimension: ``stakeholder_group`` and ``subregion`` (of
    # their organisation), ``language`` (preferred) and ``gender``. Counts only: small
    # counts are suppressed when read (projections.queries.participation).
    Column("dimension", String(32), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("count", Integer, nullable=False),
)

# ---------------------------------------------------------------- rules and cadence (issue 3)
session_openings = Table(
    "view_session_openings", views,
    # Sessions whose meeting was recorded as started (``open_session``); with positions
    # and decisions, this tells whether a session was held (queries.table_activity).
    Column("session_id", Id, primary_key=True),
    Column("opened_on", Date, nullable=False),
)

follow_ups = Table(
    "view_follow_ups", views,
    Column("proposal_id", Id, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("country", String(2), nullable=False),
    Column("progress", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("progress_date", Date, nullable=False),
    Column("recorded_on", Date, nullable=False),
)

un_seats = Table(
    "view_un_seats", views,
    # UN agency seats of the Liaison Table: one row per nomination.
    Column("seat", String(16), primary_key=True),
    Column("nominated_on", Date, primary_key=True),
    Column("position", BigInt, primary_key=True),
    Column("agency", Text, nullable=False),
    Column("focal_point_id", Id),
    Column("consensus_record", Text, nullable=False),
    Column("vacated_on", Date),
)

government_dialogues = Table(
    "view_government_dialogues", views,
    Column("id", Id, primary_key=True),
    Column("period", String(8), nullable=False, unique=True),
    Column("date", Date, nullable=False),
    Column("title", Text, nullable=False),
    Column("governments", JSON, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("facilitator", Text, nullable=False),
)

dialogue_presentations = Table(
    "view_dialogue_presentations", views,
    Column("dialogue_id", Id, primary_key=True),
    Column("proposal_id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("presented_on", Date, nullable=False),
)

ALL_TABLES = [t for t in views.sorted_tables]
