"""How each event changes the read models. One function per event class; every function
is idempotent only together with the tracking position (the runner applies each event once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from domain.deliberation import TableDeliberation
from domain.endorsement import LiaisonEndorsement
from domain.government_dialogue import GovernmentDialogue
from domain.ids import table_code_of
from domain.liaison_table import LiaisonTable
from domain.organisation import Organisation
from domain.participant import Participant
from domain.proposal import Proposal
from domain.settings import MechanismSettings
from domain.working_table import WorkingTable
from projections import models as m

Handler = Callable[[Session, Any, int], None]
HANDLERS: dict[str, Handler] = {}


def topic(aggregate: type, event_name: str) -> str:
    """The stored topic of an aggregate's event, e.g. ``domain.proposal:Proposal.Drafted``."""
    return f"{aggregate.__module__}:{aggregate.__qualname__}.{event_name}"


def on(*topics: str) -> Callable[[Handler], Handler]:
    """Register a handler for the events with these topics."""
    def register(fn: Handler) -> Handler:
        for t in topics:
            HANDLERS[t] = fn
        return fn
    return register


def _pid(e: Any) -> str:
    return str(e.originator_id)


def _touch(s: Session, e: Any, position: int, **values: Any) -> None:
    s.execute(
        update(m.proposals).where(m.proposals.c.id == _pid(e)).values(
            version=e.originator_version, updated_on=e.effective_date, last_position=position, **values,
        )
    )


def _snapshot_version(s: Session, e: Any, kind: str, note: str = "") -> None:
    row = s.execute(select(m.proposals).where(m.proposals.c.id == _pid(e))).mappings().one()
    s.execute(insert(m.proposal_versions).values(
        proposal_id=_pid(e), content_version=row["content_version"], aggregate_version=e.originator_version,
        kind=kind, actor=e.actor, effective_date=e.effective_date, recorded_at=e.timestamp,
        title=row["title"], problem=row["problem"], recommendation=row["recommendation"], rationale=row["rationale"],
        objectives=row["objectives"], targets=row["targets"], note=note,
    ))


# ---------------------------------------------------------------------------- proposals
@on(topic(Proposal, "Drafted"))
def drafted(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.proposals).values(
        id=_pid(e), reference=e.reference, table_code=e.table, title=e.title, problem=e.problem,
        recommendation=e.recommendation, rationale=e.rationale, objectives=list(e.objectives), targets=list(e.targets),
        language=e.language, source=e.source, status="draft", author_id=e.author, co_author_ids=list(e.co_authors),
        version=e.originator_version, content_version=1, drafted_on=e.effective_date, updated_on=e.effective_date,
        last_position=position,
    ))
    _snapshot_version(s, e, "drafted")


@on(topic(Proposal, "Revised"))
def revised(s: Session, e: Any, position: int) -> None:
    row = s.execute(select(m.proposals.c.content_version).where(m.proposals.c.id == _pid(e))).scalar_one()
    _touch(s, e, position, content_version=row + 1, **{k: v for k, v in e.changes.items()})
    _snapshot_version(s, e, "revised", e.note)


@on(topic(Proposal, "CoAuthorAdded"), topic(Proposal, "CoAuthorRemoved"))
def co_authors_changed(s: Session, e: Any, position: int) -> None:
    current = list(s.execute(select(m.proposals.c.co_author_ids).where(m.proposals.c.id == _pid(e))).scalar_one())
    if type(e).__name__ == "CoAuthorAdded":
        current.append(e.co_author)
    else:
        current = [c for c in current if c != e.co_author]
    _touch(s, e, position, co_author_ids=current)


@on(topic(Proposal, "AmendmentProposed"))
def amendment_proposed(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.amendments).values(
        proposal_id=_pid(e), reference=e.amendment, amender_id=e.amender, field=e.field, operation=e.operation,
        text=e.text, replaces=e.replaces, justification=e.justification, status="pending", proposed_on=e.effective_date,
    ))
    _touch(s, e, position)


def _amendment_status(s: Session, e: Any, status: str, reason: str = "") -> None:
    s.execute(update(m.amendments).where(
        m.amendments.c.proposal_id == _pid(e), m.amendments.c.reference == e.amendment,
    ).values(status=status, reason=reason))


@on(topic(Proposal, "AmendmentAccepted"))
def amendment_accepted(s: Session, e: Any, position: int) -> None:
    _amendment_status(s, e, "accepted")
    row = s.execute(select(m.proposals.c.content_version, m.proposals.c.co_author_ids, m.proposals.c.author_id).where(m.proposals.c.id == _pid(e))).one()
    amender = s.execute(select(m.amendments.c.amender_id).where(
        m.amendments.c.proposal_id == _pid(e), m.amendments.c.reference == e.amendment)).scalar_one()
    co = list(row.co_author_ids)
    if amender not in co and amender != row.author_id:
        co.append(amender)
    _touch(s, e, position, content_version=row.content_version + 1, co_author_ids=co, **{e.field: e.merged_text})
    _snapshot_version(s, e, "amendment_accepted", e.amendment)


@on(topic(Proposal, "AmendmentRejected"))
def amendment_rejected(s: Session, e: Any, position: int) -> None:
    _amendment_status(s, e, "rejected", e.reason)
    _touch(s, e, position)


@on(topic(Proposal, "AmendmentWithdrawn"))
def amendment_withdrawn(s: Session, e: Any, position: int) -> None:
    _amendment_status(s, e, "withdrawn")
    _touch(s, e, position)


@on(topic(Proposal, "Submitted"))
def submitted(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="submitted", submitted_version=e.version)


@on(topic(Proposal, "Withdrawn"))
def withdrawn(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="withdrawn")


@on(topic(Proposal, "PutOnAgenda"))
def put_on_agenda(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="on_agenda", session_id=e.session_id)


@on(topic(Proposal, "Adopted"))
def adopted(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="adopted", decided_version=e.version, adopted_session_id=e.session_id, adopted_on=e.effective_date)


@on(topic(Proposal, "ReturnedForRevision"))
def returned(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="returned_for_revision", decided_version=e.version, session_id=None)


@on(topic(Proposal, "Rejected"))
def rejected(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="rejected", decided_version=e.version)


@on(topic(Proposal, "PutToLiaisonTable"))
def put_to_liaison(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="under_liaison_review", endorsement_id=e.endorsement_id)


@on(topic(Proposal, "Endorsed"), topic(Proposal, "NotEndorsed"))
def liaison_outcome(s: Session, e: Any, position: int) -> None:
    endorsed = type(e).__name__ == "Endorsed"
    _touch(s, e, position, status="endorsed" if endorsed else "not_endorsed", endorsement_tally=dict(e.tally),
           endorsed_on=e.effective_date if endorsed else None)


@on(topic(Proposal, "PublishedToGovernments"))
def published(s: Session, e: Any, position: int) -> None:
    _touch(s, e, position, status="published", recipients=list(e.recipients), published_on=e.effective_date)


@on(topic(Proposal, "GovernmentResponseRecorded"))
def government_response(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.government_responses).values(
        proposal_id=_pid(e), position=position, country=e.country, status=e.status, response=e.response,
        language=e.language, responding_entity=e.responding_entity, response_date=e.response_date,
    ))
    _touch(s, e, position)


# ---------------------------------------------------------------------------- sessions
@on(topic(TableDeliberation, "Scheduled"))
def scheduled(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.sessions).values(
        id=_pid(e), reference=e.reference, table_code=e.table, quarter=e.quarter, date=e.date, mode=e.mode, closed=False, minutes="",
    ))


@on(topic(TableDeliberation, "AgendaItemAdded"))
def agenda_item(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.agenda_items).values(session_id=_pid(e), proposal_id=e.proposal_id, version=e.version))


@on(topic(TableDeliberation, "PositionRecorded"))
def position_recorded(s: Session, e: Any, position: int) -> None:
    key = (m.positions.c.session_id == _pid(e), m.positions.c.proposal_id == e.proposal_id, m.positions.c.member_id == e.member)
    s.execute(delete(m.positions).where(*key))
    s.execute(insert(m.positions).values(
        session_id=_pid(e), proposal_id=e.proposal_id, member_id=e.member, position=e.position, reason=e.reason,
        effective_date=e.effective_date,
    ))


@on(topic(TableDeliberation, "DecisionRecorded"))
def decision_recorded(s: Session, e: Any, position: int) -> None:
    s.execute(update(m.agenda_items).where(
        m.agenda_items.c.session_id == _pid(e), m.agenda_items.c.proposal_id == e.proposal_id,
    ).values(decision=e.decision, tally=dict(e.tally), rule=e.rule, quorum=e.quorum, settings_version=e.settings_version, decided_on=e.effective_date))


@on(topic(TableDeliberation, "Closed"))
def session_closed(s: Session, e: Any, position: int) -> None:
    s.execute(update(m.sessions).where(m.sessions.c.id == _pid(e)).values(closed=True, minutes=e.minutes))


# ---------------------------------------------------------------------------- tables and seats
@on(topic(WorkingTable, "Registered"))
def table_registered(s: Session, e: Any, position: int) -> None:
    pass


@on(topic(WorkingTable, "MemberJoined"))
def member_joined(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.memberships).values(table_code=_table_code(s, e), participant_id=e.participant, joined_on=e.effective_date))


@on(topic(WorkingTable, "MemberLeft"))
def member_left(s: Session, e: Any, position: int) -> None:
    s.execute(delete(m.memberships).where(m.memberships.c.table_code == _table_code(s, e), m.memberships.c.participant_id == e.participant))


def _table_code(s: Session, e: Any) -> str:
    return table_code_of(e.originator_id)


@on(topic(WorkingTable, "RepresentativeElected"))
def representative_elected(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.representatives).values(
        seat=e.seat, term_start=e.term_start, table_code=_table_code(s, e), participant_id=e.participant, term_end=e.term_end,
        by_election=e.by_election, parity_check=e.parity_check, session_id=e.session_id,
    ))


@on(topic(WorkingTable, "SeatVacated"))
def seat_vacated(s: Session, e: Any, position: int) -> None:
    if getattr(e, "term_start", None) is not None:  # version 2: names the term (it may not have started)
        term = (m.representatives.c.seat == e.seat, m.representatives.c.term_start == e.term_start, m.representatives.c.vacated_on.is_(None))
        if e.effective_date <= e.term_start:
            # Vacated before its first day: never served, and a by-election may start that same day.
            s.execute(delete(m.representatives).where(*term))
        else:
            s.execute(update(m.representatives).where(*term).values(vacated_on=e.effective_date))
        return
    s.execute(update(m.representatives).where(
        m.representatives.c.seat == e.seat, m.representatives.c.participant_id == e.participant,
        m.representatives.c.vacated_on.is_(None), m.representatives.c.term_start <= e.effective_date,
        m.representatives.c.term_end >= e.effective_date,
    ).values(vacated_on=e.effective_date))


# ---------------------------------------------------------------------------- Liaison Table
@on(topic(LiaisonEndorsement, "Opened"))
def round_opened(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.endorsement_rounds).values(
        id=_pid(e), proposal_id=e.proposal_id, version=e.version, opened_on=e.effective_date, closes_on=e.closes_on,
    ))


@on(topic(LiaisonEndorsement, "VoteRecorded"))
def vote_recorded(s: Session, e: Any, position: int) -> None:
    s.execute(delete(m.endorsement_votes).where(m.endorsement_votes.c.round_id == _pid(e), m.endorsement_votes.c.seat == e.seat))
    s.execute(insert(m.endorsement_votes).values(
        round_id=_pid(e), seat=e.seat, participant_id=e.participant, vote=e.vote, reason=e.reason, effective_date=e.effective_date,
    ))


@on(topic(LiaisonEndorsement, "UnAdviceRecorded"))
def un_advice(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.un_advice).values(round_id=_pid(e), position=position, seat=e.seat, agency=e.agency, advice=e.advice, effective_date=e.effective_date))


@on(topic(LiaisonEndorsement, "Closed"))
def round_closed(s: Session, e: Any, position: int) -> None:
    s.execute(update(m.endorsement_rounds).where(m.endorsement_rounds.c.id == _pid(e)).values(
        outcome=e.outcome, tally=dict(e.tally), closed_on=e.effective_date,
    ))


# ---------------------------------------------------------------------------- people
@on(topic(Organisation, "Registered"))
def organisation_registered(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.organisations).values(
        id=_pid(e), reference=e.reference, name=e.name, stakeholder_group=e.stakeholder_group, country=e.country,
        subregion=e.subregion, languages=list(e.languages),
    ))


@on(topic(Participant, "Registered"))
def participant_registered(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.participants).values(
        id=_pid(e), reference=e.reference, display_name=e.display_name, organisation_id=e.organisation_id,
        gender=e.gender, preferred_language=e.preferred_language, erased=e.display_name is None,
    ))
    _count(s, _profile(s, _directory_row(s, _pid(e))), +1)


@on(topic(Participant, "DetailsUpdated"))
def participant_updated(s: Session, e: Any, position: int) -> None:
    values = {f: getattr(e, f) for f in ("display_name", "organisation_id", "gender", "preferred_language") if getattr(e, f) is not None}
    if values:
        _count(s, _profile(s, _directory_row(s, _pid(e))), -1)
        s.execute(update(m.participants).where(m.participants.c.id == _pid(e)).values(**values))
        _count(s, _profile(s, _directory_row(s, _pid(e))), +1)


@on(topic(Participant, "PersonalDataErased"))
def participant_erased(s: Session, e: Any, position: int) -> None:
    # Stop counting the person's attributes before they are redacted. A rebuild reads
    # their events redacted (key gone) and never counts them: both end with the same rows.
    _count(s, _profile(s, _directory_row(s, _pid(e))), -1)
    s.execute(update(m.participants).where(m.participants.c.id == _pid(e)).values(
        display_name=None, organisation_id=None, gender=None, preferred_language=None, erased=True,
    ))


def _directory_row(s: Session, participant_id: str) -> Any:
    return s.execute(select(m.participants).where(m.participants.c.id == participant_id)).mappings().first()


def _profile(s: Session, row: Any) -> dict[str, str]:
    """The participation statistics' dimensions of one directory row (none when erased)."""
    if row is None or row["erased"]:
        return {}
    org = None
    if row["organisation_id"]:
        org = s.execute(select(m.organisations.c.stakeholder_group, m.organisations.c.subregion).where(
            m.organisations.c.id == row["organisation_id"])).first()
    return {
        "stakeholder_group": org.stakeholder_group if org else ("unknown" if row["organisation_id"] else "unaffiliated"),
        "subregion": org.subregion if org else "unknown",
        "language": row["preferred_language"] or "unknown",
        "gender": row["gender"] or "unknown",
    }


def _count(s: Session, profile: dict[str, str], delta: int) -> None:
    """Add ``delta`` to each (dimension, value) count; a count reaching 0 is deleted."""
    t = m.participation
    for dimension, value in profile.items():
        key = (t.c.dimension == dimension, t.c.value == value)
        current = s.execute(select(t.c.count).where(*key)).scalar()
        if current is None:
            if delta > 0:
                s.execute(insert(t).values(dimension=dimension, value=value, count=delta))
        elif current + delta <= 0:
            s.execute(delete(t).where(*key))
        else:
            s.execute(update(t).where(*key).values(count=current + delta))


# ---------------------------------------------------------------------------- settings
@on(topic(MechanismSettings, "Defined"))
def settings_defined(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.settings).values(version=e.originator_version, values=dict(e.values), effective_date=e.effective_date))


@on(topic(MechanismSettings, "SettingChanged"))
def setting_changed(s: Session, e: Any, position: int) -> None:
    prev = s.execute(select(m.settings.c["values"]).order_by(m.settings.c.version.desc()).limit(1)).scalar()
    s.execute(insert(m.settings).values(version=e.originator_version, values={**(prev or {}), e.name: e.value}, effective_date=e.effective_date))


# ---------------------------------------------------------------------------- rules and cadence (issue 3)
@on(topic(TableDeliberation, "Opened"))
def session_opened(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.session_openings).values(session_id=_pid(e), opened_on=e.effective_date))


@on(topic(Proposal, "FollowUpRecorded"))
def follow_up_recorded(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.follow_ups).values(
        proposal_id=_pid(e), position=position, country=e.country, progress=e.progress, note=e.note,
        progress_date=e.progress_date, recorded_on=e.effective_date,
    ))
    _touch(s, e, position)


@on(topic(LiaisonTable, "Constituted"))
def liaison_table_constituted(s: Session, e: Any, position: int) -> None:
    pass


@on(topic(LiaisonTable, "UnAgencyNominated"))
def un_agency_nominated(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.un_seats).values(
        seat=e.seat, nominated_on=e.effective_date, position=position, agency=e.agency, focal_point_id=e.focal_point,
        consensus_record=e.consensus_record,
    ))


@on(topic(LiaisonTable, "UnSeatVacated"))
def un_seat_vacated(s: Session, e: Any, position: int) -> None:
    s.execute(update(m.un_seats).where(m.un_seats.c.seat == e.seat, m.un_seats.c.vacated_on.is_(None)).values(vacated_on=e.effective_date))


@on(topic(GovernmentDialogue, "Scheduled"))
def government_dialogue_scheduled(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.government_dialogues).values(
        id=_pid(e), period=e.period, date=e.date, title=e.title, governments=list(e.governments), mode=e.mode, facilitator=e.facilitator,
    ))


@on(topic(GovernmentDialogue, "RecommendationPresented"))
def recommendation_presented(s: Session, e: Any, position: int) -> None:
    s.execute(insert(m.dialogue_presentations).values(
        dialogue_id=_pid(e), proposal_id=e.proposal_id, version=e.version, note=e.note, presented_on=e.effective_date,
    ))
