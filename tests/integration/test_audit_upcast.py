"""Events carry ``class_version``; an event stored in an older shape loads through its
upcaster (docs/architecture.md, "Events are a stored contract"; issue 5, "Event versions")."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.audit import verify_log
from application.bootstrap import Services


class Memo(Aggregate):
    """A test aggregate whose creation event gained a field in version 2."""

    class Written(Aggregate.Created):
        class_version = 2
        text: str
        language: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["language"] = "es"  # v1 had no language: the mechanism's first language

    @event(Written)
    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language


def store_v1(services: Services, state: dict[str, Any]) -> Any:
    aggregate_id = uuid4()
    body = {"timestamp": datetime(2026, 1, 5, tzinfo=UTC), "originator_topic": get_topic(Memo), **state}
    stored = StoredEvent(originator_id=aggregate_id, originator_version=1, topic=get_topic(Memo.Written), state=services.app.mapper.transcoder.encode(body))
    services.app.recorder.insert_events([stored])
    return aggregate_id


def test_an_event_stored_as_version_1_loads_upcast_to_version_2(services: Services) -> None:
    memo_id = store_v1(services, {"text": "Acta de la sesión", "class_version": 1})

    memo: Any = services.app.repository.get(memo_id)

    assert (memo.text, memo.language) == ("Acta de la sesión", "es")


def test_an_event_stored_without_a_class_version_counts_as_version_1(services: Services) -> None:
    memo_id = store_v1(services, {"text": "Minutes"})

    memo: Any = services.app.repository.get(memo_id)

    assert memo.language == "es"


def test_a_new_event_is_stored_with_its_class_version_and_loads_unchanged(services: Services) -> None:
    memo = Memo("Minutes", "en")
    services.app.save(memo)

    stored = services.app.recorder.select_events(memo.id)[0]

    assert json.loads(stored.state)["class_version"] == 2
    assert services.app.repository.get(memo.id).language == "en"


def test_an_event_in_an_older_shape_is_part_of_the_verified_chain(services: Services) -> None:
    store_v1(services, {"text": "Acta", "class_version": 1})

    report = verify_log(services.app.engine)

    assert report.ok
    assert report.count == 1
