"""People and participation: the participant directory, the organisations, and the
participation statistics (counts only, small counts suppressed when read).

Personal data: names come from the participant directory; an erased person reads as a
stable pseudonym. Callers decide who may see names (``web`` asks
:mod:`application.access`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Integer,
    String,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.organisation import Organisation
from domain.participant import Participant, pseudonym
from projections.base import Id, Projection, rows, topic

projection = Projection("people", version=1)

view_participants = projection.table(
    "participants",
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("display_name", Text),
    Column("organisation_id", Id),
    Column("gender", String(32)),
    Column("preferred_language", String(8)),
    Column("erased", Boolean, nullable=False, default=False),
)

view_organisations = projection.table(
    "organisations",
    Column("id", Id, primary_key=True),
    Column("reference", String(100), nullable=False, default=""),
    Column("name", Text, nullable=False),
    Column("stakeholder_group", String(40), nullable=False),
    Column("country", String(2), nullable=False),
    Column("subregion", String(32), nullable=False),
    Column("languages", JSON, nullable=False),
)

view_participation = projection.table(
    "participation",
    # Participation statistics (docs/design.md, "Projections"): how many people (not
    # erased) have each value of each dimension: ``stakeholder_group`` and ``subregion``
    # (of their organisation), ``language`` (preferred) and ``gender``. Counts only:
    # small counts are suppressed when read (:func:`participation`).
    Column("dimension", String(32), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("count", Integer, nullable=False),
)


# ---------------------------------------------------------------------------- handlers
def _pid(e: Any) -> str:
    return str(e.originator_id)


@projection.on(topic(Organisation, "Registered"))
def organisation_registered(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_organisations).values(
        id=_pid(e), reference=e.reference, name=e.name, stakeholder_group=e.stakeholder_group, country=e.country,
        subregion=e.subregion, languages=list(e.languages),
    ))


@projection.on(topic(Participant, "Registered"))
def participant_registered(s: Session, e: Any, position: int) -> None:
    s.execute(insert(view_participants).values(
        id=_pid(e), reference=e.reference, display_name=e.display_name, organisation_id=e.organisation_id,
        gender=e.gender, preferred_language=e.preferred_language, erased=e.display_name is None,
    ))
    _count(s, _profile(s, _directory_row(s, _pid(e))), +1)


@projection.on(topic(Participant, "DetailsUpdated"))
def participant_updated(s: Session, e: Any, position: int) -> None:
    values = {f: getattr(e, f) for f in ("display_name", "organisation_id", "gender", "preferred_language") if getattr(e, f) is not None}
    if values:
        _count(s, _profile(s, _directory_row(s, _pid(e))), -1)
        s.execute(update(view_participants).where(view_participants.c.id == _pid(e)).values(**values))
        _count(s, _profile(s, _directory_row(s, _pid(e))), +1)


@projection.on(topic(Participant, "PersonalDataErased"))
def participant_erased(s: Session, e: Any, position: int) -> None:
    # Stop counting the person's attributes before they are redacted. A rebuild reads
    # their events redacted (key gone) and never counts them: both end with the same rows.
    _count(s, _profile(s, _directory_row(s, _pid(e))), -1)
    s.execute(update(view_participants).where(view_participants.c.id == _pid(e)).values(
        display_name=None, organisation_id=None, gender=None, preferred_language=None, erased=True,
    ))


def _directory_row(s: Session, participant_id: str) -> Any:
    return s.execute(select(view_participants).where(view_participants.c.id == participant_id)).mappings().first()


def _profile(s: Session, row: Any) -> dict[str, str]:
    """The participation statistics' dimensions of one directory row (none when erased)."""
    if row is None or row["erased"]:
        return {}
    org = None
    if row["organisation_id"]:
        o = view_organisations
        org = s.execute(select(o.c.stakeholder_group, o.c.subregion).where(o.c.id == row["organisation_id"])).first()
    return {
        "stakeholder_group": org.stakeholder_group if org else ("unknown" if row["organisation_id"] else "unaffiliated"),
        "subregion": org.subregion if org else "unknown",
        "language": row["preferred_language"] or "unknown",
        "gender": row["gender"] or "unknown",
    }


def _count(s: Session, profile: dict[str, str], delta: int) -> None:
    """Add ``delta`` to each (dimension, value) count; a count reaching 0 is deleted."""
    t = view_participation
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


# ---------------------------------------------------------------------------- queries
def directory(engine: Engine) -> dict[str, dict[str, Any]]:
    """Participant id → ``{reference, name, erased}``; erased people get their pseudonym."""
    p = view_participants
    out = {}
    for r in rows(engine, select(p.c.id, p.c.reference, p.c.display_name, p.c.erased)):
        out[r["id"]] = {
            "reference": r["reference"],
            "name": pseudonym(r["id"]) if r["erased"] or not r["display_name"] else r["display_name"],
            "erased": bool(r["erased"]),
        }
    return out


def participants(engine: Engine) -> list[dict[str, Any]]:
    """The directory as a list ordered by reference (names resolved, erased pseudonymised)."""
    d = directory(engine)
    return sorted(({"id": k, **v} for k, v in d.items()), key=lambda r: (r["reference"], r["name"]))


def organisations(engine: Engine) -> list[dict[str, Any]]:
    return rows(engine, select(view_organisations).order_by(view_organisations.c.name))


SMALL_COUNT = 5
PARTICIPATION_DIMENSIONS = ("stakeholder_group", "subregion", "language", "gender")


def suppress_small_counts(cells: list[tuple[str, int]], threshold: int = SMALL_COUNT) -> list[dict[str, Any]]:
    """The cells of one dimension (``[(value, count)]``) as published.

    A count below ``threshold`` reads ``"<5"`` (for the default threshold); when exactly
    one cell is that small, the smallest other cell reads ``"suppressed"``, so the small
    one cannot be derived from the total. Shown counts come first, largest first (ties
    by value), then the suppressed cells by value. Returns ``[{"value", "count"}]``.
    """
    ordered = sorted(cells, key=lambda c: (-c[1], c[0]))
    hidden = {v: f"<{threshold}" for v, n in ordered if n < threshold}
    shown = [(v, n) for v, n in ordered if v not in hidden]
    if len(hidden) == 1 and shown:
        hidden[shown[-1][0]] = "suppressed"
        shown = shown[:-1]
    return [{"value": v, "count": n} for v, n in shown] + [{"value": v, "count": hidden[v]} for v in sorted(hidden)]


def participation(engine: Engine, *, threshold: int = SMALL_COUNT) -> dict[str, Any]:
    """Participation statistics for anyone to read: counts of people (erased people are
    not counted) by stakeholder group and subregion of their organisation, preferred
    language and gender (docs/design.md, "Projections": small counts suppressed so that
    no person can be singled out; :func:`suppress_small_counts`).

    Returns ``{"threshold": 5, "total": int | "<5", "dimensions": {dimension: [{"value":
    str, "count": int | "<5" | "suppressed"}]}}`` with the dimensions
    ``stakeholder_group``, ``subregion``, ``language`` and ``gender``.
    """
    t = view_participation
    found = rows(engine, select(t.c.dimension, t.c.value, t.c.count))
    total = sum(r["count"] for r in found if r["dimension"] == "gender")
    dimensions = {
        d: suppress_small_counts([(r["value"], int(r["count"])) for r in found if r["dimension"] == d], threshold)
        for d in PARTICIPATION_DIMENSIONS
    }
    return {"threshold": threshold, "total": total if total >= threshold else f"<{threshold}", "dimensions": dimensions}
