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
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from domain.organisation import Organisation
from domain.participant import Participant, pseudonym
from projections.base import Id, Projection, rows, topic
from projections.batch import batch_state
from projections.statements import insert_row

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
    insert_row(
        s, view_organisations,
        id=_pid(e), reference=e.reference, name=e.name, stakeholder_group=e.stakeholder_group, country=e.country,
        subregion=e.subregion, languages=list(e.languages),
    )
    _counts(s).organisations[_pid(e)] = (e.stakeholder_group, e.subregion)


@projection.on(topic(Participant, "Registered"))
def participant_registered(s: Session, e: Any, position: int) -> None:
    insert_row(
        s, view_participants,
        id=_pid(e), reference=e.reference, display_name=e.display_name, organisation_id=e.organisation_id,
        gender=e.gender, preferred_language=e.preferred_language, erased=e.display_name is None,
    )
    counts = _counts(s)
    counts.people[_pid(e)] = {
        "organisation_id": e.organisation_id, "gender": e.gender, "preferred_language": e.preferred_language,
        "erased": e.display_name is None,
    }
    counts.add(s, _pid(e), +1)


@projection.on(topic(Participant, "DetailsUpdated"))
def participant_updated(s: Session, e: Any, position: int) -> None:
    values = {f: getattr(e, f) for f in ("display_name", "organisation_id", "gender", "preferred_language") if getattr(e, f) is not None}
    if values:
        counts = _counts(s)
        counts.add(s, _pid(e), -1)
        s.execute(update(view_participants).where(view_participants.c.id == _pid(e)).values(**values))
        person = counts.person(s, _pid(e))
        if person is not None:
            person.update({k: v for k, v in values.items() if k in person})
        counts.add(s, _pid(e), +1)


@projection.on(topic(Participant, "PersonalDataErased"))
def participant_erased(s: Session, e: Any, position: int) -> None:
    # Stop counting the person's attributes before they are redacted. A rebuild reads
    # their events redacted (key gone) and never counts them: both end with the same rows.
    counts = _counts(s)
    counts.add(s, _pid(e), -1)
    s.execute(update(view_participants).where(view_participants.c.id == _pid(e)).values(
        display_name=None, organisation_id=None, gender=None, preferred_language=None, erased=True,
    ))
    person = counts.person(s, _pid(e))
    if person is not None:
        person.update(organisation_id=None, gender=None, preferred_language=None, erased=True)


class _Counts:
    """The participation counts of one batch of events, kept in memory (read once, written
    once by :func:`_write_counts`), with the directory rows and organisations they need."""

    def __init__(self, counts: dict[tuple[str, str], int]) -> None:
        self.initial = dict(counts)
        self.counts = counts
        # participant id → its directory row's counted fields (None: no row); org id →
        # (stakeholder group, subregion) (None: no row). Read on first need.
        self.people: dict[str, dict[str, Any] | None] = {}
        self.organisations: dict[str, tuple[str, str] | None] = {}

    def person(self, s: Session, participant_id: str) -> dict[str, Any] | None:
        if participant_id not in self.people:
            p = view_participants
            row = s.execute(
                select(p.c.organisation_id, p.c.gender, p.c.preferred_language, p.c.erased).where(p.c.id == participant_id)
            ).mappings().first()
            self.people[participant_id] = dict(row) if row is not None else None
        return self.people[participant_id]

    def organisation(self, s: Session, organisation_id: str) -> tuple[str, str] | None:
        if organisation_id not in self.organisations:
            o = view_organisations
            row = s.execute(select(o.c.stakeholder_group, o.c.subregion).where(o.c.id == organisation_id)).first()
            self.organisations[organisation_id] = (str(row[0]), str(row[1])) if row is not None else None
        return self.organisations[organisation_id]

    def profile(self, s: Session, participant_id: str) -> dict[str, str]:
        """The participation statistics' dimensions of one person (none when erased or unknown)."""
        row = self.person(s, participant_id)
        if row is None or row["erased"]:
            return {}
        org = self.organisation(s, row["organisation_id"]) if row["organisation_id"] else None
        return {
            "stakeholder_group": org[0] if org else ("unknown" if row["organisation_id"] else "unaffiliated"),
            "subregion": org[1] if org else "unknown",
            "language": row["preferred_language"] or "unknown",
            "gender": row["gender"] or "unknown",
        }

    def add(self, s: Session, participant_id: str, delta: int) -> None:
        """Add ``delta`` to each (dimension, value) count of the person; a count reaching 0
        is removed, and a count never starts below 1."""
        for key in self.profile(s, participant_id).items():
            current = self.counts.get(key)
            if current is None:
                if delta > 0:
                    self.counts[key] = delta
            elif current + delta <= 0:
                del self.counts[key]
            else:
                self.counts[key] = current + delta


def _load_counts(s: Session) -> _Counts:
    t = view_participation
    return _Counts({(str(d), str(v)): int(n) for d, v, n in s.execute(select(t.c.dimension, t.c.value, t.c.count))})


_t = view_participation
_INSERT_COUNT = insert(_t).values(dimension=bindparam("d"), value=bindparam("v"), count=bindparam("n"))
_UPDATE_COUNT = update(_t).where(_t.c.dimension == bindparam("d"), _t.c.value == bindparam("v")).values(count=bindparam("n"))
_DELETE_COUNT = delete(_t).where(_t.c.dimension == bindparam("d"), _t.c.value == bindparam("v"))


def _write_counts(s: Session, state: _Counts) -> None:
    """The counts that changed in the batch, in at most three statements (``executemany``)."""
    before, after = state.initial, state.counts
    for statement, keys in (
        (_DELETE_COUNT, [k for k in before if k not in after]),
        (_UPDATE_COUNT, [k for k in after if k in before and after[k] != before[k]]),
        (_INSERT_COUNT, [k for k in after if k not in before]),
    ):
        if keys:
            s.connection().execute(statement, [{"d": d, "v": v, "n": after.get((d, v), 0)} for d, v in keys])


def _counts(s: Session) -> _Counts:
    return batch_state(s, "people.participation", _load_counts, _write_counts)


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
