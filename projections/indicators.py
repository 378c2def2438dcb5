"""The cross-cutting commission, its indicators and their measurements (issue 19, "The
commission"): the commission's page (its reference, date and members), what each
recommendation's page shows and the open data exports. Indicators and measurements name no
person; the members are ids, named by the pages only to those who see names.

Version 2 added the commission and its members. Version 3 added
``view_indicator_recommendations`` (recommendation → indicators, indexed by recommendation):
a recommendation's page reads its own indicators instead of every indicator.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Engine,
    Float,
    String,
    Text,
    bindparam,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Session

from domain.commission import Commission, Indicator
from projections.base import Id, Projection, is_id, rows, topic

projection = Projection("indicators", version=3)

view_commission = projection.table(
    "commission",
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False),
    Column("established_on", Date, nullable=False),
)

view_commission_members = projection.table(
    "commission_members",
    Column("participant_id", Id, primary_key=True),
    Column("appointed_on", Date, nullable=False),
)

view_indicators = projection.table(
    "indicators",
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False),
    Column("recommendations", JSON, nullable=False),
    Column("name", Text, nullable=False),
    Column("definition", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("baseline", Float, nullable=False),
    Column("baseline_date", Date, nullable=False),
    Column("target", Float, nullable=False),
    Column("target_date", Date, nullable=False),
    Column("disaggregation", JSON, nullable=False),
    Column("states", JSON, nullable=False),
    Column("defined_on", Date, nullable=False),
)

# One row per indicator and recommendation it follows (the indicator's ``recommendations``).
view_indicator_recommendations = projection.table(
    "indicator_recommendations",
    Column("proposal_id", Id, primary_key=True),
    Column("indicator_id", Id, primary_key=True),
)

view_measurements = projection.table(
    "measurements",
    Column("indicator_id", Id, primary_key=True),
    Column("state", String(2), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("value", Float, nullable=False),
    Column("disaggregation", JSON, nullable=False),
    Column("source_title", Text, nullable=False),
    Column("source_url", Text, nullable=False),
    Column("recorded_on", Date, nullable=False),
)


@projection.on(topic(Commission, "Established"))
def established(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_commission).values(id=str(e.originator_id), reference=e.reference, established_on=e.effective_date))
    for member in e.members:
        s.execute(insert(view_commission_members).values(participant_id=str(member), appointed_on=e.effective_date))


@projection.on(topic(Commission, "MemberAppointed"))
def member_appointed(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_commission_members).values(participant_id=str(e.participant_id), appointed_on=e.effective_date))


@projection.on(topic(Indicator, "Defined"))
def defined(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_indicators).values(
        id=str(e.originator_id), reference=e.reference, recommendations=list(e.recommendations), name=e.name,
        definition=e.definition, unit=e.unit, baseline=e.baseline, baseline_date=e.baseline_date, target=e.target,
        target_date=e.target_date, disaggregation=list(e.disaggregation), states=list(e.states), defined_on=e.effective_date,
    ))
    links = [{"proposal_id": str(p), "indicator_id": str(e.originator_id)} for p in dict.fromkeys(e.recommendations)]
    if links:
        s.execute(insert(view_indicator_recommendations), links)


@projection.on(topic(Indicator, "MeasurementRecorded"))
def measured(s: Session, e: Any, position: int) -> None:
    m = view_measurements
    iid = str(e.originator_id)
    s.execute(delete(m).where(m.c.indicator_id == iid, m.c.state == e.state, m.c.period == e.period))
    s.execute(insert(m).values(
        indicator_id=iid, state=e.state, period=e.period, value=e.value, disaggregation=dict(e.disaggregation),
        source_title=e.source["title"], source_url=e.source["url"], recorded_on=e.effective_date,
    ))


PROGRESS_BOUND = 10_000  # per cent: a progress beyond it shows as the bound


def progress(value: float, baseline: float, target: float) -> int:
    """How far ``value`` has gone from the baseline toward the target, in whole percent
    (negative when it moved away; above 100 when it passed the target), within
    ±:data:`PROGRESS_BOUND`. Computed exactly: huge values typed by a member neither
    overflow nor break the recommendation's page and chart."""
    if target == baseline:
        return 0
    share = 100 * (Fraction(value) - Fraction(baseline)) / (Fraction(target) - Fraction(baseline))
    return round(max(Fraction(-PROGRESS_BOUND), min(Fraction(PROGRESS_BOUND), share)))


def commission(engine: Engine) -> dict[str, Any] | None:
    """The commission (``reference``, ``established_on``) with its ``members`` (participant
    ids and ``appointed_on``, in the order appointed); None before it is established."""
    found = rows(engine, select(view_commission))
    if not found:
        return None
    m = view_commission_members
    return {**found[0], "members": rows(engine, select(m).order_by(m.c.appointed_on, m.c.participant_id))}


def is_member(engine: Engine, participant_id: str | None) -> bool:
    """Whether ``participant_id`` is a member of the commission."""
    m = view_commission_members
    return bool(participant_id) and bool(rows(engine, select(m.c.participant_id).where(m.c.participant_id == participant_id)))


# Built once (bound parameters): every recommendation's page reads them.
_INDICATORS = select(view_indicators).order_by(view_indicators.c.reference)
_MEASUREMENTS = select(view_measurements).order_by(view_measurements.c.indicator_id, view_measurements.c.state, view_measurements.c.period)
_INDICATOR = select(view_indicators).where(view_indicators.c.id == bindparam("indicator_id"))
_MEASUREMENTS_OF = _MEASUREMENTS.where(view_measurements.c.indicator_id == bindparam("indicator_id"))


def indicators(engine: Engine) -> list[dict[str, Any]]:
    """Every indicator, by reference."""
    return rows(engine, _INDICATORS)


def indicator(engine: Engine, indicator_id: str) -> dict[str, Any] | None:
    """One indicator; None for an unknown id or one that is not an id."""
    if not is_id(indicator_id):
        return None
    found = rows(engine, _INDICATOR, {"indicator_id": indicator_id})
    return found[0] if found else None


def measurements(engine: Engine, indicator_id: str | None = None) -> list[dict[str, Any]]:
    """The measurements (the latest of each state and period), by indicator, state and period."""
    if indicator_id is None:
        return rows(engine, _MEASUREMENTS)
    if not is_id(indicator_id):
        return []
    return rows(engine, _MEASUREMENTS_OF, {"indicator_id": indicator_id})


_OF_RECOMMENDATION = (
    select(view_indicators)
    .join(view_indicator_recommendations, view_indicator_recommendations.c.indicator_id == view_indicators.c.id)
    .where(view_indicator_recommendations.c.proposal_id == bindparam("proposal_id"))
    .order_by(view_indicators.c.reference)
)
_MEASUREMENTS_OF_ANY = _MEASUREMENTS.where(view_measurements.c.indicator_id.in_(bindparam("indicator_ids", expanding=True)))


def of_recommendation(engine: Engine, proposal_id: str) -> list[dict[str, Any]]:
    """The indicators following a recommendation, each with its measurements and, per state
    it covers, the latest period's value and its progress toward the target. Two statements
    at most (its indicators, through the index by recommendation, then their measurements)."""
    with engine.connect() as c:
        found = [dict(r) for r in c.execute(_OF_RECOMMENDATION, {"proposal_id": proposal_id}).mappings()]
        if not found:
            return []
        by_indicator: dict[str, list[dict[str, Any]]] = {i["id"]: [] for i in found}
        for r in c.execute(_MEASUREMENTS_OF_ANY, {"indicator_ids": list(by_indicator)}).mappings():
            by_indicator[r["indicator_id"]].append(dict(r))
    out = []
    for i in found:
        measured = by_indicator[i["id"]]
        latest = {}
        for m in measured:  # ordered by period: the last one of a state wins
            latest[m["state"]] = {**m, "progress": progress(m["value"], i["baseline"], i["target"])}
        out.append({**i, "measurements": measured, "latest": [latest.get(s) or {"state": s, "progress": None} for s in i["states"]]})
    return out
