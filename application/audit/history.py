"""Every aggregate's history, its state at a version, instant or effective date, and
word-level diffs of a proposal's text, as plain data.

History and state go through the application's mapper: personal fields are decrypted
where the participant's key exists and read ``None`` once erased (shown ``[erased]``).
Viewers who are not auditors see ``[redacted]`` instead of personal fields and instead of
who took which position in a table session.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import TopicError
from sqlalchemy import func, select

from application.audit.diff import FieldDiff, unified_word_diff, word_diff
from application.audit.log import (
    events_table,
    read_log,
    stored_state_view,
    stored_timestamp,
    type_of,
)
from application.chain import GENESIS
from application.persistence import chain_table
from application.snapshot_check import replay
from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.join_request import PERSONAL as JOIN_REQUEST_PERSONAL
from domain.participant import PERSONAL_FIELDS

if TYPE_CHECKING:
    from application.service import DialogueApplication

class UnreadableHistoryError(DomainError):
    """A stored event of the aggregate does not read (tampered bytes, a topic gone): its
    state cannot be replayed. Reported, never hidden; ``dialogue audit verify`` locates it."""

    code = "unreadable_event"


REDACTED = "[redacted]"
ERASED = "[erased]"


def plain(value: Any) -> Any:
    """A value as JSON-ready plain data (UUIDs as text, dates ISO, sets sorted)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "__dict__"):
        return {k: plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)


# Fields hidden from viewers who are not auditors, besides the personal fields of the
# Participant's own events: who took which position in a table session and the reason they
# gave for it (issue 4: positions are shown to table members and auditors only; a reason is
# a political opinion, docs/privacy.md), and who voted for whom in an election
# (issue 19: ballots, as positions, never to the public).
POSITION_TOPIC = "domain.deliberation:TableDeliberation.PositionRecorded"
POSITION_FIELDS = ("member", "reason", "actor")
BALLOT_TOPIC = "domain.election:Election.BallotCast"
BALLOT_FIELDS = ("voter", "choices", "actor")
# Inputs to open calls are public only once moderation accepts them (issue 17, "Open
# calls": "audit pages, API and proofs included"); the log and histories do not say which
# were accepted, so what an input says, and a moderator's reason, show to auditors only (an
# accepted input is public on its call's page).
INPUT_TOPIC = "domain.open_call:OpenCall.InputSubmitted"
MODERATION_TOPIC = "domain.open_call:OpenCall.InputModerated"
# Comments on proposals (issue 17, "Discussion on drafts"): a hidden comment's text shows to
# auditors only, and the log does not say which comments were hidden later, so the text of
# every comment and edit is redacted here (the visible ones are public on the proposal's page).
COMMENT_HIDDEN_TOPIC = "domain.discussion:Discussion.CommentHidden"
COMMENT_TOPICS = ("domain.discussion:Discussion.CommentPosted", "domain.discussion:Discussion.CommentEdited")
# Free text whose audience docs/privacy.md narrows: a decline's reason about someone who
# asked to join (the queue's readers: the table's representatives and the secretariat), and
# the reason of an erasure or of a role's revocation (auditors and administrators: an
# administrator types why a person's role ends).
JOIN_DECISION_TOPIC = "domain.join_request:JoinRequests.RequestDecided"
REVOCATION_TOPIC = "domain.access:Access.AccessRevoked"
ERASURE_TOPICS = (
    "domain.participant:Participant.PersonalDataErased",
    "domain.open_call:OpenCall.ContributorErased",
    "domain.join_request:JoinRequests.RequesterErased",
)
HIDDEN_FIELDS = {
    POSITION_TOPIC: POSITION_FIELDS,
    BALLOT_TOPIC: BALLOT_FIELDS,
    INPUT_TOPIC: ("text", "organisation_name", "contact", "participant"),
    MODERATION_TOPIC: ("reason",),
    **dict.fromkeys(COMMENT_TOPICS, ("text",)),
    JOIN_DECISION_TOPIC: ("reason",),
    **dict.fromkeys(ERASURE_TOPICS, ("reason",)),
    REVOCATION_TOPIC: ("reason",),
}
# Events whose actor is the person whose act is hidden (the member, the voter, the author of
# an input or a comment, the moderator): their actor is hidden in the histories too. Who
# decided a request or recorded an erasure stays shown.
HIDDEN_ACTOR_TOPICS = frozenset({POSITION_TOPIC, BALLOT_TOPIC, INPUT_TOPIC, MODERATION_TOPIC, *COMMENT_TOPICS})


def redact_event_data(topic: str, data: dict[str, Any], personal_fields: Sequence[str] = ()) -> dict[str, Any]:
    """``data`` with what only auditors see replaced by ``[redacted]``."""
    out = dict(data)
    hidden = (*personal_fields, *HIDDEN_FIELDS.get(topic, ()))
    for f in hidden:
        if f in out:
            out[f] = REDACTED
    return out


# A participant's reference (``p-12``) links their events to the scenario and the account
# addresses of a demo: docs/privacy.md shows it to participants, the secretariat and auditors.
# Command ids go with them: the scenario's name the participant (``2026-Q1#setup:p-01``).
REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {"Participant": ("reference",)}
COMMAND_ID = "command_id"


# Command ids that name nobody, shown to everyone: a numbered scenario step (``2026-Q1#411``)
# and a web form's random id (``web:`` and a UUID). Every other kind may name someone
# (``2026-Q1#setup:p-12``, ``api:<account>:<key>``, ``erase:<participant id>``).
_STEP_COMMAND_ID = re.compile(r"[0-9]{4}-Q[1-4]#[0-9]{1,9}")


def public_command_id(command_id: Any) -> bool:
    """Whether a command id names nobody, so the public sees it (and the stored bytes of
    an event that carries it, when nothing else in them is hidden: :func:`public_stored`)."""
    if not isinstance(command_id, str):
        return False
    if _STEP_COMMAND_ID.fullmatch(command_id):
        return True
    if command_id.startswith("web:"):
        try:
            return str(UUID(command_id[4:])) == command_id[4:]
        except ValueError:
            return False
    return False


def redact_references(aggregate_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (an event's or a state's) with participants' references and the command id
    (unless it names nobody: :func:`public_command_id`) replaced by ``[redacted]``."""
    fields = [f for f in REFERENCE_FIELDS.get(aggregate_type, ()) if f in data]
    if COMMAND_ID in data and not public_command_id(data[COMMAND_ID]):
        fields.append(COMMAND_ID)
    return {**data, **dict.fromkeys(fields, REDACTED)} if fields else data


def public_stored(topic: str, state: bytes) -> bool:
    """Whether an event's exact stored bytes may go to the public: they hold no personal
    field (sealed or not) and the public's redaction (:func:`redact_event_data`,
    :func:`redact_references`) would change nothing in them. The same rule as the redacted
    views, so an outsider can hash these bytes against the log's leaf (docs/audit.md, 3c)."""
    try:
        data = json.loads(state)
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict) or "personal" in data:
        return False
    return redact_event_data(topic, data) == data and redact_references(type_of(topic)[0], data) == data


def redact_state(aggregate_type: str, state: dict[str, Any], hidden_comments: Collection[str] = ()) -> dict[str, Any]:
    """An aggregate's plain state with personal data and who-took-which-position hidden.
    ``hidden_comments``: the comments of a discussion hidden at any version (a state of an
    earlier version, before the hiding, shows their text no more than the latest)."""
    out = dict(state)
    if aggregate_type == "Participant":
        for f in PERSONAL_FIELDS:
            if f in out:
                out[f] = REDACTED
    if aggregate_type == "OpenCall" and isinstance(out.get("inputs"), dict):
        inputs = {}
        for iid, item in out["inputs"].items():
            item = {**item, "contact": REDACTED}
            if item.get("status") != "accepted":
                item.update(dict.fromkeys(("text", "organisation_name", "participant"), REDACTED))
            inputs[iid] = item
        out["inputs"] = inputs
    if aggregate_type == "JoinRequests" and isinstance(out.get("requests"), dict):
        # the requester's sealed fields (issue 17: personal data of someone without an account)
        out["requests"] = {rid: {**item, **dict.fromkeys([f for f in JOIN_REQUEST_PERSONAL if f in item], REDACTED)} for rid, item in out["requests"].items()}
    if aggregate_type == "Discussion" and isinstance(out.get("comments"), dict):
        out["comments"] = {
            cid: {**c, "text": REDACTED, "history": REDACTED} if c.get("hidden") or cid in hidden_comments else c
            for cid, c in out["comments"].items()
        }
    if aggregate_type == "TableDeliberation" and isinstance(out.get("agenda"), dict):
        agenda = {}
        for pid, item in out["agenda"].items():
            item = dict(item)
            positions = item.pop("positions", {}) or {}
            item["positions"] = REDACTED
            item["position_counts"] = {p: sum(1 for v in positions.values() if v == p) for p in ("support", "object", "abstain")}
            agenda[pid] = item
        out["agenda"] = agenda
    if aggregate_type == "Election" and "ballots" in out:
        out["ballots"] = REDACTED  # who voted for whom (issue 19); the result stays public
    return out


@dataclass
class HistoryEvent:
    """One event of an aggregate's history, as plain data."""

    position: int
    version: int
    topic: str
    type: str
    class_version: int
    recorded_at: datetime | None
    effective_date: date | None
    actor: str | None
    command_id: str | None
    data: dict[str, Any]
    personal: str = "none"  # none | decrypted | redacted | erased

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position, "version": self.version, "type": self.type, "topic": self.topic,
            "class_version": self.class_version,
            "recorded_at": plain(self.recorded_at), "effective_date": plain(self.effective_date),
            "actor": self.actor, "command_id": self.command_id, "personal": self.personal, "data": self.data,
        }


@dataclass
class AggregateHistory:
    id: str
    type: str
    events: list[HistoryEvent] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.events[-1].version if self.events else 0

    def version_at(self, *, at: datetime | None = None, as_of: date | None = None) -> int:
        """The last version of the prefix of events recorded at or before ``at`` / with an
        effective date on or before ``as_of`` (0 when the first is later)."""
        v = 0
        for e in self.events:
            if at is not None and (e.recorded_at is None or e.recorded_at > at):
                break
            if as_of is not None and e.effective_date is not None and e.effective_date > as_of:
                break
            v = e.version
        return v


@dataclass
class StateAtPoint:
    id: str
    type: str
    version: int
    latest_version: int
    point: dict[str, Any]
    state: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "version": self.version, "latest_version": self.latest_version, "point": self.point, "state": self.state}


PROPOSAL_TEXT_FIELDS = ("title", "problem", "recommendation", "rationale")


class AuditReader:
    """Reads for auditors over one application's event store: aggregate histories, state
    at a version, recorded instant or effective date, text diffs, the paged log.

    ``reveal_personal``: auditors see personal fields (decrypted where the key still
    exists, ``[erased]`` after an erasure); everyone else sees ``[redacted]``.
    ``reveal_references`` (default: as ``reveal_personal``): participants' references
    (``p-12``) shown, for participants, the secretariat and auditors; ``[redacted]`` otherwise.
    """

    def __init__(self, app: DialogueApplication) -> None:
        self.app = app
        self.engine = app.engine

    # ------------------------------------------------------------------ aggregates
    def _uuid(self, aggregate_id: str | UUID) -> UUID:
        try:
            return aggregate_id if isinstance(aggregate_id, UUID) else UUID(str(aggregate_id))
        except ValueError as e:
            raise NotFoundError(f"No aggregate with id {aggregate_id!r}: not a valid id.", field="id") from e

    def list_aggregates(self, *, after: int = 0, limit: int = 100, type: str | None = None) -> list[dict[str, Any]]:
        """Aggregates in order of creation: ``{id, type, created_at_position, version}``."""
        e = events_table
        latest = select(e.c.originator_id, func.max(e.c.originator_version).label("version")).group_by(e.c.originator_id).subquery()
        q = (
            select(e.c.id, e.c.originator_id, e.c.topic, latest.c.version)
            .join(latest, latest.c.originator_id == e.c.originator_id)
            .where(e.c.originator_version == 1, e.c.id > after)
            .order_by(e.c.id)
        )
        if type:
            q = q.where(e.c.topic.like(f"%:{type}.%"))
        with self.engine.connect() as c:
            rows = c.execute(q.limit(limit)).all()
        return [{"id": str(r[1]), "type": type_of(r[2])[0], "created_at_position": int(r[0]), "version": int(r[3])} for r in rows]

    def history(self, aggregate_id: str | UUID, *, reveal_personal: bool, reveal_references: bool | None = None) -> AggregateHistory:
        """Every event of one aggregate, oldest first.

        Raises:
            NotFoundError: no aggregate with this id.
        """
        uid = self._uuid(aggregate_id)
        e = events_table
        with self.engine.connect() as c:
            rows = c.execute(
                select(e.c.id, e.c.originator_version, e.c.topic, e.c.state).where(e.c.originator_id == uid).order_by(e.c.originator_version)
            ).all()
        if not rows:
            raise NotFoundError(f"No aggregate with id {uid}.", field="id")
        h = AggregateHistory(id=str(uid), type=type_of(rows[0][2])[0])
        hide_references = not (reveal_personal if reveal_references is None else reveal_references)
        for position, version, topic, state in rows:
            event = self._history_event(uid, int(position), int(version), topic, bytes(state), reveal_personal)
            if hide_references:
                event.data = redact_references(h.type, event.data)
                event.command_id = REDACTED if event.command_id and not public_command_id(event.command_id) else event.command_id
            h.events.append(event)
        return h

    def _history_event(self, uid: UUID, position: int, version: int, topic: str, state: bytes, reveal: bool) -> HistoryEvent:
        try:
            raw = json.loads(state)
            event = self.app.mapper.to_domain_event(StoredEvent(originator_id=uid, originator_version=version, topic=topic, state=state))
        except (ValueError, TypeError, KeyError, AttributeError, TopicError) as e:
            # A stored event that no longer reads (tampered bytes, a topic gone): shown as
            # such, never hidden and never a crash; `dialogue audit verify` says more.
            return HistoryEvent(
                position=position, version=version, topic=topic, type=type_of(topic)[1], class_version=0,
                recorded_at=stored_timestamp(state), effective_date=None, actor=None, command_id=None,
                data={"[unreadable]": f"{type(e).__name__}: the stored event does not read"}, personal="none",
            )
        values = dict(vars(event))
        for k in ("originator_id", "originator_version", "timestamp", "originator_topic", "actor", "effective_date", "command_id"):
            values.pop(k, None)
        personal_fields: tuple[str, ...] = tuple(getattr(type(event), "personal_fields", ()))
        personal = "none"
        data = {k: plain(v) for k, v in values.items()}
        if personal_fields and "personal" in raw:
            erased = all(getattr(event, f, None) is None for f in personal_fields)
            personal = "erased" if erased else "decrypted"
            if erased:
                data.update({f: ERASED for f in personal_fields})
        if not reveal:
            data = redact_event_data(topic, data, personal_fields)
            if personal != "none":
                personal = "redacted"
        actor = getattr(event, "actor", None)
        if not reveal and topic in HIDDEN_ACTOR_TOPICS:
            actor = REDACTED
        return HistoryEvent(
            position=position, version=version, topic=topic, type=type_of(topic)[1],
            class_version=int(raw.get("class_version", 1)) if isinstance(raw, dict) else 1,
            recorded_at=getattr(event, "timestamp", None), effective_date=getattr(event, "effective_date", None),
            actor=actor, command_id=getattr(event, "command_id", None), data=data, personal=personal,
        )

    # ------------------------------------------------------------------ state at a point
    def state(
        self, aggregate_id: str | UUID, *, version: int | None = None, at: datetime | None = None, as_of: date | None = None,
        reveal_personal: bool, reveal_references: bool | None = None,
    ) -> StateAtPoint:
        """The aggregate replayed up to a version, a recorded instant (``at``, UTC when
        naive) or an effective date (``as_of``); the latest version when none is given.

        Raises:
            InvalidInputError: more than one point given (``one_point_only``).
            NotFoundError: unknown id, a version outside 1..latest, or a point before the
            aggregate's first event.
            UnreadableHistoryError: an event up to that point does not read.
        """
        if sum(x is not None for x in (version, at, as_of)) > 1:
            raise InvalidInputError("Give one of version, at or as_of.", code="one_point_only")
        h = self.history(aggregate_id, reveal_personal=True)
        point: dict[str, Any]
        if version is not None:
            if not 1 <= version <= h.version:
                raise NotFoundError(f"Aggregate {h.id} has versions 1 to {h.version}; there is no version {version}.", field="version", limit=h.version)
            v, point = version, {"version": version}
        elif at is not None:
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            v, point = h.version_at(at=at), {"at": plain(at)}
        elif as_of is not None:
            v, point = h.version_at(as_of=as_of), {"as_of": as_of.isoformat()}
        else:
            v, point = h.version, {}
        if v == 0:
            raise NotFoundError(f"Aggregate {h.id} did not exist yet at {next(iter(point.values()))}.", field=next(iter(point)))
        unreadable = [e.version for e in h.events if e.version <= v and "[unreadable]" in e.data]
        if unreadable:
            raise UnreadableHistoryError(
                f"Version {unreadable[0]} of aggregate {h.id} does not read, so its state cannot be replayed; "
                "run `dialogue audit verify` to locate the tampering.", field="version",
            )
        # From the events alone: a snapshot is outside the chain and the tree (a changed one
        # would show here while everything verifies; `audit verify` compares them).
        aggregate: Any = replay(self.app, UUID(h.id), v)
        state = {"id": h.id, "version": aggregate.version, "created_on": plain(aggregate.created_on), "modified_on": plain(aggregate.modified_on)}
        state.update({k: plain(val) for k, val in vars(aggregate).items() if not k.startswith("_")})
        if h.type == "Participant" and getattr(aggregate, "display_name", None) is None and not getattr(aggregate, "erased", False):
            state.update({f: ERASED for f in PERSONAL_FIELDS if state.get(f) is None})
        if not reveal_personal:
            hidden = [str(e.data.get("comment_id")) for e in h.events if e.topic == COMMENT_HIDDEN_TOPIC]
            state = redact_state(h.type, state, hidden)
        if not (reveal_personal if reveal_references is None else reveal_references):
            state = redact_references(h.type, state)
        return StateAtPoint(id=h.id, type=h.type, version=v, latest_version=h.version, point=point, state=state)

    # ------------------------------------------------------------------ diffs
    def text_diff(self, aggregate_id: str | UUID, from_version: int, to_version: int) -> list[FieldDiff]:
        """Word-level diffs of a proposal's text fields between two of its versions.

        Raises:
            NotFoundError: unknown id or version.
            InvalidInputError: ``not_a_proposal``.
        """
        a = self.state(aggregate_id, version=from_version, reveal_personal=True)
        if a.type != "Proposal":
            raise InvalidInputError("Text diffs are for proposals.", code="not_a_proposal", field="id")
        b = self.state(aggregate_id, version=to_version, reveal_personal=True)
        out = []
        for f in PROPOSAL_TEXT_FIELDS:
            old, new = str(a.state.get(f) or ""), str(b.state.get(f) or "")
            out.append(FieldDiff(
                field=f, old=old, new=new, ops=word_diff(old, new),
                unified=unified_word_diff(old, new, f"{f}@v{from_version}", f"{f}@v{to_version}"),
            ))
        return out

    # ------------------------------------------------------------------ the log
    def log_page(self, *, after: int = 0, limit: int = 50, reveal_personal: bool, reveal_references: bool | None = None) -> list[dict[str, Any]]:
        """Positions after ``after``: ``{position, aggregate_id, type, topic, version,
        recorded_at, data, hash}`` with ``data`` the stored state (personal fields as
        ciphertext markers; position takers redacted for non-auditors), and ``stored``, the
        exact stored bytes in base64, for auditors, and for everyone when they hold nothing
        the public may not see (:func:`public_stored`)."""
        out = []
        for rec in read_log(self.engine, after=after, limit=max(1, min(limit, 500))):
            if rec.state is None:
                out.append({"position": rec.position, "aggregate_id": None, "type": None, "topic": None, "version": None,
                            "recorded_at": None, "data": None, "hash": rec.chain_hash, "missing_event": True})
                continue
            data = stored_state_view(rec.state)
            cls, name = type_of(rec.topic or "")
            if not reveal_personal and isinstance(data, dict):
                data = redact_event_data(rec.topic or "", data)
            if not (reveal_personal if reveal_references is None else reveal_references) and isinstance(data, dict):
                data = redact_references(cls, data)
            entry = {
                "position": rec.position, "aggregate_id": rec.originator_id, "type": f"{cls}.{name}", "topic": rec.topic,
                "version": rec.originator_version, "recorded_at": plain(stored_timestamp(rec.state)), "data": data, "hash": rec.chain_hash,
            }
            if reveal_personal or public_stored(rec.topic or "", rec.state):
                entry["stored"] = base64.b64encode(rec.state).decode()
            out.append(entry)
        return out

    def head(self) -> dict[str, Any]:
        """The stored chain's head ``{position, hash, events}`` (not verified: see :func:`verify_log`)."""
        with self.engine.connect() as c:
            row = c.execute(select(chain_table.c.position, chain_table.c.hash).order_by(chain_table.c.position.desc()).limit(1)).first()
            n = c.execute(select(func.count()).select_from(events_table)).scalar()
        return {"position": int(row[0]) if row else 0, "hash": row[1] if row else GENESIS.hex(), "events": int(n or 0)}
