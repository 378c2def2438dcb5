"""The mapper seals a participant's personal fields with their own key (no I/O: the key
store is a fake that keeps keys in a dict)."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from application.persistence import (
    PERSONAL_PADDING,
    DateAsISO,
    KeyStore,
    MasterKeyError,
    PersonalDataMapper,
)
from domain.base import SECRETARIAT, Ctx
from domain.organisation import Organisation
from domain.participant import Participant

CTX = Ctx(actor=SECRETARIAT, effective_date=date(2026, 1, 5), command_id="test#1")


class FakeKeyStore(KeyStore):
    """Keys in a dict; ``erase`` forgets one, as deleting its row does."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}

    def get(self, participant_id: str) -> bytes | None:
        return self.keys.get(participant_id)

    def create(self, participant_id: str) -> bytes:
        return self.keys.setdefault(participant_id, AESGCM.generate_key(bit_length=256))

    def erase(self, participant_id: str) -> None:
        del self.keys[participant_id]


def mapper(keys: KeyStore | None) -> PersonalDataMapper:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    return PersonalDataMapper(transcoder, keys)


def read(m: PersonalDataMapper, stored: Any) -> Any:
    return m.to_domain_event(stored)


def registered(name: str = "Rosa Quispe Mamani", gender: str = "woman", organisation: UUID | None = None) -> Any:
    p = Participant.register(
        CTX, id=uuid4(), reference="p-x", display_name=name, organisation_id=organisation or uuid4(), gender=gender,
        preferred_language="es",
    )
    return p.collect_events()[0]


def test_personal_fields_are_not_in_the_stored_state() -> None:
    event = registered(organisation=UUID(int=7))
    stored = mapper(FakeKeyStore()).to_stored_event(event)
    state = json.loads(stored.state)
    assert set(state) & {"display_name", "gender", "organisation_id", "preferred_language"} == set()
    assert b"Rosa" not in stored.state and str(UUID(int=7)).encode() not in stored.state
    assert state["reference"] == "p-x"


def test_personal_fields_read_back_with_the_key() -> None:
    m = mapper(FakeKeyStore())
    event = read(m, m.to_stored_event(registered()))
    assert (event.display_name, event.gender, event.preferred_language) == ("Rosa Quispe Mamani", "woman", "es")


def test_personal_fields_read_as_none_once_the_key_is_gone() -> None:
    keys = FakeKeyStore()
    m = mapper(keys)
    original = registered()
    stored = m.to_stored_event(original)
    keys.erase(str(original.originator_id))
    event = read(m, stored)
    assert (event.display_name, event.organisation_id, event.gender, event.preferred_language) == (None, None, None, None)
    assert event.reference == "p-x"


def test_the_sealed_length_does_not_reveal_the_name_or_gender() -> None:
    m = mapper(FakeKeyStore())
    short = json.loads(m.to_stored_event(registered("Al Li", "man")).state)["personal"]
    long = json.loads(m.to_stored_event(registered("María Fernanda de los Ángeles Quispe", "prefer_not_to_say")).state)["personal"]
    assert len(short) == len(long)
    assert (len(base64.b64decode(short)) - 12 - 16) % PERSONAL_PADDING == 0  # nonce and tag around padded JSON


def test_a_sealed_event_does_not_open_under_another_participants_key() -> None:
    keys = FakeKeyStore()
    m = mapper(keys)
    original = registered()
    stored = m.to_stored_event(original)
    keys.keys[str(original.originator_id)] = AESGCM.generate_key(bit_length=256)  # a different key
    assert read(m, stored).display_name is None


def test_events_of_other_aggregates_are_stored_as_they_are() -> None:
    org = Organisation.register(CTX, id=uuid4(), reference="org-x", name="Red Migrante", stakeholder_group="migrant_organisation", country="CO", languages=["es"])
    stored = mapper(None).to_stored_event(org.collect_events()[0])
    assert json.loads(stored.state)["name"] == "Red Migrante"
    assert "personal" not in json.loads(stored.state)


def test_personal_data_is_never_stored_without_a_key_store() -> None:
    with pytest.raises(MasterKeyError, match="master key"):
        mapper(None).to_stored_event(registered())
