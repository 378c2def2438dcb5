"""Personal data (issue 4): finding a person, erasing them, their data export, key backups.

The mechanism's personal data lives only in each Participant's own events, encrypted
with a key of that person (:class:`application.persistence.PersonalDataMapper`); keys
are wrapped by the master key (:class:`application.persistence.KeyStore`). This module
holds what the ``dialogue participants …`` and ``dialogue keys …`` commands need:

- :func:`resolve_participant`: a participant UUID or a scenario reference (``p-12``);
- :func:`erase`: the erasure, then the views brought up to date, the API's kept answers
  dropped (:func:`drop_kept_answers`) and the storage scrubbed (:func:`application.scrub.scrub_storage`: SQLite WAL checkpoint, PostgreSQL
  ``VACUUM (FULL)``, and the transactions that still hold old row versions);
- :func:`export_participant`: everything the service holds about a person, by id
  (right of access: GDPR art. 15, LGPD art. 18);
- :func:`backup_keys` / :func:`restore_keys`: the encrypted key store as JSON; a
  restore drops the keys of everyone whose erasure is in the log.

Every message and log line here names people by id, never by a personal value.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import resolve_topic
from sqlalchemy import Connection, Engine, select, text, update

from application.audit.log import events_table
from application.bootstrap import Services
from application.persistence import (
    KeyStore,
    MasterKeyError,
    drop_erased_keys,
    erased_participant_ids,
    key_check_table,
    notifications,
)
from application.scrub import Scrubbed, scrub_storage
from application.service import DialogueApplication
from application.tables import api_requests
from domain.errors import NotFoundError
from domain.participant import PERSONAL_FIELDS, pseudonym
from projections import liaison as liaison_views
from projections import people as people_views
from projections import proposals as proposal_views
from projections import sessions as session_views
from projections import tables as table_views

log = logging.getLogger(__name__)

BACKUP_FORMAT = "dialogue-key-backup"
BACKUP_VERSION = 1
PARTICIPANT_TOPIC_PREFIX = "domain.participant:Participant."
# Fields of other aggregates' events that hold a participant id (or a list of them).
PARTICIPANT_REFERENCE_FIELDS = (
    "author", "co_authors", "co_author", "amender", "member", "participant", "focal_point", "candidate", "voter",
)


class PrivacyError(Exception):
    """A key backup that cannot be read or restored (wrong format, not JSON)."""


# ---------------------------------------------------------------------------- finding a person
def resolve_participant(views: Engine, ident: str) -> UUID:
    """The id of the participant named by ``ident``: their UUID, or their scenario
    reference such as ``p-12`` (looked up in the participant directory view, which must
    be up to date).

    Raises:
        NotFoundError: no participant has this id or reference.
    """
    ident = ident.strip()
    try:
        wanted = str(UUID(ident))
        column = people_views.view_participants.c.id
    except ValueError:
        wanted = ident
        column = people_views.view_participants.c.reference
    with views.connect() as c:
        found = [r[0] for r in c.execute(select(people_views.view_participants.c.id).where(column == wanted))]
    if len(found) != 1:
        raise NotFoundError(f"No participant with id or reference {ident!r}.", field="participant")
    return UUID(found[0])


# ---------------------------------------------------------------------------- erasure
@dataclass
class ErasureReport(Scrubbed):
    """What an erasure did: ids, positions and storage steps, never a personal value."""

    participant_id: str
    reference: str
    pseudonym: str
    command_id: str
    position: int
    vacated_seats: list[str]


def erase(
    services: Services, ident: str, *, reason: str = "", actor: str = "administrator", command_id: str | None = None, wait: float = 0.0,
) -> ErasureReport:
    """Erase a person's personal data (``dialogue participants erase ID``).

    Records ``PersonalDataErased`` and deletes the key in one transaction (a seat they
    hold today is vacated in it, :meth:`DialogueApplication.erase_participant`; their
    account, sessions, links and recovery codes go with the key), brings
    the views up to date (the directory row is redacted, the statistics stop counting
    them), drops the answers the API kept for idempotent writes (:func:`drop_kept_answers`:
    any of them may name the person), then scrubs the storage (:func:`application.scrub.scrub_storage`, waiting up to
    ``wait`` seconds for older transactions on a PostgreSQL server to end). A transaction
    still holding old row versions is named in ``held_by`` and the warnings: the erasure
    is recorded, but the storage is not scrubbed until the scrub runs again after it.

    Raises:
        NotFoundError: unknown ``ident``.
        domain.errors.InvalidTransitionError: ``already_erased``.
        domain.errors.NotAllowedError: ``not_allowed``.
    """
    services.projector.catch_up()
    pid = resolve_participant(services.projector.engine, ident)
    reference = services.app.participant(pid).reference
    cid = command_id or f"erase:{pid}"
    account = services.accounts.of_participant(str(pid))
    seats = services.app.erase_participant(pid, reason=reason, actor=actor, command_id=cid)
    # The key's deletion deleted the account (its row hangs on the key); the failed sign-in
    # count kept under the address's blind index goes too.
    if account is not None and account.email:
        services.accounts.forget_failures(account.email)
    position = services.app.command_position(cid)
    log.info("Erased the personal data of participant %s at position %s; seats vacated: %s", pid, position, seats or "none")
    services.projector.catch_up()
    drop_kept_answers(services.app.engine)
    scrub = scrub_storage(services, wait=wait)
    return ErasureReport(
        participant_id=str(pid), reference=reference, pseudonym=pseudonym(pid), command_id=cid, position=position,
        vacated_seats=seats, scrub=scrub,
    )


def drop_kept_answers(engine: Engine) -> int:
    """Drop the body of every answer the API keeps for its idempotent writes
    (``dialogue_api_requests``, :mod:`web.api.idempotency`), whoever's account kept it: an
    answer may name anyone (a proposal's authors, a table's members), as it read when it was
    given, so after an erasure none may be served or stored again. The key records stay
    (their account, key, request hash, status and headers: no personal value), so a retry is
    still applied once; its replay then answers ``303 answer_not_kept`` with the resource's
    address instead of the body (docs/api.md). The storage scrub after it removes the old row
    versions (:data:`application.scrub.SCRUBBED_EVENT_STORE_TABLES`). Returns how many were dropped."""
    with engine.begin() as c:
        lock_kept_answers(c, exclusive=True)
        return int(c.execute(update(api_requests).where(api_requests.c.body != "").values(body="")).rowcount or 0)


# The erasures' topics: an answer kept after one of them was recorded may hold a name read before it.
ERASURE_TOPICS = (
    "domain.participant:Participant.PersonalDataErased",
    "domain.open_call:OpenCall.ContributorErased",
    "domain.join_request:JoinRequests.RequesterErased",
)
# The PostgreSQL advisory lock (a transaction's) between keeping an answer (shared) and
# dropping them all (exclusive): a keep either commits before the drop reads the table, or
# sees the erasure that came before the drop (SQLite serializes the two writes by itself).
KEPT_ANSWERS_LOCK = 0x64_6C_67_6B_65_70  # "dlgkep"


def lock_kept_answers(c: Connection, *, exclusive: bool) -> None:
    """Take the kept answers' lock for the transaction of ``c`` (PostgreSQL only)."""
    if c.dialect.name == "postgresql":
        c.execute(text(f"SELECT pg_advisory_xact_lock{'' if exclusive else '_shared'}(:k)"), {"k": KEPT_ANSWERS_LOCK})


def erased_since(c: Connection, position: int) -> bool:
    """Whether an erasure was recorded after log ``position`` (an answer read before it may
    name the person: :mod:`web.api.idempotency` keeps it without its body)."""
    e = events_table
    return c.execute(select(e.c.id).where(e.c.id > position, e.c.topic.in_(ERASURE_TOPICS)).limit(1)).first() is not None


# ---------------------------------------------------------------------------- right of access
def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _rows(views: Engine, query: Any) -> list[dict[str, Any]]:
    with views.connect() as c:
        return [_plain(dict(r)) for r in c.execute(query).mappings()]


def _names(value: Any, participant_id: str) -> bool:
    return value == participant_id or (isinstance(value, list) and participant_id in value)


def events_naming(app: DialogueApplication, participant_id: UUID) -> Iterator[dict[str, Any]]:
    """Every event of the log that names the participant: their own Participant events,
    and other events whose actor is them or that hold their id (as author, co-author,
    amender, member, seat holder or focal point). Each: ``position, topic, aggregate_id,
    aggregate_version, recorded_at, effective_date, actor, command_id, data`` (the event's own
    fields; another person's personal fields are never decoded here)."""
    pid = str(participant_id)
    transcoder: Any = app.mapper.transcoder
    for n in notifications(app.recorder):
        own = str(n.originator_id) == pid
        if n.topic.startswith(PARTICIPANT_TOPIC_PREFIX) and not own:
            continue
        if own:
            state = dict(vars(app.mapper.to_domain_event(n)))
        else:
            state = transcoder.decode(n.state)
            if state.get("actor") != pid and not any(_names(state.get(f), pid) for f in PARTICIPANT_REFERENCE_FIELDS):
                continue
            if "personal" in state and state.get(getattr(resolve_topic(n.topic), "personal_key_field", ""), None) == pid:
                state = dict(vars(app.mapper.to_domain_event(n)))  # sealed with their key: their own candidacy
        data = {k: v for k, v in state.items() if k not in (
            "originator_id", "originator_version", "timestamp", "actor", "effective_date", "command_id", "class_version", "personal",
        )}
        yield _plain({
            "position": n.id, "topic": n.topic, "aggregate_id": str(n.originator_id), "aggregate_version": n.originator_version,
            "recorded_at": state.get("timestamp"), "effective_date": state.get("effective_date"), "actor": state.get("actor"),
            "command_id": state.get("command_id"), "data": data,
        })


def export_participant(app: DialogueApplication, views: Engine, participant_id: UUID) -> dict[str, Any]:
    """All the data the service holds about one person, as plain JSON-ready data
    (``dialogue participants export ID``; right of access).

    Returns ``{participant_id, reference, erased, details, organisation, memberships,
    proposals_authored, proposals_co_authored, amendments, positions, endorsement_votes,
    terms, events}``: ``details`` are their personal fields decrypted (``None`` each
    once erased); the rest refers to proposals, sessions and rounds by id and reference;
    ``events`` is every event naming them (:func:`events_naming`). The views must be up
    to date.

    Raises:
        NotFoundError: no such participant.
    """
    p = app.participant(participant_id)
    pid = str(p.id)
    details = {f: getattr(p, f) for f in PERSONAL_FIELDS}
    organisation = None
    if details["organisation_id"]:
        found = _rows(views, select(people_views.view_organisations).where(people_views.view_organisations.c.id == details["organisation_id"]))
        organisation = found[0] if found else None
    proposals = _rows(views, select(
        proposal_views.view_proposals.c.id, proposal_views.view_proposals.c.reference, proposal_views.view_proposals.c.title, proposal_views.view_proposals.c.table_code, proposal_views.view_proposals.c.status,
        proposal_views.view_proposals.c.author_id, proposal_views.view_proposals.c.co_author_ids,
    ).order_by(proposal_views.view_proposals.c.reference))
    return {
        "participant_id": pid,
        "reference": p.reference,
        "erased": bool(p.erased),
        "pseudonym": pseudonym(pid),
        "details": _plain(details),
        "organisation": organisation,
        "memberships": _rows(views, select(table_views.view_memberships.c.table_code, table_views.view_memberships.c.joined_on).where(
            table_views.view_memberships.c.participant_id == pid).order_by(table_views.view_memberships.c.table_code)),
        "proposals_authored": [{k: r[k] for k in ("id", "reference", "title", "table_code", "status")} for r in proposals if r["author_id"] == pid],
        "proposals_co_authored": [{k: r[k] for k in ("id", "reference", "title", "table_code", "status")} for r in proposals if pid in (r["co_author_ids"] or [])],
        "amendments": _rows(views, select(proposal_views.view_amendments).where(proposal_views.view_amendments.c.amender_id == pid).order_by(proposal_views.view_amendments.c.proposed_on, proposal_views.view_amendments.c.reference)),
        "positions": _rows(views, select(session_views.view_positions).where(session_views.view_positions.c.member_id == pid).order_by(session_views.view_positions.c.effective_date, session_views.view_positions.c.session_id)),
        "endorsement_votes": _rows(views, select(liaison_views.view_endorsement_votes).where(
            liaison_views.view_endorsement_votes.c.participant_id == pid).order_by(liaison_views.view_endorsement_votes.c.effective_date, liaison_views.view_endorsement_votes.c.round_id)),
        "terms": _rows(views, select(table_views.view_representatives).where(table_views.view_representatives.c.participant_id == pid).order_by(table_views.view_representatives.c.term_start)),
        "events": list(events_naming(app, p.id)),
    }


# ---------------------------------------------------------------------------- key backups
def backup_keys(keys: KeyStore) -> dict[str, Any]:
    """The key store as JSON-ready data: every participant key still wrapped by the
    master key (a backup never holds a usable key without the master key), with the
    key-check token. Shape: ``{format, version, created_at, key_check, keys: {participant
    id: base64 wrapped key}}``."""
    with keys.engine.connect() as c:
        token = c.execute(select(key_check_table.c.token)).scalar()
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "key_check": base64.b64encode(bytes(token)).decode() if token is not None else None,
        "keys": {pid: base64.b64encode(blob).decode() for pid, blob in sorted(keys.wrapped_keys().items())},
    }


@dataclass
class RestoreReport:
    """Counts of a key restore (participant ids only for the erased ones skipped)."""

    in_backup: int
    restored: int
    already_present: int
    skipped_erased: list[str]
    dropped_after: int


def parse_backup(raw: str | bytes) -> dict[str, bytes]:
    """The wrapped keys of a backup file's text.

    Raises:
        PrivacyError: not JSON, not a key backup of a known version, or a bad entry.
    """
    try:
        data = json.loads(raw)
    except ValueError as e:
        raise PrivacyError("The key backup is not JSON.") from e
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT or data.get("version") != BACKUP_VERSION:
        raise PrivacyError(f"Not a key backup (format {BACKUP_FORMAT!r}, version {BACKUP_VERSION}).")
    entries = data.get("keys")
    if not isinstance(entries, dict):
        raise PrivacyError("The key backup has no keys object.")
    out: dict[str, bytes] = {}
    for pid, blob in entries.items():
        try:
            out[str(UUID(pid))] = base64.b64decode(blob, validate=True)
        except (ValueError, TypeError) as e:
            raise PrivacyError(f"The key backup's entry {pid!r} is malformed.") from e
    return out


def restore_keys(app: DialogueApplication, keys: KeyStore, wrapped: dict[str, bytes]) -> RestoreReport:
    """Restore backed-up keys next to a restored log, so that no backup brings an erased
    person back (issue 4, "Backups").

    Every key must open with the configured master key (else nothing is restored). Keys
    of participants whose ``PersonalDataErased`` is in the log are not restored; keys
    already present are kept; then :func:`drop_erased_keys` deletes any key of an erased
    participant (including one erased while this ran). Writes the key-check record when
    the database has none.

    Raises:
        PrivacyError: the log is empty (restore the log first: its erasures decide
            which keys may come back).
        MasterKeyError: a backed-up key does not open with this master key.
    """
    if not app.recorder.max_notification_id():
        raise PrivacyError("The event log is empty: restore the log first, then the keys.")
    bad = [pid for pid, blob in wrapped.items() if not keys.opens(pid, blob)]
    if bad:
        raise MasterKeyError(f"{len(bad)} key(s) of this backup do not open with the configured master key; nothing was restored.")
    erased = erased_participant_ids(app.dialogue_recorder)
    present = set(keys.wrapped_keys())
    wanted = {pid: blob for pid, blob in wrapped.items() if pid not in erased}
    restored = keys.add_wrapped(wanted)
    dropped = drop_erased_keys(app.dialogue_recorder, keys)
    keys.write_key_check()
    log.info("Restored %s participant key(s); %s erased participant(s) skipped; %s key(s) dropped after", restored, len(set(wrapped) & erased), dropped)
    return RestoreReport(
        in_backup=len(wrapped), restored=restored, already_present=len(set(wanted) & present),
        skipped_erased=sorted(set(wrapped) & erased), dropped_after=dropped,
    )
